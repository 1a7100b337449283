import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { inventorySetQuantities } from "./mutation";
import { webhookSubscriptionCreate } from "./webhooks";
import { compare, matches, paginate, parseSearch, timeValue, type ConnArgs, type Term } from "./search";
import { SIM_SHOP, gid, idOf, isoSeconds, type ShopifySimState, type SimOrder, type SimVariant } from "./state";

// A tiny resolver layer: plain objects whose fields are values or functions (graphql-js's default
// resolver calls a function field with (args, context, info)). `__typename` drives Node lookups.

export interface SimContext {
  state: ShopifySimState;
  scopes: string[];
}

/** write_X implies read_X, as on Shopify. */
export function requireScope(ctx: SimContext, scope: string, field: string): void {
  const ok = ctx.scopes.includes(scope) || (scope.startsWith("read_") && ctx.scopes.includes(`write_${scope.slice(5)}`));
  if (ok) return;
  throw new GraphQLError(`Access denied for ${field} field. Required access: \`${scope}\` access scope.`, {
    extensions: { code: "ACCESS_DENIED", documentation: "https://shopify.dev/api/usage/access-scopes", requiredAccess: `\`${scope}\` access scope.` },
  });
}

const QUANTITY_NAMES = ["available", "committed", "damaged", "incoming", "on_hand", "quality_control", "reserved", "safety_stock"];

export function locationObj(st: ShopifySimState, locId: number) {
  const l = st.locations.find((x) => x.id === locId)!;
  return {
    __typename: "Location",
    id: gid("Location", l.id),
    legacyResourceId: String(l.id),
    name: l.name,
    isActive: l.isActive,
    shipsInventory: l.shipsInventory,
    fulfillsOnlineOrders: l.fulfillsOnlineOrders,
    inventoryLevel: ({ inventoryItemId }: { inventoryItemId: string }) => {
      const v = st.variantByItem(idOf(inventoryItemId, "InventoryItem"));
      return v && v.levels.has(l.id) ? levelObj(st, v, l.id) : null;
    },
  };
}

export function itemObj(st: ShopifySimState, v: SimVariant) {
  return {
    __typename: "InventoryItem",
    id: gid("InventoryItem", v.inventoryItemId),
    legacyResourceId: String(v.inventoryItemId),
    sku: v.sku,
    tracked: v.tracked,
    duplicateSkuCount: () => st.variantsWithSku(v.sku).filter((x) => x !== v).length,
    createdAt: isoSeconds(v.createdAt),
    updatedAt: isoSeconds(Math.max(v.createdAt, ...[...v.levels.values()].map((l) => l.updatedAt))),
    inventoryLevel: ({ locationId }: { locationId: string }) => {
      const loc = idOf(locationId, "Location");
      return v.levels.has(loc) ? levelObj(st, v, loc) : null;
    },
  };
}

function levelObj(st: ShopifySimState, v: SimVariant, locId: number) {
  const lv = v.levels.get(locId)!;
  const id = `gid://shopify/InventoryLevel/${locId}?inventory_item_id=${v.inventoryItemId}`;
  return {
    __typename: "InventoryLevel",
    id,
    isActive: true,
    createdAt: isoSeconds(v.createdAt),
    updatedAt: isoSeconds(lv.updatedAt),
    item: () => itemObj(st, v),
    location: () => locationObj(st, locId),
    quantities: ({ names }: { names: string[] }) =>
      names.map((name) => {
        if (!QUANTITY_NAMES.includes(name)) throw new GraphQLError(`Invalid quantity name: ${name}`, { extensions: { code: "BAD_REQUEST" } });
        const quantity = name === "available" ? lv.available : name === "on_hand" ? lv.onHand : name === "committed" ? lv.committed : 0;
        return { id: `${id}&name=${name}`, name, quantity, updatedAt: isoSeconds(lv.updatedAt) };
      }),
  };
}

export function variantObj(st: ShopifySimState, v: SimVariant) {
  return {
    __typename: "ProductVariant",
    id: gid("ProductVariant", v.id),
    legacyResourceId: String(v.id),
    sku: v.sku,
    title: v.title,
    displayName: v.title,
    inventoryQuantity: [...v.levels.values()].reduce((n, l) => n + l.available, 0),
    inventoryItem: () => itemObj(st, v),
  };
}

function orderObj(st: ShopifySimState, o: SimOrder) {
  return {
    __typename: "Order",
    id: gid("Order", o.id),
    legacyResourceId: String(o.id),
    name: `#${o.number}`,
    createdAt: isoSeconds(o.createdAt),
    processedAt: isoSeconds(o.createdAt),
    updatedAt: isoSeconds(o.updatedAt),
    cancelledAt: o.cancelledAt === null ? null : isoSeconds(o.cancelledAt),
    cancelReason: o.cancelReason,
    closed: false,
    test: false,
    lineItems: (args: ConnArgs) =>
      paginate(o.lines, args, (l) => l.id, () => 0, (l) => ({
        __typename: "LineItem",
        id: gid("LineItem", l.id),
        sku: l.sku,
        quantity: l.quantity,
        currentQuantity: l.currentQuantity,
        refundableQuantity: l.currentQuantity,
        unfulfilledQuantity: l.currentQuantity,
        variant: () => {
          const v = l.variantId === null ? undefined : st.variantById(l.variantId);
          return v ? variantObj(st, v) : null;
        },
      })),
  };
}

function variantMatches(v: SimVariant, t: Term): boolean {
  const value = t.value.toLowerCase();
  if (t.field === "sku") return v.sku.toLowerCase() === value;
  if (t.field === null) return v.sku.toLowerCase().includes(value) || v.title.toLowerCase().includes(value);
  return true; // filters the sim does not model match everything
}

function orderMatches(o: SimOrder, t: Term, now: number): boolean {
  const at = (ms: number) => Math.floor(ms / 1000) * 1000; // second precision, as shown
  switch (t.field) {
    case "updated_at": return compare(t.op, at(o.updatedAt), timeValue(t.value, now));
    case "created_at":
    case "processed_at": return compare(t.op, at(o.createdAt), timeValue(t.value, now));
    case "sku": return o.lines.some((l) => l.sku?.toLowerCase() === t.value.toLowerCase());
    case "status": return t.value === "cancelled" ? o.cancelledAt !== null : t.value === "open" ? o.cancelledAt === null : true;
    default: return true;
  }
}

/** Node lookup by global id (for `node` / `nodes`). */
function nodeById(st: ShopifySimState, id: string): unknown {
  const m = /^gid:\/\/shopify\/(\w+)\/(\d+)$/.exec(id);
  if (!m) return null;
  const n = Number(m[2]);
  if (m[1] === "InventoryItem") {
    const v = st.variantByItem(n);
    return v ? itemObj(st, v) : null;
  }
  if (m[1] === "ProductVariant") {
    const v = st.variantById(n);
    return v ? variantObj(st, v) : null;
  }
  if (m[1] === "Location") return st.locations.some((l) => l.id === n) ? locationObj(st, n) : null;
  if (m[1] === "Order") {
    const o = st.orders.find((x) => x.id === n);
    return o ? orderObj(st, o) : null;
  }
  return null;
}

export function rootValue(ctx: SimContext) {
  const st = ctx.state;
  return {
    shop: () => ({ __typename: "Shop", id: "gid://shopify/Shop/81050000001", name: SIM_SHOP.name, myshopifyDomain: SIM_SHOP.domain }),
    currentAppInstallation: () => ({
      __typename: "AppInstallation",
      id: "gid://shopify/AppInstallation/90000000001",
      accessScopes: ctx.scopes.map((handle) => ({ handle, description: handle })),
    }),
    node: ({ id }: { id: string }) => nodeById(st, id),
    nodes: ({ ids }: { ids: string[] }) => {
      if (ids.length > 250) throw new GraphQLError("The input array size of ids is greater than the maximum allowed of 250.", { extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" } });
      return ids.map((id) => nodeById(st, id));
    },
    location: ({ id }: { id?: string }) => {
      requireScope(ctx, "read_locations", "location");
      const n = id ? idOf(id, "Location") : st.primaryLocation.id;
      return st.locations.some((l) => l.id === n) ? locationObj(st, n) : null;
    },
    locations: (args: ConnArgs & { includeInactive?: boolean }) => {
      requireScope(ctx, "read_locations", "locations");
      const rows = st.locations.filter((l) => l.isActive || args.includeInactive);
      return paginate(rows, args, (l) => l.id, (l) => l.id, (l) => locationObj(st, l.id));
    },
    productVariants: (args: ConnArgs & { query?: string }) => {
      requireScope(ctx, "read_products", "productVariants");
      const q = parseSearch(args.query);
      const rows = st.variants.filter((v) => matches(q, (t) => variantMatches(v, t)));
      return paginate(rows, args, (v) => v.id, (v) => v.id, (v) => variantObj(st, v));
    },
    inventoryItem: ({ id }: { id: string }) => {
      requireScope(ctx, "read_inventory", "inventoryItem");
      const v = st.variantByItem(idOf(id, "InventoryItem"));
      return v ? itemObj(st, v) : null;
    },
    order: ({ id }: { id: string }) => {
      requireScope(ctx, "read_orders", "order");
      const o = st.orders.find((x) => x.id === idOf(id, "Order"));
      return o ? orderObj(st, o) : null;
    },
    orders: (args: ConnArgs & { query?: string; sortKey?: string }) => {
      requireScope(ctx, "read_orders", "orders");
      const q = parseSearch(args.query);
      const now = st.now();
      const rows = st.orders.filter((o) => matches(q, (t) => orderMatches(o, t, now)));
      const key = args.sortKey ?? "ID";
      const sortValue = (o: SimOrder) =>
        key === "UPDATED_AT" ? isoSeconds(o.updatedAt) : key === "CREATED_AT" || key === "PROCESSED_AT" ? isoSeconds(o.createdAt) : o.id;
      return paginate(rows, args, (o) => o.id, sortValue, (o) => orderObj(st, o));
    },
    inventorySetQuantities: (args: { input: Record<string, unknown> }, c: SimContext, info: GraphQLResolveInfo) =>
      inventorySetQuantities(args.input, c, info),
    webhookSubscriptionCreate: (args: Parameters<typeof webhookSubscriptionCreate>[0], c: SimContext) => webhookSubscriptionCreate(args, c),
  };
}
