import { z } from "zod";
import { MallError, type FetchOrdersResult, type OrderLine } from "../types";
import { type AmazonSession, firstError, parseBody } from "./client";
import { type AmazonOrder, searchOrdersResponseSchema } from "./schemas";

// Order intake, the part both order APIs share (the cursor, the lines of an order) and the
// Orders API 2026-01-01 searchOrders path. Which API Kura calls is ORDERS_API (index.ts); the v0
// getOrders path is orders-v0.ts.

/**
 * The order API Kura polls, one constant for every shop (not a per-shop choice: the choice does
 * not depend on the merchant, only on what Amazon serves, and both paths read the same cursor).
 *
 * - "v0" — getOrders + getOrderItems per new/changed order. Marked `deprecated` in the current
 *   models, but its usage plan is one call a minute (0.0167 rps, burst 20), three times
 *   searchOrders'; Issue 7's target (an Amazon order on every other shop within 75 s, p99)
 *   needs a poll every minute. Costs one getOrderItems (0.5 rps, burst 30) per order.
 * - "2026-01-01" — searchOrders, items embedded: one call per page, but 0.0056 rps (one per
 *   ~179 s), so an order may take 3 minutes to be seen. Switch to it when v0 is retired.
 *
 * Both give the same (orderId, lineId) for the same order line, so a switch does not take a sale
 * in twice (Kura's intake dedupes on them), and the cursor's `after` and `open` carry over.
 */
export const ORDERS_API: "v0" | "2026-01-01" = "v0";

export const FIRST_LOOKBACK_MS = 15 * 60_000;
/** Each pass re-reads this much before the previous high-water mark. */
export const OVERLAP_MS = 10 * 60_000;
const MAX_OPEN_LINES = 1000;
const FINAL = new Set(["SHIPPED", "CANCELLED", "UNFULFILLABLE"]);

/**
 * The cursor (JSON), shared by both APIs:
 * - `after`: lastUpdatedAfter of the current pass (ISO 8601 UTC);
 * - `page`: searchOrders only, while a pass is being paged: the paginationToken and the pass's
 *   high-water mark `hw` (the response's lastUpdatedBefore, else the time the pass began);
 * - `pass`: getOrders only, while a pass is under way: its NextToken, `hw`, and the orders of
 *   the current page whose items are still to be read (getOrderItems budget);
 * - `seen`: getOrders only: orderId → LastUpdateDate whose items were read, so the overlap does
 *   not spend getOrderItems on orders that did not change;
 * - `open`: "orderId/orderItemId" → units, for lines of orders not yet final. v0 reports
 *   QuantityOrdered 0 on cancelled items [verify]; the remembered figure tells how many units a
 *   cancellation gives back.
 * Each path drops the other's in-flight fields (a switch restarts the pass from `after`).
 */
export const cursorSchema = z.object({
  v: z.literal(1),
  after: z.string(),
  page: z.object({ token: z.string(), hw: z.string() }).optional(),
  pass: z
    .object({
      hw: z.string(),
      token: z.string().optional(),
      queue: z.array(z.object({ id: z.string(), status: z.string(), purchased: z.string(), updated: z.string() })),
    })
    .optional(),
  seen: z.record(z.string(), z.string()).optional(),
  open: z.record(z.string(), z.number().int().min(0)).default({}),
});
export type Cursor = z.infer<typeof cursorSchema>;

export const iso = (ms: number) => new Date(ms).toISOString();

/** The cursor passed in, or a fresh one (first pull, or a shape this adapter no longer writes). */
export function readCursor(raw: unknown, now: number): Cursor {
  const parsed = raw == null ? null : cursorSchema.safeParse(raw);
  return parsed?.success ? parsed.data : { v: 1, after: iso(now - FIRST_LOOKBACK_MS), open: {} };
}

export async function fetchOrdersBySearch(s: AmazonSession, raw: unknown): Promise<FetchOrdersResult> {
  const started = s.now();
  const cur = readCursor(raw, started);

  const r = await s.call("searchOrders", "GET", "/orders/2026-01-01/orders", {
    query: {
      marketplaceIds: s.marketplaceId,
      lastUpdatedAfter: cur.after,
      // Kura manages the merchant's own (DEFAULT channel) stock; FBA orders draw on Amazon's.
      fulfilledBy: "MERCHANT",
      includedData: "FULFILLMENT,CANCELLATION",
      maxResultsPerPage: "100",
      paginationToken: cur.page?.token,
    },
  });
  if (r.status === 400 && cur.page) {
    // Tokens expire after 24 h; restart the same pass from its lastUpdatedAfter.
    return { lines: [], cursor: { v: 1, after: cur.after, open: cur.open }, more: true };
  }
  if (r.status !== 200) {
    const err = firstError(r.json);
    throw new MallError("transient", `searchOrders が失敗しました (HTTP ${r.status} ${err?.code ?? ""})`, { status: r.status, code: err?.code });
  }
  const body = parseBody(searchOrdersResponseSchema, r.json, "searchOrders");
  const open = { ...cur.open };
  const lines = body.orders.flatMap((o) => orderLines(o, open));
  trimOpen(open);

  const hw = cur.page?.hw ?? body.lastUpdatedBefore ?? iso(started);
  const next = body.pagination?.nextToken;
  if (next) return { lines, cursor: { v: 1, after: cur.after, page: { token: next, hw }, open }, more: true };
  const after = Math.max(Date.parse(cur.after), Date.parse(hw) - OVERLAP_MS);
  return { lines, cursor: { v: 1, after: iso(after), open }, more: false };
}

/** One order as both APIs describe it, in 2026-01-01's terms. */
export interface OrderView {
  orderId: string;
  createdTime: string;
  lastUpdatedTime: string;
  status?: string;
  items: { orderItemId: string; quantityOrdered: number; sellerSku?: string; cancelled: boolean }[];
}

/** The lines of an order as searchOrders reports it. */
export function orderLines(o: AmazonOrder, open: Record<string, number>): OrderLine[] {
  return linesOf(
    {
      orderId: o.orderId,
      createdTime: o.createdTime,
      lastUpdatedTime: o.lastUpdatedTime,
      status: o.fulfillment?.fulfillmentStatus,
      items: o.orderItems.map((i) => ({
        orderItemId: i.orderItemId,
        quantityOrdered: i.quantityOrdered,
        sellerSku: i.product.sellerSku,
        // A buyer's cancellationRequest alone is not a cancellation until it is executed.
        cancelled: !!i.cancellation?.cancellationExecution,
      })),
    },
    open,
  );
}

/**
 * An order's lines: a sale per item, plus a cancel carrying the item's whole quantity when the
 * order is CANCELLED or the item itself was cancelled (item-level cancellation leaves the order
 * open). Amazon cancels whole items, so the cumulative cancelled figure is the item's quantity.
 * Keys are (orderId, orderItemId): the same for an order line whichever API reported it.
 */
export function linesOf(o: OrderView, open: Record<string, number>): OrderLine[] {
  const out: OrderLine[] = [];
  for (const item of o.items) {
    const sku = item.sellerSku;
    if (!sku) continue;
    const key = `${o.orderId}/${item.orderItemId}`;
    const units = item.quantityOrdered > 0 ? item.quantityOrdered : (open[key] ?? 0);
    const cancelled = o.status === "CANCELLED" || item.cancelled;
    const base = { orderId: o.orderId, lineId: item.orderItemId, mallCode: sku, quantity: units };
    if (units > 0) {
      out.push({ ...base, kind: "sale", at: Date.parse(o.createdTime) });
      if (cancelled) out.push({ ...base, kind: "cancel", at: Date.parse(o.lastUpdatedTime) });
    }
    delete open[key];
    if (!cancelled && !(o.status && FINAL.has(o.status)) && units > 0) open[key] = units;
  }
  return out;
}

export function trimOpen(open: Record<string, number>) {
  const keys = Object.keys(open);
  for (let i = 0; i < keys.length - MAX_OPEN_LINES; i++) delete open[keys[i]];
}
