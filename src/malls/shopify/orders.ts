import { z } from "zod";
import type { FetchOrdersResult, MallContext, OrderLine } from "../types";
import { ShopifySession } from "./client";
import type { ShopifyCredentials } from "./credentials";
import { ORDER_LINES_DOC, ORDERS_DOC } from "./documents";
import { orderLinesData, ordersData, type LineItemNode, type OrderNode } from "./schemas";

/** First poll looks this far back. */
const FIRST_LOOKBACK_MS = 15 * 60_000;
/** Each window starts this much before the newest updatedAt seen (search-index lag, clock skew). */
const OVERLAP_MS = 10 * 60_000;
/** 20 orders × (1 + 2 + 30 line items) ≈ 660 cost points: under the 1,000 single-query cap. */
const ORDERS_PER_PAGE = 20;
const LINES_PER_ORDER = 30;
const LINES_PER_PAGE = 250;

/**
 * Cursor: `since` = lower bound of the updated_at window (ISO, exclusive), `after` = Shopify page
 * cursor inside that window, `maxSeen` = newest Order.updatedAt seen in the window so far.
 */
const cursorSchema = z.object({
  v: z.literal(1),
  since: z.string(),
  after: z.string().nullable(),
  maxSeen: z.string().nullable(),
});
export type ShopifyOrderCursor = z.infer<typeof cursorSchema>;

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export async function fetchOrders(ctx: MallContext<ShopifyCredentials>, cursor: unknown): Promise<FetchOrdersResult> {
  const s = new ShopifySession(ctx);
  const now = s.now();
  const parsed = cursorSchema.safeParse(cursor);
  const cur: ShopifyOrderCursor = parsed.success
    ? parsed.data
    : { v: 1, since: iso(now - FIRST_LOOKBACK_MS), after: null, maxSeen: null };

  const data = await s.gql(
    ORDERS_DOC,
    { first: ORDERS_PER_PAGE, after: cur.after, query: `updated_at:>'${cur.since}'`, lineFirst: LINES_PER_ORDER },
    ordersData,
  );
  const lines: OrderLine[] = [];
  let maxSeen = cur.maxSeen;
  for (const order of data.orders.nodes) {
    const items = await allLineItems(s, order);
    lines.push(...toLines(order, items));
    if (maxSeen === null || Date.parse(order.updatedAt) > Date.parse(maxSeen)) maxSeen = order.updatedAt;
  }

  const page = data.orders.pageInfo;
  if (page.hasNextPage && page.endCursor) {
    return { lines, cursor: { ...cur, after: page.endCursor, maxSeen }, more: true };
  }
  const newest = Math.min(maxSeen ? Date.parse(maxSeen) : now, now);
  const since = iso(Math.max(Date.parse(cur.since), newest - OVERLAP_MS));
  return { lines, cursor: { v: 1, since, after: null, maxSeen: null } satisfies ShopifyOrderCursor, more: false };
}

async function allLineItems(s: ShopifySession, order: OrderNode): Promise<LineItemNode[]> {
  const items = [...order.lineItems.nodes];
  let page = order.lineItems.pageInfo;
  while (page.hasNextPage && page.endCursor) {
    const data = await s.gql(ORDER_LINES_DOC, { id: order.id, first: LINES_PER_PAGE, after: page.endCursor }, orderLinesData);
    if (!data.order) break;
    items.push(...data.order.lineItems.nodes);
    page = data.order.lineItems.pageInfo;
  }
  return items;
}

const numericId = (gid: string) => gid.slice(gid.lastIndexOf("/") + 1);

/**
 * One sale line per line item (ordered quantity) and, once units are gone, one cancel line with the
 * cumulative cancelled quantity: everything for a cancelled order, otherwise quantity −
 * currentQuantity (units removed by order edits or refunds). Lines without a SKU (custom items)
 * can't match a listing and are skipped. [verify] a refund without restock also lowers
 * currentQuantity; Kura then restores units that did not come back.
 */
export function toLines(order: OrderNode, items: LineItemNode[]): OrderLine[] {
  const out: OrderLine[] = [];
  const orderId = order.legacyResourceId;
  for (const li of items) {
    if (!li.sku || li.quantity <= 0) continue;
    const base = { orderId, lineId: numericId(li.id), mallCode: li.sku };
    out.push({ ...base, quantity: li.quantity, kind: "sale", at: Date.parse(order.createdAt) });
    const cancelled = order.cancelledAt ? li.quantity : Math.max(0, li.quantity - li.currentQuantity);
    if (cancelled > 0) {
      out.push({ ...base, quantity: cancelled, kind: "cancel", at: Date.parse(order.cancelledAt ?? order.updatedAt) });
    }
  }
  return out;
}
