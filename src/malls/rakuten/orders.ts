import type { FetchOrdersResult, MallContext, OrderLine } from "../types";
import { formatMallCode } from "./codes";
import { badRequest, parseBody, rmsRequest } from "./client";
import {
  cursorSchema,
  getOrderResponseSchema,
  searchOrderResponseSchema,
  type RakutenCredentials,
  type RakutenCursor,
  type RmsOrder,
} from "./schemas";
import { parseRmsDatetime, toRmsDatetime } from "./time";

// RakutenPayOrderAPI has no "updated since" search [doc], so intake is two things at once:
// (1) searchOrder by 注文日 (dateType 1) over [last window end − 10 min, now], paged 100 at a
//     time so that each page is exactly one getOrder call (getOrder takes ≤ 100 numbers);
// (2) re-getOrder of orders seen before that are not final, to catch partial and full
//     cancellations (900) that happen after the order left the search window.

const MIN = 60_000;
const DAY = 24 * 60 * MIN;
const FIRST_LOOKBACK = 15 * MIN;
const OVERLAP = 10 * MIN;
const MAX_WINDOW = 63 * DAY - 1_000; // searchOrder: end within 63 days of start [doc]
const MAX_AGE = 730 * DAY - DAY; // start within the last 2 years [doc], with a day of margin
const PAGE = 100;
const GET_ORDER_MAX = 100;
const RECHECK_BATCHES = 2; // ≤ 200 tracked orders re-read per call, oldest-checked first
const RECHECK_GAP = MIN; // an order read less than a minute ago (e.g. on an earlier page) can wait
const TRACK_MAX = 1_000; // bounded cursor: oldest orders are dropped beyond this
const TRACK_MAX_AGE = 21 * DAY; // stop watching an unshipped order after three weeks
const GET_ORDER_VERSION = 7; // 7 = SKU対応 (SkuModelList); later versions add unrelated fields [verify]

// orderProgress [doc]: 100 注文確認待ち, 200 楽天処理中, 300 発送待ち, 400 変更確定待ち, 500 発送済,
// 600 支払手続き中, 700 支払手続き済, 800 キャンセル確定待ち, 900 キャンセル確定.
const CANCELLED = 900;
const CHANGE_PENDING = 400;
const CANCEL_PENDING = 800;
/**
 * Watching stops at 発送済 (500–700): the goods have left, so a later cancellation is a return
 * handled as a receipt, not a restock from the order [verify with merchants]. 800 is watched
 * until Rakuten confirms it (900); a requested cancel can still be withdrawn (changeType 3).
 */
const isFinal = (p: number) => p === CANCELLED || (p >= 500 && p < CANCEL_PENDING);

type Ctx = MallContext<RakutenCredentials>;

function readCursor(raw: unknown, now: number): RakutenCursor {
  const parsed = cursorSchema.safeParse(raw);
  if (parsed.success) return parsed.data;
  // null (first call) or an unreadable cursor: start 15 minutes back, as for a new shop.
  return { v: 1, from: now - FIRST_LOOKBACK + OVERLAP, pend: null, open: {} };
}

async function searchPage(ctx: Ctx, start: number, end: number, page: number) {
  const res = await rmsRequest(ctx, "POST", "/es/2.0/order/searchOrder/", {
    dateType: 1,
    startDatetime: toRmsDatetime(start),
    endDatetime: toRmsDatetime(end),
    PaginationRequestModel: {
      requestRecordsAmount: PAGE,
      requestPage: page,
      SortModelList: [{ sortColumn: 1, sortDirection: 1 }], // 注文日時, oldest first
    },
  });
  if (res.status !== 200) throw badRequest(res, "searchOrder");
  const body = parseBody(searchOrderResponseSchema, res, "searchOrder");
  return { numbers: body.orderNumberList ?? [], totalPages: body.PaginationResponseModel?.totalPages ?? 0 };
}

async function getOrders(ctx: Ctx, numbers: string[]): Promise<RmsOrder[]> {
  if (numbers.length === 0) return [];
  const res = await rmsRequest(ctx, "POST", "/es/2.0/order/getOrder/", {
    orderNumberList: numbers,
    version: GET_ORDER_VERSION,
  });
  if (res.status !== 200) throw badRequest(res, "getOrder");
  return parseBody(getOrderResponseSchema, res, "getOrder").OrderModelList ?? [];
}

/** When the latest change (cancel/edit) of an order happened, for cancel lines. */
function lastChangeAt(order: RmsOrder, fallback: number): number {
  let at = Number.NaN;
  for (const c of order.ChangeReasonModelList ?? []) {
    for (const s of [c.changeCmplDatetime, c.changeFixDatetime, c.changeApplyDatetime]) {
      const t = s ? parseRmsDatetime(s) : Number.NaN;
      if (Number.isFinite(t) && !(t <= at)) at = t;
    }
  }
  return Number.isFinite(at) ? at : fallback;
}

/** Normalizes one order into sale/cancel lines and updates its tracking entry. */
function toLines(order: RmsOrder, cursor: RakutenCursor, now: number): OrderLine[] {
  const orderAt = parseRmsDatetime(order.orderDatetime);
  const at = Number.isFinite(orderAt) ? orderAt : now;
  const prev = cursor.open[order.orderNumber]?.l ?? {};
  const seen: Record<string, number> = {};
  const lines: OrderLine[] = [];
  const cancelAt = lastChangeAt(order, now);
  for (const pkg of order.PackageModelList) {
    for (const item of pkg.ItemModelList) {
      const lineId = String(item.itemDetailId);
      const sku = item.SkuModelList?.[0];
      // Orders carry manageNumber + variantId (the stock API's key) and, beside them, the
      // merchant's システム連携用SKU番号 (merchantDefinedSkuId), which no stock API accepts.
      // The mall code is therefore always manageNumber:variantId (see index.ts).
      const mallCode = sku?.variantId
        ? formatMallCode({ manageNumber: item.manageNumber, variantId: sku.variantId })
        : item.manageNumber.toLowerCase(); // pre-SKU-migration order: shows as 未登録コード
      // Partial cancels lower `units`; the largest figure seen is what was sold.
      const sold = Math.max(prev[lineId] ?? 0, item.units);
      seen[lineId] = sold;
      lines.push({ orderId: order.orderNumber, lineId, mallCode, quantity: sold, kind: "sale", at });
      let cancelled = 0;
      if (order.orderProgress === CANCELLED || item.deleteItemFlag === 1) cancelled = sold;
      // While a change awaits Rakuten's confirmation (400) a lowered figure may still revert.
      else if (order.orderProgress !== CHANGE_PENDING) cancelled = sold - item.units;
      if (cancelled > 0) {
        lines.push({ orderId: order.orderNumber, lineId, mallCode, quantity: cancelled, kind: "cancel", at: cancelAt });
      }
    }
  }
  cursor.open[order.orderNumber] = { at, c: now, l: seen, ...(isFinal(order.orderProgress) ? { f: true } : {}) };
  return lines;
}

/** Drops entries nobody needs any more and keeps the cursor bounded. */
function prune(cursor: RakutenCursor, windowStart: number, now: number) {
  const entries = Object.entries(cursor.open).filter(([, o]) =>
    o.f ? o.at >= windowStart : o.at >= now - TRACK_MAX_AGE,
  );
  entries.sort((a, b) => b[1].at - a[1].at);
  cursor.open = Object.fromEntries(entries.slice(0, TRACK_MAX));
}

export async function fetchOrders(ctx: Ctx, rawCursor: unknown): Promise<FetchOrdersResult> {
  const now = ctx.now?.() ?? Date.now();
  const nowSec = Math.floor(now / 1000) * 1000; // searchOrder has seconds precision
  const cursor = readCursor(rawCursor, now);
  const window = cursor.pend ?? (() => {
    // Clamped both ways: searchOrder refuses starts older than 2 years, and a cursor from the
    // future (clock skew) must not produce end < start.
    const start = Math.min(Math.max(cursor.from - OVERLAP, now - MAX_AGE), nowSec - OVERLAP);
    return { start, end: Math.min(nowSec, start + MAX_WINDOW), page: 1 };
  })();

  const { numbers, totalPages } = await searchPage(ctx, window.start, window.end, window.page);
  const lines: OrderLine[] = [];
  const fetched = new Set<string>();
  for (const order of await getOrders(ctx, numbers.slice(0, GET_ORDER_MAX))) {
    fetched.add(order.orderNumber);
    lines.push(...toLines(order, cursor, now));
  }

  // searchOrder stops at 15,000 results [doc]: a backlog that large is cut short, not looped on.
  const lastPage = window.page >= Math.min(totalPages, 150);
  if (lastPage) {
    // Re-check tracked, non-final orders once per full pass, oldest-checked first.
    const due = Object.entries(cursor.open)
      .filter(([n, o]) => !o.f && !fetched.has(n) && o.c <= now - RECHECK_GAP)
      .sort((a, b) => a[1].c - b[1].c)
      .slice(0, RECHECK_BATCHES * GET_ORDER_MAX)
      .map(([n]) => n);
    for (let i = 0; i < due.length; i += GET_ORDER_MAX) {
      const batch = due.slice(i, i + GET_ORDER_MAX);
      const orders = await getOrders(ctx, batch);
      for (const order of orders) lines.push(...toLines(order, cursor, now));
      // An order getOrder no longer returns (older than 2 years, or unknown) is still marked
      // checked so the rotation moves on; it ages out through TRACK_MAX_AGE.
      const returned = new Set(orders.map((o) => o.orderNumber));
      for (const n of batch) if (!returned.has(n) && cursor.open[n]) cursor.open[n].c = now;
    }
    cursor.from = window.end;
    cursor.pend = null;
  } else {
    cursor.pend = { ...window, page: window.page + 1 };
  }
  prune(cursor, (cursor.pend?.start ?? cursor.from - OVERLAP), now);
  // More to read now: further pages, or a catch-up window that stopped short of the present.
  const more = cursor.pend !== null || cursor.from < nowSec;
  return { lines, cursor, more };
}
