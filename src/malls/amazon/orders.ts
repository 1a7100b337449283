import { z } from "zod";
import { MallError, type FetchOrdersResult, type OrderLine } from "../types";
import { type AmazonSession, firstError, parseBody } from "./client";
import { type AmazonOrder, searchOrdersResponseSchema } from "./schemas";

// Orders API 2026-01-01 searchOrders (v0 getOrders is deprecated): one page per fetchOrders
// call, items embedded, filtered on lastUpdatedAfter so cancellations resurface the order.

const FIRST_LOOKBACK_MS = 15 * 60_000;
/** Each pass re-reads this much before the previous high-water mark. */
const OVERLAP_MS = 10 * 60_000;
const MAX_OPEN_LINES = 1000;
const FINAL = new Set(["SHIPPED", "CANCELLED", "UNFULFILLABLE"]);

/**
 * The cursor (JSON):
 * - `after`: lastUpdatedAfter of the current pass (ISO 8601 UTC);
 * - `page`: while a pass is being paged: the nextToken and the pass's high-water mark `hw`
 *   (the response's lastUpdatedBefore, else the time the pass began);
 * - `open`: "orderId/orderItemId" → units, for lines of orders not yet final. [verify] v0
 *   reported QuantityOrdered 0 on cancelled items; should 2026-01-01 do the same, the
 *   remembered figure still tells how many units a cancellation gives back.
 */
const cursorSchema = z.object({
  v: z.literal(1),
  after: z.string(),
  page: z.object({ token: z.string(), hw: z.string() }).optional(),
  open: z.record(z.string(), z.number().int().min(0)).default({}),
});
type Cursor = z.infer<typeof cursorSchema>;

const iso = (ms: number) => new Date(ms).toISOString();

export async function fetchOrderPage(s: AmazonSession, raw: unknown): Promise<FetchOrdersResult> {
  const started = s.now();
  // Only this adapter writes the cursor; one it cannot read (older shape) starts a fresh window.
  const parsed = raw == null ? null : cursorSchema.safeParse(raw);
  const cur: Cursor = parsed?.success ? parsed.data : { v: 1, after: iso(started - FIRST_LOOKBACK_MS), open: {} };

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
    return { lines: [], cursor: { ...cur, page: undefined }, more: true };
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

/**
 * An order's lines: a sale per item, plus a cancel carrying the item's whole quantity when the
 * order is CANCELLED or the item itself was cancelled (item-level cancellation leaves the order
 * open). Amazon cancels whole items, so the cumulative cancelled figure is the item's quantity.
 */
export function orderLines(o: AmazonOrder, open: Record<string, number>): OrderLine[] {
  const status = o.fulfillment?.fulfillmentStatus;
  const out: OrderLine[] = [];
  for (const item of o.orderItems) {
    const sku = item.product.sellerSku;
    if (!sku) continue;
    const key = `${o.orderId}/${item.orderItemId}`;
    const units = item.quantityOrdered > 0 ? item.quantityOrdered : (open[key] ?? 0);
    // A buyer's cancellationRequest alone is not a cancellation until it is executed.
    const cancelled = status === "CANCELLED" || !!item.cancellation?.cancellationExecution;
    const base = { orderId: o.orderId, lineId: item.orderItemId, mallCode: sku, quantity: units };
    if (units > 0) {
      out.push({ ...base, kind: "sale", at: Date.parse(o.createdTime) });
      if (cancelled) out.push({ ...base, kind: "cancel", at: Date.parse(o.lastUpdatedTime) });
    }
    delete open[key];
    if (!cancelled && !(status && FINAL.has(status)) && units > 0) open[key] = units;
  }
  return out;
}

function trimOpen(open: Record<string, number>) {
  const keys = Object.keys(open);
  for (let i = 0; i < keys.length - MAX_OPEN_LINES; i++) delete open[keys[i]];
}
