import type { SimLine, SimOrder, YahooSimState } from "./state";
import { badRequest, elements, isoJst, parseCompactJst, resultSet, sellerError, tag, xml, XML_DECL } from "./xml";

// 注文検索API (orderList) and 注文詳細API (orderInfo): XML requests `<Req>…<SellerId/></Req>`,
// answers carrying only the fields named in <Field>.

// [verify] Yahoo's error codes for a missing search condition / unknown order id.
const NO_CONDITION = "od-00001";
const NO_ORDER = "od-00003";

function orderFields(o: SimOrder): Record<string, string | number | boolean> {
  return {
    OrderId: o.orderId,
    Version: o.version,
    OrderTime: isoJst(o.orderTime),
    LastUpdateTime: isoJst(o.lastUpdateTime),
    OrderStatus: o.status,
    IsActive: o.isActive,
    IsSeen: false,
    SellerId: o.sellerId,
  };
}

function itemFields(l: SimLine): Record<string, string | number> {
  return {
    LineId: l.lineId,
    ItemId: l.itemId,
    Title: l.title,
    SubCode: l.subCode ?? "",
    UnitPrice: l.unitPrice,
    Quantity: l.quantity,
  };
}

function pick<T>(all: Record<string, T>, names: string[]): Record<string, T> {
  const out: Record<string, T> = {};
  for (const n of names) if (n in all) out[n] = all[n];
  return out;
}

function fieldList(body: string): string[] {
  return (tag(body, "Field") ?? "OrderId")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}

function intTag(body: string, name: string, dflt: number): number {
  const v = tag(body, name);
  return v && /^\d+$/.test(v) ? Number(v) : dflt;
}

export function orderList(state: YahooSimState, seller: string, body: string): Response {
  const err = sellerError(tag(body, "SellerId"), seller);
  if (err) return err;
  const cond = tag(body, "Condition") ?? "";
  const ids = tag(cond, "OrderId");
  const from = tag(cond, "OrderTimeFrom");
  const to = tag(cond, "OrderTimeTo");
  if (!ids && !from && !to) return badRequest(NO_CONDITION, "OrderId か OrderTime の条件を指定してください。");
  const fromMs = from ? parseCompactJst(from) : null;
  const toMs = to ? parseCompactJst(to) : null;
  if ((from && fromMs === null) || (to && toMs === null)) return badRequest(NO_CONDITION, "OrderTime の形式が不正です。");
  const idSet = ids ? new Set(ids.split(",").map((s) => s.trim())) : null;
  const statuses = tag(cond, "OrderStatus")?.split(",").map(Number);
  const isActive = tag(cond, "IsActive");

  let orders = [...state.orders.values()].filter(
    (o) =>
      o.sellerId === seller &&
      (!idSet || idSet.has(o.orderId)) &&
      // Order times are compared at second resolution, inclusive at both ends.
      (fromMs === null || Math.floor(o.orderTime / 1000) * 1000 >= fromMs) &&
      (toMs === null || Math.floor(o.orderTime / 1000) * 1000 <= toMs) &&
      (!statuses || statuses.includes(o.status)) &&
      (isActive === undefined || String(o.isActive) === isActive),
  );
  const desc = (tag(body, "Sort") ?? "+order_time").startsWith("-");
  orders.sort((a, b) => (desc ? -1 : 1) * (a.orderTime - b.orderTime || a.orderId.localeCompare(b.orderId)));
  const total = orders.length;
  const start = Math.max(1, intTag(body, "Start", 1));
  const result = intTag(body, "Result", 10);
  orders = orders.slice(start - 1, start - 1 + result);
  const fields = fieldList(body);
  const infos = orders
    .map((o, i) => `<OrderInfo><Index>${start + i}</Index>${elements(pick(orderFields(o), fields))}</OrderInfo>`)
    .join("");
  return xml(`${XML_DECL}\n<Result><Status>OK</Status><Search><TotalCount>${total}</TotalCount>${infos}</Search></Result>`);
}

export function orderInfo(state: YahooSimState, seller: string, body: string): Response {
  const err = sellerError(tag(body, "SellerId"), seller);
  if (err) return err;
  const target = tag(body, "Target") ?? "";
  const id = tag(target, "OrderId");
  const o = id ? state.orders.get(id) : undefined;
  if (!o || o.sellerId !== seller) return badRequest(NO_ORDER, `注文が存在しません。(${id ?? ""})`);
  const fields = fieldList(target);
  const items = o.lines.map((l) => `<Item>${elements(pick(itemFields(l), fields))}</Item>`).join("");
  return xml(resultSet(1, `<Result><Status>OK</Status><OrderInfo>${elements(pick(orderFields(o), fields))}${items}</OrderInfo></Result>`));
}
