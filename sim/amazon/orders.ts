import { Hono } from "hono";
import { csv, guard, invalidInput, spJson } from "./http";
import { type AmazonSimState, JP, type SimOrder } from "./state";

// Orders API 2026-01-01 searchOrders: lastUpdatedAfter / createdAfter windows, embedded items,
// includedData datasets, paginationToken bound to the original query.

const STATUSES = ["PENDING_AVAILABILITY", "PENDING", "UNSHIPPED", "PARTIALLY_SHIPPED", "SHIPPED", "CANCELLED", "UNFULFILLABLE"];
const DATASETS = ["BUYER", "RECIPIENT", "PROCEEDS", "EXPENSE", "PROMOTION", "CANCELLATION", "FULFILLMENT", "PACKAGES", "TAX", "PAYMENT", "FULFILLMENT_ORDERS"];
/** Parameters a paginationToken is bound to (all but maxResultsPerPage and includedData). */
const BOUND = ["createdAfter", "createdBefore", "lastUpdatedAfter", "lastUpdatedBefore", "fulfillmentStatuses", "marketplaceIds", "fulfilledBy"];
const iso = (ms: number) => new Date(ms).toISOString();

export function renderOrder(o: SimOrder, included: string[]) {
  const withFulfillment = included.includes("FULFILLMENT");
  const withCancellation = included.includes("CANCELLATION");
  return {
    orderId: o.orderId,
    createdTime: iso(o.createdAt),
    lastUpdatedTime: iso(o.updatedAt),
    programs: [],
    salesChannel: { channelName: "AMAZON", marketplaceId: JP, marketplaceName: "Amazon.co.jp" },
    ...(withFulfillment ? { fulfillment: { fulfillmentStatus: o.status, fulfilledBy: "MERCHANT", fulfillmentServiceLevel: "STANDARD" } } : {}),
    orderItems: o.items.map((i) => ({
      orderItemId: i.orderItemId,
      quantityOrdered: i.quantity,
      product: {
        asin: i.asin,
        title: `Kura sim item ${i.sku}`,
        sellerSku: i.sku,
        condition: { conditionType: "NEW", conditionSubtype: "NEW" },
      },
      ...(withFulfillment ? { fulfillment: { quantityFulfilled: 0, quantityUnfulfilled: i.cancelled ? 0 : i.quantity } } : {}),
      ...(withCancellation && i.cancelled
        ? { cancellation: { cancellationExecution: { cancelledBy: "MERCHANT", cancelReason: "NO_INVENTORY" } } }
        : {}),
    })),
  };
}

function boundQuery(q: URLSearchParams): string {
  return BOUND.map((k) => `${k}=${q.get(k) ?? ""}`).join("&");
}

export function ordersRoutes(state: AmazonSimState) {
  const app = new Hono();
  app.get("/orders/2026-01-01/orders", (c) => {
    const denied = guard(state, c, "searchOrders", "orders");
    if (denied) return denied;
    const q = new URL(c.req.url).searchParams;
    const now = state.now();
    const created = q.get("createdAfter");
    const updated = q.get("lastUpdatedAfter");
    if (!!created === !!updated) return invalidInput(c, "Exactly one of createdAfter and lastUpdatedAfter must be provided.");
    if (updated && q.get("createdBefore")) return invalidInput(c, "createdBefore cannot be combined with lastUpdatedAfter.");
    if (created && q.get("lastUpdatedBefore")) return invalidInput(c, "lastUpdatedBefore cannot be combined with createdAfter.");
    const after = Date.parse((created ?? updated)!);
    const beforeParam = q.get(created ? "createdBefore" : "lastUpdatedBefore");
    if (Number.isNaN(after)) return invalidInput(c, "Invalid date-time in createdAfter/lastUpdatedAfter.");
    let before = now;
    if (beforeParam) {
      before = Date.parse(beforeParam);
      if (Number.isNaN(before) || before < after || before > now - 120_000) {
        return invalidInput(c, "The before date must be after the after date and at least two minutes before the request time.");
      }
    }
    const size = Number(q.get("maxResultsPerPage") ?? "100");
    if (!Number.isInteger(size) || size < 1 || size > 100) return invalidInput(c, "maxResultsPerPage must be between 1 and 100.");
    const statuses = csv(c, "fulfillmentStatuses");
    if (statuses?.some((s) => !STATUSES.includes(s))) return invalidInput(c, "Invalid fulfillmentStatuses value.");
    const included = csv(c, "includedData") ?? [];
    if (included.some((d) => !DATASETS.includes(d))) return invalidInput(c, "Invalid includedData value.");
    const marketplaces = csv(c, "marketplaceIds");
    const fulfilledBy = csv(c, "fulfilledBy");

    let offset = 0;
    const token = q.get("paginationToken");
    if (token) {
      let t: { o: number; q: string; b: number } | null = null;
      try {
        t = JSON.parse(atob(token));
      } catch {
        /* malformed */
      }
      if (!t || t.q !== boundQuery(q)) return invalidInput(c, "The paginationToken is invalid or does not match the request parameters.");
      offset = t.o;
      before = t.b; // the snapshot's upper bound stays fixed while paging
    }

    const key = (o: SimOrder) => (created ? o.createdAt : o.updatedAt);
    const matching = [...state.orders.values()]
      .filter((o) => key(o) >= after && key(o) <= before)
      .filter((o) => !statuses || statuses.includes(o.status))
      .filter((o) => !marketplaces || marketplaces.includes(JP))
      .filter((o) => !fulfilledBy || fulfilledBy.includes("MERCHANT"))
      .sort((a, b) => key(a) - key(b) || a.orderId.localeCompare(b.orderId));
    const page = matching.slice(offset, offset + size);
    const more = offset + size < matching.length;
    const body = {
      orders: page.map((o) => renderOrder(o, included)),
      ...(more ? { pagination: { nextToken: btoa(JSON.stringify({ o: offset + size, q: boundQuery(q), b: before })) } } : {}),
      ...(created ? { createdBefore: iso(before) } : { lastUpdatedBefore: iso(before) }),
    };
    state.recordOrderResponse(body);
    return spJson(c, body, "searchOrders");
  });
  return app;
}
