import type { Context, Hono } from "hono";
import { orderTime, parseOrderTime } from "./jst";
import type { RakutenSimState, SimOrder } from "./state";

// RakutenPayOrderAPI searchOrder / getOrder. Envelope: MessageModelList[{messageType,
// messageCode, message}] on every answer, HTTP 400 for parameter errors [doc samples]. Only the
// order fields stock sync needs are modelled; the real OrderModel has many more.

type Msg = { messageType: "INFO" | "WARNING" | "ERROR"; messageCode: string; message: string; orderNumber?: string };
const DAY = 86_400_000;
const err = (code: string, message: string): Msg => ({ messageType: "ERROR", messageCode: code, message });

async function jsonBody(c: Context): Promise<Record<string, unknown>> {
  try {
    const b = await c.req.json();
    return b && typeof b === "object" ? (b as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function searchErrors(b: Record<string, unknown>, now: number): Msg[] {
  const errs: Msg[] = [];
  const p = "ORDER_EXT_API_SEARCH_ORDER_ERROR_";
  if (![1, 2, 3, 4, 5, 6].includes(b.dateType as number)) errs.push(err(`${p}009`, "dateTypeの項目を指定して下さい。"));
  const start = parseOrderTime(b.startDatetime);
  const end = parseOrderTime(b.endDatetime);
  if (Number.isNaN(start)) errs.push(err(`${p}011`, "startDatetimeの書式が不正です。"));
  if (Number.isNaN(end)) errs.push(err(`${p}011`, "endDatetimeの書式が不正です。"));
  // Codes of the range checks below are not in the public samples [verify].
  if (!Number.isNaN(start) && !Number.isNaN(end)) {
    if (end < start) errs.push(err(`${p}013`, "endDatetimeはstartDatetime以降を指定してください。"));
    if (end - start > 63 * DAY) errs.push(err(`${p}014`, "期間は63日以内で指定してください。"));
    if (start < now - 730 * DAY) errs.push(err(`${p}015`, "startDatetimeは過去2年以内で指定してください。"));
  }
  const pg = (b.PaginationRequestModel ?? {}) as Record<string, unknown>;
  const amount = pg.requestRecordsAmount ?? 30;
  const page = pg.requestPage ?? 1;
  if (!Number.isInteger(amount) || (amount as number) < 1 || (amount as number) > 1000) {
    errs.push(err(`${p}016`, "requestRecordsAmountは1から1000の範囲で指定してください。"));
  }
  if (!Number.isInteger(page) || (page as number) < 1) errs.push(err(`${p}017`, "requestPageの値が不正です。"));
  return errs;
}

/** OrderModel as getOrder returns it (subset); SkuModelList only from version 7 (SKU対応) [doc]. */
function orderModel(o: SimOrder, version: number) {
  const t = (ms: number | null) => (ms === null ? null : orderTime(ms));
  return {
    orderNumber: o.orderNumber,
    orderProgress: o.orderProgress,
    subStatusId: null,
    subStatusName: null,
    orderDatetime: orderTime(o.orderDatetime),
    shopOrderCfmDatetime: null,
    orderType: 1,
    PackageModelList: [
      {
        basketId: Number(o.orderNumber.slice(-6)),
        packageDeleteFlag: 0,
        ItemModelList: o.lines.map((l) => ({
          itemDetailId: l.itemDetailId,
          itemName: `${l.manageNumber} ${l.variantId}`,
          itemId: 10_000_000 + (l.itemDetailId % 1_000_000),
          itemNumber: null,
          manageNumber: l.manageNumber,
          price: 1000,
          units: l.units,
          inventoryType: 1,
          restoreInventoryFlag: 0, // 0: follow the item's setting (restock on cancel)
          deleteItemFlag: l.deleteItemFlag,
          ...(version >= 7
            ? { SkuModelList: [{ variantId: l.variantId, merchantDefinedSkuId: l.merchantDefinedSkuId, skuInfo: null }] }
            : {}),
        })),
      },
    ],
    ChangeReasonModelList: o.changes.map((ch) => ({
      changeId: ch.changeId,
      changeType: ch.changeType,
      changeTypeDetail: ch.changeTypeDetail,
      changeReason: ch.changeReason,
      changeReasonDetail: ch.changeReasonDetail,
      changeApplyDatetime: t(ch.apply),
      changeFixDatetime: t(ch.fix),
      changeCmplDatetime: t(ch.cmpl),
    })),
  };
}

export function orderRoutes(app: Hono, state: RakutenSimState): void {
  const search = async (c: Context) => {
    const b = await jsonBody(c);
    const errs = searchErrors(b, state.now());
    if (errs.length > 0) return c.json({ orderNumberList: null, MessageModelList: errs, PaginationResponseModel: null }, 400);
    const start = parseOrderTime(b.startDatetime);
    const end = parseOrderTime(b.endDatetime);
    const progress = Array.isArray(b.orderProgressList) ? (b.orderProgressList as number[]) : null;
    const pg = (b.PaginationRequestModel ?? {}) as { requestRecordsAmount?: number; requestPage?: number; SortModelList?: { sortDirection?: number }[] };
    const amount = pg.requestRecordsAmount ?? 30;
    const page = pg.requestPage ?? 1;
    const desc = (pg.SortModelList?.[0]?.sortDirection ?? 2) === 2; // default 2: newest first [doc]
    // Only 注文日 (1) is modelled; the other date types match nothing (no order is confirmed,
    // shipped or settled in the simulator).
    const hits = [...state.orders.values()]
      .filter((o) => b.dateType === 1 && o.orderDatetime >= start && o.orderDatetime <= end)
      .filter((o) => !progress || progress.includes(o.orderProgress))
      .sort((x, y) => (desc ? y.orderDatetime - x.orderDatetime : x.orderDatetime - y.orderDatetime) || x.orderNumber.localeCompare(y.orderNumber))
      .slice(0, 15_000); // results past 15,000 cannot be read [doc]
    if (hits.length === 0) {
      return c.json({
        orderNumberList: [],
        MessageModelList: [{ messageType: "INFO", messageCode: "ORDER_EXT_API_SEARCH_ORDER_INFO_102", message: "注文検索に成功しました。(検索結果０件)" }],
        PaginationResponseModel: { totalRecordsAmount: null, totalPages: null, requestPage: null },
      });
    }
    return c.json({
      orderNumberList: hits.slice((page - 1) * amount, page * amount).map((o) => o.orderNumber),
      MessageModelList: [{ messageType: "INFO", messageCode: "ORDER_EXT_API_SEARCH_ORDER_INFO_101", message: "注文検索に成功しました。" }],
      PaginationResponseModel: { totalRecordsAmount: hits.length, totalPages: Math.ceil(hits.length / amount), requestPage: page },
    });
  };

  const get = async (c: Context) => {
    const b = await jsonBody(c);
    const list = b.orderNumberList;
    const p = "ORDER_EXT_API_GET_ORDER_ERROR_";
    if (!Array.isArray(list) || list.length === 0) {
      return c.json({ MessageModelList: [err(`${p}009`, "orderNumberListの項目を指定してください。")], OrderModelList: [] }, 400);
    }
    if (list.length > 100) return c.json({ MessageModelList: [err(`${p}010`, "orderNumberListは100件以内で指定してください。")], OrderModelList: [] }, 400); // [verify]
    const version = b.version;
    if (!Number.isInteger(version) || (version as number) < 1) {
      return c.json({ MessageModelList: [err(`${p}023`, "versionの項目を指定してください。")], OrderModelList: [] }, 400); // [verify]
    }
    const found: ReturnType<typeof orderModel>[] = [];
    const msgs: Msg[] = [];
    for (const n of list) {
      const o = typeof n === "string" ? state.orders.get(n) : undefined;
      if (o) found.push(orderModel(o, version as number));
      // [verify] code for a number that does not exist
      else msgs.push({ messageType: "WARNING", messageCode: "ORDER_EXT_API_GET_ORDER_WARNING_101", message: "指定された注文番号は存在しません。", orderNumber: String(n) });
    }
    msgs.unshift({ messageType: "INFO", messageCode: "ORDER_EXT_API_GET_ORDER_INFO_101", message: `受注情報取得に成功しました。(取得件数${found.length}件)` });
    return c.json({ MessageModelList: msgs, OrderModelList: found, version });
  };

  app.post("/es/2.0/order/searchOrder/", search);
  app.post("/es/2.0/order/searchOrder", search);
  app.post("/es/2.0/order/getOrder/", get);
  app.post("/es/2.0/order/getOrder", get);
}
