import { z } from "zod";
import { MallError, type FetchOrdersResult, type OrderLine } from "../types";
import type { AupaySession } from "./client";
import { formatMallCode, axis } from "./codes";
import { readOrders, ordersSchema, type OrderInfo } from "./schemas";
import { searchItem } from "./stock";

// searchTradeInfoListProc by ORDER date (dateType 0): au PAY has no update-time search, so a
// cancellation is found by polling a trailing window of recent order days again and again
// (MALLS-MORE.md §1). Each call reads one page of the window; the cursor remembers a signature
// of every order seen, so an order is reported again only when it changed (a sale polled twice
// counts once; the engine also takes a line in once).

/** Order days polled again for cancellations, today included. [verify] how late au PAY cancels. */
export const TRAILING_DAYS = 7;
/** Orders per page. [verify] clients use 500 or 1000; the maximum is not confirmed. */
export const ORDER_PAGE = 100;
/** A new shop takes in orders placed from this long before its first poll. */
export const FIRST_LOOKBACK_MS = 15 * 60_000;
/** The most orders the cursor remembers (oldest dropped first). */
export const MAX_SEEN = 5000;

/** orderStatus that means the whole order is cancelled (キャンセル受付中 is not yet one). */
export const CANCELLED_ORDER_STATUS = "キャンセル";
/** [verify] cancelStatus / itemCancelStatus value sets were not found: "1" read as 取消済み. */
export const CANCEL_STATUS_DONE = new Set(["1"]);
export const ITEM_CANCEL_DONE = new Set(["1"]);

const DAY_MS = 86_400_000;
const JST_MS = 9 * 3_600_000;

/** [verify] startDate/endDate format: clients send both; "compact" is tried first. */
export type DateFormat = "compact" | "dashed";
export const DATE_FORMATS: DateFormat[] = ["compact", "dashed"];

export function orderDay(ms: number, format: DateFormat): string {
  const d = new Date(ms + JST_MS).toISOString().slice(0, 10);
  return format === "compact" ? d.replaceAll("-", "") : d;
}

/** orderDate "YYYY/MM/DD HH:MM[:SS]" (JST) → epoch ms. */
export function parseOrderDate(s: string | undefined): number | null {
  const m = /^(\d{4})[/-](\d{2})[/-](\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec((s ?? "").trim());
  if (!m) return null;
  const [, y, mo, d, h = "0", mi = "0", se = "0"] = m;
  return Date.UTC(+y, +mo - 1, +d, +h, +mi, +se) - JST_MS;
}

const cursorSchema = z.object({
  v: z.literal(1),
  /** Orders placed before this (epoch ms) were there before Kura: never taken in. */
  since: z.number(),
  /** The date format the mall accepted, once known. */
  df: z.enum(["compact", "dashed"]).nullable(),
  /** The window being read: epoch ms of its first and last day, and the next 1-based startCount. */
  scan: z.object({ from: z.number(), to: z.number(), start: z.number().int().min(1) }).nullable(),
  /** Orders seen: [orderId, order time ms, signature of what was reported]. */
  seen: z.array(z.tuple([z.string(), z.number(), z.string()])),
});
type Cursor = z.infer<typeof cursorSchema>;

function readCursor(raw: unknown, now: number): Cursor {
  const parsed = cursorSchema.safeParse(raw);
  return parsed.success ? structuredClone(parsed.data) : { v: 1, since: now - FIRST_LOOKBACK_MS, df: null, scan: null, seen: [] };
}

const isCancelled = (o: OrderInfo) => o.orderStatus === CANCELLED_ORDER_STATUS || CANCEL_STATUS_DONE.has(o.cancelStatus ?? "");
const lineCancelled = (o: OrderInfo, d: OrderInfo["details"][number]) => isCancelled(o) || ITEM_CANCEL_DONE.has(d.itemCancelStatus ?? "");

/** What about an order matters to stock: which lines, how many, which cancelled. */
function signature(o: OrderInfo): string {
  return o.details.map((d) => `${d.orderDetailId}:${d.unit}:${lineCancelled(o, d) ? 1 : 0}`).join(",");
}

export async function fetchOrders(s: AupaySession, raw: unknown): Promise<FetchOrdersResult> {
  const now = s.now();
  const cur = readCursor(raw, now);
  cur.scan ??= { from: now - (TRAILING_DAYS - 1) * DAY_MS, to: now, start: 1 };
  const scan = cur.scan;
  const orders = await page(s, cur, scan.from, scan.to, scan.start);

  const seen = new Map(cur.seen.map((e) => [e[0], e]));
  const resolve = codeResolver(s);
  const lines: OrderLine[] = [];
  // Order and cancel times are whole minutes: a line is dated at the END of its minute (never
  // later than now). The engine counts a mall's own sale against the figure it last sent only when
  // the sale came after that push; dated late, a sale in the push's own minute is counted and the
  // figure sent again, where dated early it would leave the mall a unit off.
  const dated = (ms: number | null) => (ms === null ? now : Math.min(now, ms + 59_999));
  for (const o of orders) {
    const minute = parseOrderDate(o.orderDate);
    const at = dated(minute);
    const sig = (minute ?? now) < cur.since ? "before" : signature(o);
    if (seen.get(o.orderId)?.[2] === sig) continue;
    seen.set(o.orderId, [o.orderId, at, sig]);
    if (sig === "before") continue;
    const cancelAt = dated(parseOrderDate(o.cancelDate));
    for (const d of o.details) {
      const base = { orderId: o.orderId, lineId: d.orderDetailId, mallCode: await resolve(d.itemCode, d.itemManagementId), quantity: d.unit };
      lines.push({ ...base, kind: "sale", at });
      if (lineCancelled(o, d)) lines.push({ ...base, kind: "cancel", at: cancelAt });
    }
  }
  const more = orders.length >= ORDER_PAGE;
  cur.scan = more ? { ...scan, start: scan.start + ORDER_PAGE } : null;
  // An order older than the window can no longer be read again: forget it.
  const keepFrom = now - (TRAILING_DAYS + 1) * DAY_MS;
  cur.seen = [...seen.values()].filter((e) => e[1] >= keepFrom).sort((a, b) => a[1] - b[1]).slice(-MAX_SEEN);
  return { lines, cursor: cur, more };
}

/** One page of orders by order date; the date format the mall accepts is learnt on first refusal. */
async function page(s: AupaySession, cur: Cursor, from: number, to: number, start: number): Promise<OrderInfo[]> {
  const formats = cur.df ? [cur.df] : DATE_FORMATS;
  let refused: MallError | null = null;
  for (const df of formats) {
    try {
      const { doc, env } = await s.get("searchTradeInfoListProc", {
        totalCount: ORDER_PAGE,
        startCount: start,
        startDate: orderDay(from, df),
        endDate: orderDay(to, df),
        dateType: 0,
      });
      if (env.status !== "0") throw s.logicalError("searchTradeInfoListProc", env);
      const parsed = ordersSchema.safeParse(readOrders(doc));
      if (!parsed.success) throw new MallError("transient", "au PAY searchTradeInfoListProc の応答を読めませんでした");
      cur.df = df;
      return parsed.data;
    } catch (e) {
      if (!(e instanceof MallError) || e.errorClass !== "item") throw e;
      refused = e; // a refused request: perhaps the date format; try the other one
    }
  }
  throw new MallError("transient", refused!.message, refused!.opts);
}

/**
 * The mall code of an order line. A choice's line names it only by 管理用ID and option text;
 * [verify] itemCode + itemManagementId as the child SKU (two public clients), i.e. the
 * itemManagementId is the choice's 横軸code + 縦軸code. It is matched against the item's choices
 * (one searchStocks per item per call); unmatched, the line keeps `itemCode:itemManagementId` and
 * shows as 未登録コード for a 別品番紐づけ.
 */
function codeResolver(s: AupaySession) {
  const rows = new Map<string, Promise<Awaited<ReturnType<typeof searchItem>>>>();
  return async (itemCode: string, managementId: string | undefined): Promise<string> => {
    const mid = (managementId ?? "").trim();
    if (!mid || mid === itemCode) return itemCode;
    if (!rows.has(itemCode)) rows.set(itemCode, searchItem(s, itemCode));
    const row = await rows.get(itemCode)!;
    if (!row || row.choices.length === 0) return itemCode;
    for (const c of row.choices) {
      const h = axis(c.choicesStockHorizontalCode);
      const v = axis(c.choicesStockVerticalCode);
      if ((h ?? "") + (v ?? "") === mid) return formatMallCode(itemCode, h, v);
    }
    return `${itemCode}:${mid}`;
  };
}
