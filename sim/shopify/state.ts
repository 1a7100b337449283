// In-memory Shopify shop: locations, variants with inventory levels, orders, OAuth tokens, the
// cost bucket, faults and a call log. Ids are numeric; the API shows them as gid://shopify/…

/**
 * The uniform faults, plus "lost" (tests set it on the state directly; the uniform control API
 * knows only the shared ones): the request is carried out but its answer is lost (504).
 */
export type FaultType = "5xx" | "429" | "timeout" | "slow" | "expired" | "auth" | "lost";
export type Plan = "standard" | "advanced" | "plus";

/** Restore rates from the rate-limit doc; bucket = 20 s of restore [verify bucket size]. */
export const PLANS: Record<Plan, { restoreRate: number; maximumAvailable: number }> = {
  standard: { restoreRate: 100, maximumAvailable: 2000 },
  advanced: { restoreRate: 200, maximumAvailable: 4000 },
  plus: { restoreRate: 1000, maximumAvailable: 20000 },
};

export const SIM_SHOP = { domain: "kura-demo.myshopify.com", name: "Kura デモストア" };
export const SIM_APP = { clientId: "kura-sim-client-id", clientSecret: "kura-sim-client-secret-0123456789" };
/** A custom app's non-expiring offline token (valid in every fresh sim). */
export const SIM_DEMO_TOKEN = "shpat_kura_demo_00000000000000000000";
export const DEFAULT_SCOPES = ["write_inventory", "read_products", "read_orders", "read_locations"];

export interface SimLocation { id: number; name: string; isActive: boolean; shipsInventory: boolean; fulfillsOnlineOrders: boolean }
export interface SimLevel { available: number; onHand: number; committed: number; updatedAt: number }
export interface SimVariant {
  id: number;
  inventoryItemId: number;
  sku: string;
  title: string;
  tracked: boolean;
  createdAt: number;
  levels: Map<number, SimLevel>; // by location id; absent = not stocked there
}
export interface SimLineItem { id: number; sku: string | null; variantId: number | null; quantity: number; currentQuantity: number }
export interface SimOrder {
  id: number;
  number: number;
  createdAt: number;
  updatedAt: number;
  cancelledAt: number | null;
  cancelReason: string | null;
  lines: SimLineItem[];
}
export interface AccessToken { expiresAt: number | null; scopes: string[]; expiring: boolean; used: boolean; replaces?: string }
export interface RefreshToken { expiresAt: number; revoked: boolean }
export interface SimCall { method: string; path: string; status: number; operation?: string }
export interface SimDocument { query: string; variables: Record<string, unknown>; operationName?: string }
interface Fault { type: FaultType; remaining: number; delayMs?: number }
interface VariantIndex {
  of: SimVariant[];
  size: number;
  byId: Map<number, SimVariant>;
  byItem: Map<number, SimVariant>;
  bySku: Map<string, SimVariant[]>;
}

export class SimError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export const gid = (type: string, id: number | string) => `gid://shopify/${type}/${id}`;
/** "gid://shopify/Order/123" or "123" → 123 (NaN when neither). */
export function idOf(value: string, type: string): number {
  const m = new RegExp(`^(?:gid://shopify/${type}/)?(\\d+)$`).exec(value.trim());
  return m ? Number(m[1]) : NaN;
}
/** Shopify shows DateTime with second precision, UTC. */
export const isoSeconds = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

export class ShopifySimState {
  locations: SimLocation[] = [];
  variants: SimVariant[] = [];
  orders: SimOrder[] = [];
  accessTokens = new Map<string, AccessToken>();
  refreshTokens = new Map<string, RefreshToken>();
  /** Answers stored per @idempotent key: the same key and parameters are answered from here. */
  idempotency = new Map<string, { fingerprint: string; result: unknown }>();
  /** Keys whose request failed (5xx): reusing one answers IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED. */
  failedKeys = new Set<string>();
  bucket = { available: 0, at: 0 };
  faults: Fault[] = [];
  calls: SimCall[] = [];
  documents: SimDocument[] = [];
  /** Webhook subscriptions (webhookSubscriptionCreate) and every delivery attempted. */
  webhooks: import("./webhooks").SimSubscription[] = [];
  deliveries: import("./webhooks").SimDelivery[] = [];
  /** Deliveries still under way (the control API's /webhooks/settle waits for them). */
  pending = new Set<Promise<void>>();
  /** Called after an event a webhook reports (wired by createShopifySim to deliver it). */
  onEvent: (topic: import("./webhooks").WebhookTopic, payload: unknown) => void = () => undefined;
  private seq = 0;
  private index: VariantIndex | null = null;

  constructor(
    readonly now: () => number,
    public plan: Plan = "standard",
  ) {
    this.reset();
  }

  reset(): void {
    this.seq = 0;
    this.locations = [
      { id: 70000000001, name: "東京倉庫", isActive: true, shipsInventory: true, fulfillsOnlineOrders: true },
      { id: 70000000002, name: "渋谷ポップアップ", isActive: true, shipsInventory: false, fulfillsOnlineOrders: false },
    ];
    this.variants = [];
    this.orders = [];
    this.accessTokens = new Map([[SIM_DEMO_TOKEN, { expiresAt: null, scopes: DEFAULT_SCOPES, expiring: false, used: false }]]);
    this.refreshTokens = new Map();
    this.idempotency = new Map();
    this.failedKeys = new Set();
    this.bucket = { available: PLANS[this.plan].maximumAvailable, at: this.now() };
    this.faults = [];
    this.calls = [];
    this.documents = [];
    this.webhooks = [];
    this.deliveries = [];
  }

  // ---- variant lookups ---------------------------------------------------------------------------
  // By id, inventory item id and SKU through maps: a bench catalogue has 20,000 variants, and a scan
  // of them per row made a 250-row inventorySetQuantities take 0.8 s at the catalogue's end, so the
  // simulator, not Kura, set the pace of 一括反映.

  /** The first variant with this id (a duplicate made by a test stays invisible, as with a scan). */
  variantById(id: number): SimVariant | undefined {
    return this.indexed().byId.get(id);
  }

  variantByItem(inventoryItemId: number): SimVariant | undefined {
    return this.indexed().byItem.get(inventoryItemId);
  }

  /** Every variant carrying this SKU, in the order they were created (Shopify allows duplicates). */
  variantsWithSku(sku: string): SimVariant[] {
    return this.indexed().bySku.get(sku) ?? [];
  }

  /**
   * Variants are only appended (or all dropped by reset(), which makes a new array), so an index
   * over a prefix of the same array is extended, never rebuilt.
   */
  private indexed(): VariantIndex {
    let ix = this.index;
    if (!ix || ix.of !== this.variants || ix.size > this.variants.length) {
      ix = { of: this.variants, size: 0, byId: new Map(), byItem: new Map(), bySku: new Map() };
    }
    for (; ix.size < this.variants.length; ix.size++) {
      const v = this.variants[ix.size];
      if (!ix.byId.has(v.id)) ix.byId.set(v.id, v);
      if (!ix.byItem.has(v.inventoryItemId)) ix.byItem.set(v.inventoryItemId, v);
      const same = ix.bySku.get(v.sku);
      if (same) same.push(v);
      else ix.bySku.set(v.sku, [v]);
    }
    return (this.index = ix);
  }

  nextId(base: number): number {
    return base + ++this.seq;
  }

  get primaryLocation(): SimLocation {
    return this.locations.find((l) => l.isActive && l.shipsInventory)!;
  }

  // ---- listings -------------------------------------------------------------------------------

  setListings(items: { code: string; quantity: number; tracked?: boolean; stocked?: boolean }[]): void {
    const now = this.now();
    const loc = this.primaryLocation.id;
    for (const it of items) {
      let v = this.variantsWithSku(it.code)[0];
      if (!v) {
        v = { id: this.nextId(40000000000), inventoryItemId: 0, sku: it.code, title: it.code, tracked: true, createdAt: now, levels: new Map() };
        v.inventoryItemId = this.nextId(50000000000);
        this.variants.push(v);
      }
      if (it.tracked !== undefined) v.tracked = it.tracked;
      if (it.stocked === false) {
        v.levels.delete(loc);
        continue;
      }
      const level = v.levels.get(loc) ?? { available: 0, onHand: 0, committed: 0, updatedAt: now };
      // Edited in the admin: Shopify reports the new level to inventory_levels/update subscribers.
      if (v.levels.has(loc) && level.available !== it.quantity) {
        this.onEvent("INVENTORY_LEVELS_UPDATE", { inventory_item_id: v.inventoryItemId, location_id: loc, available: it.quantity, updated_at: isoSeconds(now), admin_graphql_api_id: `gid://shopify/InventoryLevel/${v.inventoryItemId}?inventory_item_id=${v.inventoryItemId}` });
      }
      level.onHand += it.quantity - level.available;
      level.available = it.quantity;
      level.updatedAt = now;
      v.levels.set(loc, level);
    }
  }

  listings(): { code: string; quantity: number }[] {
    const loc = this.primaryLocation.id;
    return this.variants.map((v) => ({ code: v.sku, quantity: v.levels.get(loc)?.available ?? 0 }));
  }

  // ---- orders ---------------------------------------------------------------------------------

  createOrder(lines: { code: string; quantity: number }[]): { orderId: string; lineIds: string[] } {
    const now = this.now();
    const loc = this.primaryLocation.id;
    const order: SimOrder = {
      id: this.nextId(6000000000),
      number: 1001 + this.orders.length,
      createdAt: now,
      updatedAt: now,
      cancelledAt: null,
      cancelReason: null,
      lines: [],
    };
    for (const l of lines) {
      if (!Number.isInteger(l.quantity) || l.quantity < 1) throw new SimError(400, "quantity must be ≥ 1");
      const v = this.variantsWithSku(l.code)[0];
      order.lines.push({ id: this.nextId(14000000000), sku: l.code, variantId: v?.id ?? null, quantity: l.quantity, currentQuantity: l.quantity });
      const level = v?.tracked ? v.levels.get(loc) : undefined;
      if (level) {
        level.available -= l.quantity;
        level.committed += l.quantity;
        level.updatedAt = now;
      }
    }
    this.orders.push(order);
    this.onEvent("ORDERS_CREATE", order);
    return { orderId: String(order.id), lineIds: order.lines.map((x) => String(x.id)) };
  }

  /** Whole-order cancel (no lineId) or an order edit removing `quantity` units of one line. */
  cancelOrder(orderId: string, opts: { lineId?: string; quantity?: number } = {}): SimOrder {
    const order = this.orders.find((o) => o.id === idOf(orderId, "Order"));
    if (!order) throw new SimError(404, "order not found");
    if (order.cancelledAt) throw new SimError(422, "order is already cancelled");
    const now = this.now();
    if (opts.lineId === undefined) {
      for (const li of order.lines) this.restock(li, li.currentQuantity, now);
      order.cancelledAt = now;
      order.cancelReason = "CUSTOMER";
    } else {
      const li = order.lines.find((x) => x.id === idOf(opts.lineId!, "LineItem"));
      if (!li) throw new SimError(404, "line item not found");
      const q = opts.quantity ?? li.currentQuantity;
      if (!Number.isInteger(q) || q < 1 || q > li.currentQuantity) throw new SimError(422, "invalid quantity to remove");
      this.restock(li, q, now);
    }
    order.updatedAt = now;
    this.onEvent(order.cancelledAt ? "ORDERS_CANCELLED" : "ORDERS_UPDATED", order);
    return order;
  }

  private restock(li: SimLineItem, q: number, now: number): void {
    li.currentQuantity -= q;
    const v = li.variantId === null ? undefined : this.variantById(li.variantId);
    const level = v?.tracked ? v.levels.get(this.primaryLocation.id) : undefined;
    if (level) {
      level.available += q;
      level.committed -= q;
      level.updatedAt = now;
    }
  }

  // ---- tokens, faults, bucket -------------------------------------------------------------------

  /** Issues an expiring offline token pair (what the OAuth grant would hand a public app). */
  issueExpiringTokens(opts: { accessTtlSec?: number; refreshTtlSec?: number; scopes?: string[] } = {}) {
    const now = this.now();
    const accessTtl = opts.accessTtlSec ?? 3600;
    const refreshTtl = opts.refreshTtlSec ?? 90 * 86400;
    const accessToken = `shpat_${randomHex(16)}`;
    const refreshToken = `shprt_${randomHex(16)}`;
    for (const t of this.accessTokens.values()) if (t.expiring) t.expiresAt = Math.min(t.expiresAt ?? now, now);
    this.accessTokens.set(accessToken, { expiresAt: now + accessTtl * 1000, scopes: opts.scopes ?? DEFAULT_SCOPES, expiring: true, used: false });
    this.refreshTokens.set(refreshToken, { expiresAt: now + refreshTtl * 1000, revoked: false });
    return {
      accessToken,
      refreshToken,
      accessTokenExpiresAt: now + accessTtl * 1000,
      refreshTokenExpiresAt: now + refreshTtl * 1000,
      expiresIn: accessTtl,
      refreshExpiresIn: refreshTtl,
    };
  }

  addFault(type: FaultType, times = 1, delayMs?: number): void {
    this.faults.push({ type, remaining: times, delayMs });
  }

  takeFault(): Fault | undefined {
    const f = this.faults[0];
    if (!f) return undefined;
    if (--f.remaining <= 0) this.faults.shift();
    return f;
  }

  /** Leaky bucket: refill by elapsed time, then try to take `cost`. */
  takeCost(cost: number): boolean {
    this.refill();
    if (cost > this.bucket.available) return false;
    this.bucket.available -= cost;
    return true;
  }

  /** Gives back the part of a query's requested cost it did not use. */
  refund(points: number): void {
    if (points <= 0) return;
    this.refill();
    this.bucket.available = Math.min(PLANS[this.plan].maximumAvailable, this.bucket.available + points);
  }

  refill(): void {
    const now = this.now();
    const p = PLANS[this.plan];
    this.bucket.available = Math.min(p.maximumAvailable, this.bucket.available + ((now - this.bucket.at) / 1000) * p.restoreRate);
    this.bucket.at = now;
  }

  throttleStatus() {
    const p = PLANS[this.plan];
    return { maximumAvailable: p.maximumAvailable, currentlyAvailable: Math.floor(this.bucket.available), restoreRate: p.restoreRate };
  }

  logCall(call: SimCall): void {
    this.calls.push(call);
    if (this.calls.length > 500) this.calls.splice(0, this.calls.length - 500);
  }
}

export function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
