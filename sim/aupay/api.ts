import { Hono, type Context } from "hono";
import { childrenNamed, childText, parseXml, type XmlElement } from "../../src/malls/xml";
import { axis } from "../../src/malls/aupay/codes";
import type { AupaySimState, SimItem, SimOrder } from "./state";
import { elements, failed, jstDayKey, jstMinute, responseXml, xml, type SimErrorItem } from "./xml";

// The Wow!manager API methods Kura uses, under the mount point (…/wmshopapi/{method} on the real
// host): updateStock (POST XML), searchStocks, searchTradeInfoListProc and searchTradeInfoProc
// (GET, query parameters). Every call needs `Authorization: Bearer <APIキー>`, the shop's shopId,
// a key younger than 90 days and a registered source IP.
//
// [verify] Error codes: the real list is not public. PME0106 ("already registered") is the one
// code seen in a public client; the others here are the simulator's own, chosen for their shape.
export const ERR = {
  badKey: { code: "PMC0001", message: "APIキーが不正です。" },
  keyExpired: { code: "PMC0002", message: "APIキーの有効期限が切れています。" },
  ipNotAllowed: { code: "PMC0003", message: "接続元IPアドレスが登録されていません。" },
  badShop: { code: "PMC0004", message: "店舗IDが不正です。" },
  badParam: (name: string) => ({ code: "PMC0005", message: `${name}の指定が不正です。` }),
  tooMany: { code: "PME0201", message: "在庫更新商品の件数が上限(200件)を超えています。" },
  noItem: { code: "PME0110", message: "指定された商品が存在しません。" },
  badCount: { code: "PME0111", message: "在庫数の指定が不正です。" },
  noChoice: { code: "PME0112", message: "指定された選択肢が存在しません。" },
  badSegment: { code: "PME0113", message: "在庫区分が商品の設定と一致しません。" },
  badDate: (name: string) => ({ code: "PMO0002", message: `${name}の形式が正しくありません。` }),
} satisfies Record<string, SimErrorItem | ((n: string) => SimErrorItem)>;

const MAX_UPDATE = 200;
const MAX_STOCK_PAGE = 500;
/** [verify] order search page size: clients use 500 or 1000. */
const MAX_ORDER_PAGE = 1000;
const MAX_COUNT = 99_999;

/** The refusal of a call whose key or source IP is not accepted, in the configured style. */
export function refused(state: AupaySimState, e: SimErrorItem, httpStatus: 401 | 403): Response {
  return failed(e.code, e.message, state.authStyle === "http" ? httpStatus : 200);
}

function checkAccess(c: Context, state: AupaySimState): Response | null {
  const m = /^Bearer\s+(\S+)$/.exec(c.req.header("Authorization") ?? "");
  if (!m || m[1] !== state.key.apiKey) return refused(state, ERR.badKey, 401);
  if (state.keyExpired()) return refused(state, ERR.keyExpired, 401);
  if (!state.ipRegistered) return refused(state, ERR.ipNotAllowed, 403);
  return null;
}

function intParam(raw: string | undefined, dflt: number, min: number, max: number): number | null {
  if (raw === undefined || raw === "") return dflt;
  if (!/^\d+$/.test(raw)) return null;
  const n = Number(raw);
  return n < min || n > max ? null : n;
}

function stockXml(item: SimItem): string {
  const head = elements({ itemCode: item.itemCode, lotNumber: item.lotNumber, stockSegment: item.segment });
  if (item.segment === 1) return `<resultStocks>${head}${elements({ stockCount: item.stockCount })}</resultStocks>`;
  const choices = [...item.choices.values()]
    .map(
      (ch) =>
        `<choicesStocks>${elements({ choicesStockHorizontalCode: ch.horizontal ?? "-", choicesStockVerticalCode: ch.vertical ?? "-", choicesStockCount: ch.count })}</choicesStocks>`,
    )
    .join("");
  return `<resultStocks>${head}${choices}</resultStocks>`;
}

function orderXml(o: SimOrder): string {
  const details = o.details
    .map(
      (d) =>
        `<detail>${elements({
          orderDetailId: d.orderDetailId,
          itemCode: d.itemCode,
          itemManagementId: d.itemManagementId,
          itemName: `商品 ${d.itemCode}`,
          itemOption: d.itemOption,
          itemCancelStatus: d.itemCancelStatus,
          unit: d.unit,
          itemPrice: 1000,
          totalItemPrice: 1000 * d.unit,
        })}</detail>`,
    )
    .join("");
  return `<orderInfo>${elements({
    orderId: o.orderId,
    orderDate: jstMinute(o.orderDate),
    orderStatus: o.orderStatus,
    cancelStatus: o.cancelStatus,
    cancelDate: o.cancelDate === null ? "" : jstMinute(o.cancelDate),
  })}${details}</orderInfo>`;
}

/** startDate / endDate in the configured format → the YYYYMMDD day key, or null when malformed. */
function dayParam(state: AupaySimState, raw: string | undefined): string | null {
  const re = state.dateFormat === "compact" ? /^(\d{4})(\d{2})(\d{2})$/ : /^(\d{4})-(\d{2})-(\d{2})$/;
  const m = re.exec(raw ?? "");
  return m ? `${m[1]}${m[2]}${m[3]}` : null;
}

interface Update {
  itemCode?: string;
  lotNumber?: string;
  segment?: string;
  stockCount?: string;
  choices: { h: string | null; v: string | null; count: string }[];
}

function readUpdate(el: XmlElement): Update {
  return {
    itemCode: childText(el, "itemCode"),
    lotNumber: childText(el, "lotNumber"),
    segment: childText(el, "stockSegment"),
    stockCount: childText(el, "stockCount"),
    choices: childrenNamed(el, "choicesStocks").map((ch) => ({
      h: axis(childText(ch, "choicesStockHorizontalCode")),
      v: axis(childText(ch, "choicesStockVerticalCode")),
      count: childText(ch, "choicesStockCount") ?? "",
    })),
  };
}

const validCount = (s: string | undefined) => s !== undefined && /^\d+$/.test(s) && Number(s) <= MAX_COUNT;

export function apiRoutes(state: AupaySimState): Hono {
  const app = new Hono();
  app.use("*", async (c, next) => {
    const denied = checkAccess(c, state);
    if (denied) return denied;
    if (c.req.method === "GET" && c.req.query("shopId") !== state.shopId) return failed(ERR.badShop.code, ERR.badShop.message);
    await next();
  });

  app.post("/updateStock", async (c) => {
    let root: XmlElement;
    try {
      root = parseXml(new TextDecoder().decode(await c.req.arrayBuffer()));
    } catch {
      return failed(ERR.badParam("request").code, ERR.badParam("request").message);
    }
    if (childText(root, "shopId") !== state.shopId) return failed(ERR.badShop.code, ERR.badShop.message);
    const updates = childrenNamed(root, "stockUpdateItem").map(readUpdate);
    if (updates.length === 0) return failed(ERR.badParam("stockUpdateItem").code, ERR.badParam("stockUpdateItem").message);
    if (updates.length > MAX_UPDATE) return failed(ERR.tooMany.code, ERR.tooMany.message);
    const results: string[] = [];
    for (const u of updates) {
      // lotNumber, when given, wins over itemCode (MALLS-MORE.md §1).
      const item = u.lotNumber ? [...state.items.values()].find((i) => String(i.lotNumber) === u.lotNumber) : u.itemCode ? state.items.get(u.itemCode) : undefined;
      const error = applyUpdate(state, item, u);
      if (error) results.push(`<updateResult>${elements({ itemCode: u.itemCode, lotNumber: u.lotNumber })}<error>${elements({ code: error.code, message: error.message })}</error></updateResult>`);
    }
    // status 1 when any item failed: only the refused items are listed, the others are updated.
    return xml(responseXml(results.length ? 1 : 0, results.join("")));
  });

  app.get("/searchStocks", (c) => {
    const total = intParam(c.req.query("totalCount"), 10, 1, MAX_STOCK_PAGE);
    const start = intParam(c.req.query("startCount"), 1, 1, Number.MAX_SAFE_INTEGER);
    if (total === null) return failed(ERR.badParam("totalCount").code, ERR.badParam("totalCount").message);
    if (start === null) return failed(ERR.badParam("startCount").code, ERR.badParam("startCount").message);
    const itemCode = c.req.query("itemCode") ?? "";
    const lot = c.req.query("lotNumber") ?? "";
    // itemCode is a PARTIAL match; lotNumber an exact one.
    const hits = [...state.items.values()]
      .filter((i) => (!itemCode || i.itemCode.includes(itemCode)) && (!lot || String(i.lotNumber) === lot))
      .sort((a, b) => (a.itemCode < b.itemCode ? -1 : a.itemCode > b.itemCode ? 1 : 0));
    const pageRows = hits.slice(start - 1, start - 1 + total);
    const body = `<searchResult>${elements({ maxCount: hits.length, resultCount: pageRows.length })}${pageRows.map(stockXml).join("")}</searchResult>`;
    return xml(responseXml(0, body));
  });

  app.get("/searchTradeInfoListProc", (c) => {
    const total = intParam(c.req.query("totalCount"), 10, 1, MAX_ORDER_PAGE);
    const start = intParam(c.req.query("startCount"), 1, 1, Number.MAX_SAFE_INTEGER);
    const dateType = intParam(c.req.query("dateType"), 0, 0, 4);
    if (total === null || start === null || dateType === null) return failed(ERR.badParam("totalCount/startCount/dateType").code, ERR.badParam("totalCount/startCount/dateType").message);
    const from = c.req.query("startDate") === undefined ? "" : dayParam(state, c.req.query("startDate"));
    const to = c.req.query("endDate") === undefined ? "99999999" : dayParam(state, c.req.query("endDate"));
    if (from === null) return failed(ERR.badDate("startDate").code, ERR.badDate("startDate").message);
    if (to === null) return failed(ERR.badDate("endDate").code, ERR.badDate("endDate").message);
    // Only 注文日 (dateType 0) is modelled; the others (発送日, 入金日, …) find nothing here.
    const hits = [...state.orders.values()]
      .filter((o) => dateType === 0 && jstDayKey(o.orderDate) >= from && jstDayKey(o.orderDate) <= to)
      .sort((a, b) => b.orderDate - a.orderDate || (a.orderId < b.orderId ? 1 : -1)); // newest first
    const pageRows = hits.slice(start - 1, start - 1 + total);
    return xml(responseXml(0, `${elements({ resultCount: pageRows.length })}${pageRows.map(orderXml).join("")}`));
  });

  app.get("/searchTradeInfoProc", (c) => {
    const o = state.orders.get(c.req.query("orderId") ?? "");
    if (!o) return failed(ERR.badParam("orderId").code, ERR.badParam("orderId").message);
    return xml(responseXml(0, orderXml(o)));
  });
  return app;
}

function applyUpdate(state: AupaySimState, item: SimItem | undefined, u: Update): SimErrorItem | null {
  if (!item) return ERR.noItem;
  if (u.segment !== String(item.segment)) return ERR.badSegment;
  if (item.segment === 1) {
    if (!validCount(u.stockCount)) return ERR.badCount;
    item.stockCount = Number(u.stockCount);
    return null;
  }
  if (u.choices.length === 0) return ERR.badParam("choicesStocks");
  // All choices of the item are checked before any is written: an item is updated whole or not at all.
  for (const ch of u.choices) {
    if (!state.choice(item, ch.h, ch.v)) return ERR.noChoice;
    if (!validCount(ch.count)) return ERR.badCount;
  }
  for (const ch of u.choices) state.choice(item, ch.h, ch.v)!.count = Number(ch.count);
  return null;
}
