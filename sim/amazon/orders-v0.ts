import { Hono } from "hono";
import { csv, guard, invalidInput, spError, spJson } from "./http";
import { type AmazonSimState, type FulfillmentStatus, JP, type SimOrder } from "./state";

// Orders API v0 (deprecated in the current models, still served): getOrders and getOrderItems,
// in the v0 shapes: `{ payload: … }` on success, `{ errors: […] }` otherwise, PascalCase fields,
// NextToken paging. Each has its own usage plan (getOrders 1 per minute, getOrderItems 0.5/s).
//
// [verify] v0 reports a cancelled order item with QuantityOrdered 0 (there is no per-item
// cancellation block as in 2026-01-01; BuyerRequestedCancel is only the buyer's request). The
// simulator does so for a cancelled item, whether the order or only that item was cancelled.

const V0_STATUS: Record<FulfillmentStatus, string> = {
  PENDING: "Pending",
  UNSHIPPED: "Unshipped",
  PARTIALLY_SHIPPED: "PartiallyShipped",
  SHIPPED: "Shipped",
  CANCELLED: "Canceled",
};
const STATUSES = ["PendingAvailability", "Pending", "Unshipped", "PartiallyShipped", "Shipped", "Canceled", "Unfulfillable", "InvoiceUnconfirmed"];
/** Order items per getOrderItems page. [verify] Amazon does not document the page size. */
export const ORDER_ITEMS_PAGE = 100;
const iso = (ms: number) => new Date(ms).toISOString();

/** What a getOrders NextToken carries: the original filters and the snapshot's upper bound. */
interface OrdersToken {
  o: number;
  field: "createdAt" | "updatedAt";
  after: number;
  before: number;
  size: number;
  statuses?: string[];
  channels?: string[];
}

export function renderV0Order(o: SimOrder) {
  const live = o.items.filter((i) => !i.cancelled);
  return {
    AmazonOrderId: o.orderId,
    PurchaseDate: iso(o.createdAt),
    LastUpdateDate: iso(o.updatedAt),
    OrderStatus: V0_STATUS[o.status],
    FulfillmentChannel: "MFN",
    SalesChannel: "Amazon.co.jp",
    ShipServiceLevel: "Std JP Kanto8",
    NumberOfItemsShipped: 0,
    NumberOfItemsUnshipped: o.status === "CANCELLED" ? 0 : live.reduce((n, i) => n + i.quantity, 0),
    MarketplaceId: JP,
    OrderType: "StandardOrder",
    IsBusinessOrder: false,
    IsPrime: false,
    IsPremiumOrder: false,
    IsReplacementOrder: false,
  };
}

function renderV0Item(i: SimOrder["items"][number]) {
  return {
    ASIN: i.asin,
    SellerSKU: i.sku,
    OrderItemId: i.orderItemId,
    Title: `Kura sim item ${i.sku}`,
    QuantityOrdered: i.cancelled ? 0 : i.quantity,
    QuantityShipped: 0,
    BuyerRequestedCancel: { IsBuyerRequestedCancel: "false" },
  };
}

function readToken(raw: string): OrdersToken | null {
  try {
    const t = JSON.parse(atob(raw)) as OrdersToken;
    return typeof t.o === "number" && typeof t.before === "number" ? t : null;
  } catch {
    return null;
  }
}

export function ordersV0Routes(state: AmazonSimState) {
  const app = new Hono();

  app.get("/orders/v0/orders", (c) => {
    const denied = guard(state, c, "getOrders", "orders");
    if (denied) return denied;
    const q = new URL(c.req.url).searchParams;
    const marketplaces = csv(c, "MarketplaceIds");
    if (!marketplaces?.length) return invalidInput(c, "MarketplaceIds is required.");

    let t: OrdersToken;
    const next = q.get("NextToken");
    if (next) {
      // With a NextToken only MarketplaceIds is read; the filters are those of the first page.
      const read = readToken(next);
      if (!read) return invalidInput(c, "Invalid NextToken.");
      t = read;
    } else {
      const created = q.get("CreatedAfter");
      const updated = q.get("LastUpdatedAfter");
      if (!created && !updated) return invalidInput(c, "Either CreatedAfter or LastUpdatedAfter must be specified.");
      if (created && updated) return invalidInput(c, "CreatedAfter and LastUpdatedAfter cannot both be specified.");
      const after = Date.parse((created ?? updated)!);
      if (Number.isNaN(after)) return invalidInput(c, "Invalid date-time in CreatedAfter/LastUpdatedAfter.");
      const beforeParam = q.get(created ? "CreatedBefore" : "LastUpdatedBefore");
      let before = state.now();
      if (beforeParam) {
        before = Date.parse(beforeParam);
        if (Number.isNaN(before) || before < after || before > state.now() - 120_000) {
          return invalidInput(c, "The Before date must be after the After date and at least two minutes before the request time.");
        }
      }
      const size = Number(q.get("MaxResultsPerPage") ?? "100");
      if (!Number.isInteger(size) || size < 1 || size > 100) return invalidInput(c, "MaxResultsPerPage must be between 1 and 100.");
      const statuses = csv(c, "OrderStatuses");
      if (statuses?.some((s) => !STATUSES.includes(s))) return invalidInput(c, "Invalid OrderStatuses value.");
      const channels = csv(c, "FulfillmentChannels");
      if (channels?.some((s) => s !== "MFN" && s !== "AFN")) return invalidInput(c, "Invalid FulfillmentChannels value.");
      t = { o: 0, field: created ? "createdAt" : "updatedAt", after, before, size, statuses, channels };
    }

    const matching = [...state.orders.values()]
      .filter((o) => o[t.field] >= t.after && o[t.field] <= t.before)
      .filter((o) => !t.statuses || t.statuses.includes(V0_STATUS[o.status]))
      .filter((o) => !t.channels || t.channels.includes("MFN"))
      .filter(() => marketplaces.includes(JP))
      .sort((a, b) => a[t.field] - b[t.field] || a.orderId.localeCompare(b.orderId));
    const page = matching.slice(t.o, t.o + t.size);
    const more = t.o + t.size < matching.length;
    const body = {
      payload: {
        Orders: page.map(renderV0Order),
        ...(more ? { NextToken: btoa(JSON.stringify({ ...t, o: t.o + t.size })) } : {}),
        ...(t.field === "createdAt" ? { CreatedBefore: iso(t.before) } : { LastUpdatedBefore: iso(t.before) }),
      },
    };
    state.recordV0Response("getOrders", body);
    return spJson(c, body, "getOrders");
  });

  app.get("/orders/v0/orders/:orderId/orderItems", (c) => {
    const denied = guard(state, c, "getOrderItems", "orders");
    if (denied) return denied;
    const o = state.orders.get(c.req.param("orderId"));
    if (!o) return spError(c, 404, "NotFound", "Order not found.", c.req.param("orderId"));
    const next = c.req.query("NextToken");
    const from = next ? Number(next) : 0;
    if (!Number.isInteger(from) || from < 0 || from >= Math.max(1, o.items.length)) return invalidInput(c, "Invalid NextToken.");
    const page = o.items.slice(from, from + ORDER_ITEMS_PAGE);
    const body = {
      payload: {
        AmazonOrderId: o.orderId,
        OrderItems: page.map(renderV0Item),
        ...(from + ORDER_ITEMS_PAGE < o.items.length ? { NextToken: String(from + ORDER_ITEMS_PAGE) } : {}),
      },
    };
    state.recordV0Response("getOrderItems", body);
    return spJson(c, body, "getOrderItems");
  });

  return app;
}
