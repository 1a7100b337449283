import { MallError, type FetchOrdersResult, type OrderLine } from "../types";
import type { YahooSession } from "./client";
import { toYahooTime } from "./codes";
import { cursorSchema, isFinal, knownFinal, linesForOrder, pruneFinal, pruneOpen, updateOpen, type Cursor } from "./order-lines";
import { orderInfoSchema, orderListSchema, readOrderInfo, readOrderList, type OrderListOrder } from "./schemas";
import { escapeXml } from "./xml";

// 注文検索API (orderList) + 注文詳細API (orderInfo), polled by order time.
// Each call: one orderList page of the current order-time window (details for new or changed
// orders), then, once the window is scanned, one orderList by OrderId over the remembered open
// orders to find status/Version changes (cancellations, order edits).

export const FIRST_LOOKBACK_MS = 15 * 60_000;
export const OVERLAP_MS = 10 * 60_000;
/** orderList page size, and the most orderInfo calls one fetchOrders makes (rate budget). */
export const PAGE = 10;
export const DETAIL_BUDGET = 10;
/** Open orders re-checked per call ([verify] orderList accepts a comma list of OrderIds). */
export const RECHECK_IDS = 100;

const LIST_FIELDS = "OrderId,OrderTime,OrderStatus,IsActive,Version,LastUpdateTime";
const INFO_FIELDS = "OrderId,OrderTime,OrderStatus,IsActive,Version,LastUpdateTime,LineId,ItemId,SubCode,Quantity";

function initialCursor(now: number): Cursor {
  return { v: 1, lastTo: now - FIRST_LOOKBACK_MS + OVERLAP_MS, scan: null, open: [], rc: 0, fin: [] };
}

function readCursor(raw: unknown, now: number): Cursor {
  if (raw === null || raw === undefined) return initialCursor(now);
  const parsed = cursorSchema.safeParse(raw);
  // A cursor from an older format is not fatal: start again from a short look-back.
  return parsed.success ? structuredClone(parsed.data) : initialCursor(now);
}

async function orderList(s: YahooSession, condition: string, start: number, result: number) {
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?><Req><Search><Result>${result}</Result><Start>${start}</Start>` +
    `<Sort>+order_time</Sort><Condition>${condition}</Condition><Field>${LIST_FIELDS}</Field></Search>` +
    `<SellerId>${escapeXml(s.sellerId)}</SellerId></Req>`;
  const parsed = orderListSchema.safeParse(readOrderList(await s.call("orderList", { xml })));
  if (!parsed.success) throw new MallError("transient", "Yahoo orderList の応答を読めませんでした");
  return parsed.data;
}

async function orderInfo(s: YahooSession, orderId: string) {
  const xml =
    `<?xml version="1.0" encoding="UTF-8"?><Req><Target><OrderId>${escapeXml(orderId)}</OrderId>` +
    `<Field>${INFO_FIELDS}</Field></Target><SellerId>${escapeXml(s.sellerId)}</SellerId></Req>`;
  const parsed = orderInfoSchema.safeParse(readOrderInfo(await s.call("orderInfo", { xml })));
  if (!parsed.success) throw new MallError("transient", `Yahoo orderInfo (${orderId}) の応答を読めませんでした`);
  return parsed.data.order;
}

export async function fetchOrders(s: YahooSession, rawCursor: unknown): Promise<FetchOrdersResult> {
  const now = s.now();
  const cur = readCursor(rawCursor, now);
  const lines: OrderLine[] = [];
  const done = new Set<string>();
  let budget = DETAIL_BUDGET;
  let progress = false;
  let more = false;

  const detail = async (o: OrderListOrder) => {
    budget--;
    const prev = cur.open.find((x) => x.id === o.OrderId);
    const r = linesForOrder(await orderInfo(s, o.OrderId), prev, now);
    lines.push(...r.lines);
    updateOpen(cur, o.OrderId, r.open, now, r.final);
    done.add(o.OrderId);
    progress = true;
  };

  try {
    // 1. One page of the order-time window [from, to] (fixed for the whole scan, so pages stay stable).
    cur.scan ??= { from: cur.lastTo - OVERLAP_MS, to: now, start: 1 };
    const scan = cur.scan;
    const page = await orderList(
      s,
      `<OrderTimeFrom>${toYahooTime(scan.from)}</OrderTimeFrom><OrderTimeTo>${toYahooTime(scan.to)}</OrderTimeTo>`,
      scan.start,
      PAGE,
    );
    let pos = scan.start;
    for (const o of page.orders) {
      const known = cur.open.find((x) => x.id === o.OrderId);
      // Seen in an earlier (overlapping) scan and unchanged since: nothing new to report.
      const unchanged =
        (known && known.ver !== null && known.ver === (o.Version ?? null) && !isFinal(o)) ||
        knownFinal(cur, o.OrderId, o.Version);
      if (!unchanged) {
        if (budget <= 0) break;
        await detail(o);
      }
      pos++;
      scan.start = pos;
    }
    if (pos - 1 < page.TotalCount && page.orders.length > 0) {
      more = true; // another page (or the rest of this one) is waiting
    } else {
      cur.lastTo = scan.to;
      cur.scan = null;
      more = !(await recheckOpen());
    }
  } catch (e) {
    // Out of rate budget or a passing fault after some progress: hand back what is done; the
    // cursor points at the first order not yet reported, so nothing is skipped.
    if (!(e instanceof MallError)) throw e;
    if (e.errorClass === "item") throw new MallError("transient", e.message, e.opts);
    if (!(progress && (e.errorClass === "rate" || e.errorClass === "transient"))) throw e;
    more = true;
  }
  pruneOpen(cur, now);
  pruneFinal(cur, cur.scan?.from ?? cur.lastTo - OVERLAP_MS);
  return { lines, cursor: cur, more };

  /** Re-checks a slice of the open orders; true when everything changed was handled. */
  async function recheckOpen(): Promise<boolean> {
    const candidates = cur.open.filter((o) => !done.has(o.id));
    if (candidates.length === 0) return true;
    const startAt = cur.rc % candidates.length;
    const slice = [...candidates.slice(startAt), ...candidates.slice(0, startAt)].slice(0, RECHECK_IDS);
    cur.rc = (startAt + slice.length) % Math.max(1, candidates.length);
    const ids = slice.map((o) => o.id);
    const res = await orderList(s, `<OrderId>${ids.map(escapeXml).join(",")}</OrderId>`, 1, ids.length);
    for (const o of res.orders) {
      const known = cur.open.find((x) => x.id === o.OrderId);
      if (!known || done.has(o.OrderId)) continue;
      if (known.ver !== null && known.ver === (o.Version ?? null) && !isFinal(o)) continue;
      if (budget <= 0) return false;
      await detail(o);
    }
    return true;
  }
}
