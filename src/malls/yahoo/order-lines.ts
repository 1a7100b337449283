import { z } from "zod";
import type { OrderLine } from "../types";
import { joinMallCode, parseYahooTime } from "./codes";
import type { OrderInfo } from "./schemas";

// Turning one orderInfo answer into Kura's sale/cancel lines, and the cursor that remembers
// open orders. Yahoo has no "updated since" search, so cancellations are found by re-checking
// the orders still open (MALLS.md §9).

/** OrderStatus: 1 予約中, 2 処理中, 3 保留, 4 キャンセル, 5 完了. */
export const STATUS_CANCELLED = 4;
export const STATUS_DONE = 5;

/** How many open orders the cursor remembers, and for how long. */
export const MAX_OPEN = 300;
export const OPEN_MAX_AGE_MS = 30 * 24 * 3_600_000;

const openOrderSchema = z.object({
  id: z.string(),
  /** Version last seen (bumped by Yahoo on every change of the order); null if not reported. */
  ver: z.number().nullable(),
  /** Order time, epoch ms. */
  at: z.number(),
  /** lineId → [mallCode, units sold]: what was sold, so a later reduction can be reported. */
  lines: z.record(z.string(), z.tuple([z.string(), z.number()])),
});
export type OpenOrder = z.infer<typeof openOrderSchema>;

export const cursorSchema = z.object({
  v: z.literal(1),
  /** End of the last completed order-time scan (epoch ms). */
  lastTo: z.number(),
  /** The scan under way: order-time window and the next 1-based orderList position. */
  scan: z.object({ from: z.number(), to: z.number(), start: z.number().int().min(1) }).nullable(),
  /** Open orders re-checked for cancellations, oldest first. */
  open: z.array(openOrderSchema),
  /** Round-robin position in `open` for the next re-check. */
  rc: z.number().int().min(0),
  /** Orders seen final ([id, Version, order time]) while still inside the overlap window. */
  fin: z.array(z.tuple([z.string(), z.number().nullable(), z.number()])),
});
export type Cursor = z.infer<typeof cursorSchema>;

export function isFinal(o: { OrderStatus?: number; IsActive?: boolean }): boolean {
  return o.OrderStatus === STATUS_CANCELLED || o.OrderStatus === STATUS_DONE || o.IsActive === false;
}

function isCancelled(o: OrderInfo): boolean {
  return o.OrderStatus === STATUS_CANCELLED || o.IsActive === false;
}

/**
 * Lines for one order. A sale reports the units originally sold (as remembered from the first
 * sight); a cancel reports the TOTAL units of that line cancelled so far: everything when the
 * order is cancelled (status 4) or made invalid (IsActive=false), otherwise the reduction since
 * the sale (Yahoo's 注文内容変更 lowers Quantity or drops the line).
 * Returns the entry to keep open, or null once the order is final.
 */
export function linesForOrder(
  info: OrderInfo,
  prev: OpenOrder | undefined,
  now: number,
): { lines: OrderLine[]; open: OpenOrder | null; final: { ver: number | null; at: number } } {
  const orderAt = parseYahooTime(info.OrderTime) ?? now;
  const changedAt = (info.LastUpdateTime && parseYahooTime(info.LastUpdateTime)) || now;
  const cancelledAll = isCancelled(info);
  const remembered: OpenOrder["lines"] = { ...(prev?.lines ?? {}) };
  const current = new Map(info.items.map((it) => [it.LineId, it]));
  const lines: OrderLine[] = [];

  for (const [lineId, it] of current) {
    const mallCode = joinMallCode(it.ItemId, it.SubCode?.trim());
    const before = remembered[lineId];
    // An order edit can only be seen as a lower Quantity; a raised one keeps the larger figure.
    const sold = Math.max(before?.[1] ?? it.Quantity, it.Quantity);
    remembered[lineId] = [mallCode, sold];
  }
  for (const [lineId, [mallCode, sold]] of Object.entries(remembered)) {
    const it = current.get(lineId);
    const left = cancelledAll || !it ? 0 : it.Quantity;
    lines.push({ orderId: info.OrderId, lineId, mallCode, quantity: sold, kind: "sale", at: orderAt });
    if (sold - left > 0) {
      lines.push({ orderId: info.OrderId, lineId, mallCode, quantity: sold - left, kind: "cancel", at: changedAt });
    }
  }
  const open = isFinal(info)
    ? null
    : { id: info.OrderId, ver: info.Version ?? null, at: orderAt, lines: remembered };
  return { lines, open, final: { ver: info.Version ?? null, at: orderAt } };
}

/** Replaces or adds an open order, drops final and stale ones, and keeps the list bounded. */
export function updateOpen(
  cur: Cursor,
  id: string,
  entry: OpenOrder | null,
  now: number,
  final?: { ver: number | null; at: number },
): void {
  cur.fin = cur.fin.filter(([fid]) => fid !== id);
  if (!entry && final) cur.fin.push([id, final.ver, final.at]);
  const idx = cur.open.findIndex((o) => o.id === id);
  if (idx >= 0) {
    if (entry) cur.open[idx] = entry;
    else {
      cur.open.splice(idx, 1);
      if (cur.rc > idx) cur.rc--;
    }
  } else if (entry) cur.open.push(entry);
  pruneOpen(cur, now);
}

/** True when this order was already reported final at this Version. */
export function knownFinal(cur: Cursor, id: string, ver: number | undefined): boolean {
  return cur.fin.some(([fid, fver]) => fid === id && fver !== null && fver === (ver ?? null));
}

/** Final orders matter only while a scan window can still reach them. */
export function pruneFinal(cur: Cursor, windowStart: number): void {
  cur.fin = cur.fin.filter(([, , at]) => at >= windowStart - 60_000).slice(-MAX_OPEN);
}

export function pruneOpen(cur: Cursor, now: number): void {
  cur.open = cur.open.filter((o) => now - o.at <= OPEN_MAX_AGE_MS);
  cur.open.sort((a, b) => a.at - b.at);
  if (cur.open.length > MAX_OPEN) cur.open = cur.open.slice(cur.open.length - MAX_OPEN);
  if (cur.rc >= cur.open.length) cur.rc = 0; // round-robin position is approximate by design
}
