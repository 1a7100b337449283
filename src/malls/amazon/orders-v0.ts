import { MallError, type FetchOrdersResult, type OrderLine } from "../types";
import { type AmazonSession, firstError, parseBody } from "./client";
import { type Cursor, iso, linesOf, OVERLAP_MS, readCursor, trimOpen } from "./orders";
import { getOrderItemsResponseSchema, getOrdersResponseSchema, type V0OrderItem, type V0OrderStatus } from "./schemas";

// Orders API v0: getOrders (1 per minute, burst 20) on LastUpdatedAfter, then getOrderItems
// (0.5/s, burst 30) for each order that is new or changed since its items were last read.
//
// A pass = the getOrders pages of one LastUpdatedAfter window. Each fetchOrders call reads one
// page, or goes on with the page's orders whose items are still unread. getOrderItems is taken
// only while its bucket has a token now: a busy minute (more orders than the burst) leaves the
// rest in the cursor (`pass.queue`) for the next pull, a minute later, when 30 more tokens have
// come in. The window moves on only when the pass is done, so nothing is skipped.

/** v0 OrderStatus in 2026-01-01's terms (what linesOf reads). */
const STATUS: Record<V0OrderStatus, string> = {
  PendingAvailability: "PENDING_AVAILABILITY",
  Pending: "PENDING",
  Unshipped: "UNSHIPPED",
  PartiallyShipped: "PARTIALLY_SHIPPED",
  Shipped: "SHIPPED",
  InvoiceUnconfirmed: "SHIPPED",
  Canceled: "CANCELLED",
  Unfulfillable: "UNFULFILLABLE",
};
/** Orders remembered in `seen` at most (the overlap's worth in a busy shop). */
const MAX_SEEN = 2000;

type Queued = NonNullable<Cursor["pass"]>["queue"][number];

export async function fetchOrdersByGetOrders(s: AmazonSession, raw: unknown): Promise<FetchOrdersResult> {
  const started = s.now();
  const cur = readCursor(raw, started);
  const open = { ...cur.open };
  const seen = { ...cur.seen };
  let pass = cur.pass;

  if (!pass?.queue.length) {
    // The pass's first page (no pass yet) or its next one (pass.token).
    const r = await s.call("getOrders", "GET", "/orders/v0/orders", {
      query: {
        MarketplaceIds: s.marketplaceId,
        LastUpdatedAfter: cur.after,
        // Kura manages the merchant's own (DEFAULT channel) stock; FBA orders draw on Amazon's.
        FulfillmentChannels: "MFN",
        MaxResultsPerPage: "100",
        NextToken: pass?.token,
      },
    });
    if (r.status === 400 && pass?.token) {
      // An expired or refused NextToken: the same window again from its start.
      return { lines: [], cursor: { v: 1, after: cur.after, seen, open }, more: true };
    }
    if (r.status !== 200) {
      const err = firstError(r.json);
      throw new MallError("transient", `getOrders が失敗しました (HTTP ${r.status} ${err?.code ?? ""})`, { status: r.status, code: err?.code });
    }
    const body = parseBody(getOrdersResponseSchema, r.json, "getOrders").payload;
    pass = {
      hw: pass?.hw ?? body.LastUpdatedBefore ?? iso(started),
      token: body.NextToken || undefined,
      queue: body.Orders.filter((o) => seen[o.AmazonOrderId] !== o.LastUpdateDate).map((o) => ({
        id: o.AmazonOrderId,
        status: o.OrderStatus,
        purchased: o.PurchaseDate,
        updated: o.LastUpdateDate,
      })),
    };
  }

  const lines: OrderLine[] = [];
  while (pass.queue.length && s.hasTokenNow("getOrderItems")) {
    const q = pass.queue[0];
    const items = await orderItems(s, q.id);
    if (!items) break; // Amazon's bucket was emptier than ours: the rest next pull
    lines.push(...linesOf(view(q, items), open));
    seen[q.id] = q.updated;
    pass.queue.shift();
  }
  trimOpen(open);

  if (pass.queue.length) return { lines, cursor: { v: 1, after: cur.after, pass, seen, open }, more: false };
  if (pass.token) return { lines, cursor: { v: 1, after: cur.after, pass, seen, open }, more: true };
  const after = Math.max(Date.parse(cur.after), Date.parse(pass.hw) - OVERLAP_MS);
  return { lines, cursor: { v: 1, after: iso(after), seen: keepSeen(seen, after), open }, more: false };
}

/**
 * Every item of one order (following the items' NextToken), or null when Amazon refused for
 * the usage plan (429): the order stays queued and is read whole next time.
 */
async function orderItems(s: AmazonSession, orderId: string): Promise<V0OrderItem[] | null> {
  const out: V0OrderItem[] = [];
  let token: string | undefined;
  do {
    let r;
    try {
      r = await s.call("getOrderItems", "GET", `/orders/v0/orders/${encodeURIComponent(orderId)}/orderItems`, {
        query: { NextToken: token },
      });
    } catch (e) {
      if (e instanceof MallError && e.errorClass === "rate") return null;
      throw e;
    }
    if (r.status !== 200) {
      const err = firstError(r.json);
      throw new MallError("transient", `getOrderItems が失敗しました (HTTP ${r.status} ${err?.code ?? ""})`, { status: r.status, code: err?.code });
    }
    const body = parseBody(getOrderItemsResponseSchema, r.json, "getOrderItems").payload;
    out.push(...body.OrderItems);
    token = body.NextToken || undefined;
  } while (token);
  return out;
}

/**
 * A v0 order and its items in the shared terms. v0 has no executed-cancellation block per item:
 * a cancelled item reads QuantityOrdered 0 [verify], and BuyerRequestedCancel is only a request.
 */
function view(q: Queued, items: V0OrderItem[]) {
  return {
    orderId: q.id,
    createdTime: q.purchased,
    lastUpdatedTime: q.updated,
    status: STATUS[q.status as V0OrderStatus] ?? q.status,
    items: items.map((i) => ({
      orderItemId: i.OrderItemId,
      quantityOrdered: i.QuantityOrdered,
      sellerSku: i.SellerSKU,
      cancelled: i.QuantityOrdered === 0 && (i.QuantityShipped ?? 0) === 0,
    })),
  };
}

/** Orders last updated before the new window cannot come back unchanged: forget them. */
function keepSeen(seen: Record<string, string>, after: number): Record<string, string> {
  const kept = Object.entries(seen).filter(([, updated]) => Date.parse(updated) >= after);
  return Object.fromEntries(kept.slice(-MAX_SEEN));
}
