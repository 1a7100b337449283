import { type BucketState, tryTake } from "../../src/malls/token-bucket";

// In-memory Amazon seller account for the simulator: listings, orders, feeds, LWA tokens,
// usage-plan buckets, injected faults and a log of calls / request bodies for tests.

export const JP = "A1VC38T7YXB528";
export type FulfillmentStatus = "PENDING" | "UNSHIPPED" | "PARTIALLY_SHIPPED" | "SHIPPED" | "CANCELLED";
export type FaultType = "5xx" | "429" | "timeout" | "slow" | "expired" | "auth";

export interface SimListing {
  sku: string;
  productType: string;
  asin: string;
  quantity: number; // DEFAULT (merchant-fulfilled) channel
  createdAt: number;
  updatedAt: number;
}
export interface SimOrderItem {
  orderItemId: string;
  sku: string;
  asin: string;
  quantity: number;
  cancelled: boolean;
}
export interface SimOrder {
  orderId: string;
  createdAt: number;
  updatedAt: number;
  status: FulfillmentStatus;
  items: SimOrderItem[];
}
export interface SimDocument {
  id: string;
  contentType: string;
  body: string | null;
  createdAt: number;
}
export interface SimFeed {
  feedId: string;
  feedType: string;
  marketplaceIds: string[];
  inputFeedDocumentId: string;
  createdAt: number;
  status: "IN_QUEUE" | "DONE" | "FATAL" | "CANCELLED";
  doneAt?: number;
  resultFeedDocumentId?: string;
}

/** Default usage plans (requests/s, burst), as in the API models. */
export const PLANS = {
  patchListingsItem: [5, 5],
  getListingsItem: [5, 10],
  searchListingsItems: [5, 5],
  searchOrders: [0.0056, 20],
  getOrders: [0.0167, 20],
  getOrderItems: [0.5, 30],
  createFeedDocument: [0.5, 15],
  createFeed: [0.0083, 15],
  getFeed: [2, 15],
  getFeedDocument: [0.0222, 10],
} as const;
export type SimOperation = keyof typeof PLANS;

export const DEMO = {
  /** The SP-API application the consent page authorizes (Solution Provider Portal → アプリ ID). */
  appId: "amzn1.sp.solution.kura-demo-0000-0000-0000-000000000000",
  sellerId: "A1KURADEMO0JP",
  clientId: "amzn1.application-oa2-client.0kurademo0000000000000000000000",
  clientSecret: "amzn1.oa2-cs.v1.kura-demo-client-secret-000000000000000000",
  refreshToken: "Atzr|IwEBIKuraDemoRefreshToken0000000000000000",
};

import { CodeStore } from "../shared/oauth";

export class SimError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export class AmazonSimState {
  sellerId = DEMO.sellerId;
  clientId = DEMO.clientId;
  clientSecret = DEMO.clientSecret;
  refreshToken = DEMO.refreshToken;
  appId = DEMO.appId;
  /** A draft app is authorized only through the consent URL with version=beta. */
  appIsDraft = false;
  /** Refresh tokens issued by the website authorization workflow (one per authorization). */
  grantedRefreshTokens = new Set<string>();
  /** spapi_oauth_code: single use, 5 minutes ("the code expires in five minutes"). */
  codes = new CodeStore<{ sellerId: string }>(() => this.now(), 5 * 60_000, "ANsim");
  /** Epoch ms after which LWA refuses the client secret (Amazon's 180-day rotation). */
  clientSecretExpiresAt: number | null = null;
  /** LWA normally returns the same refresh token; set true to rotate it on every refresh. */
  rotateRefreshTokens = false;
  /** Roles granted to the app by the seller; a missing one answers 403 Unauthorized. */
  roles = { listings: true, orders: true };
  /** How long (sim ms) a feed stays IN_QUEUE before it is processed. */
  feedProcessingMs = 0;

  listings = new Map<string, SimListing>();
  orders = new Map<string, SimOrder>();
  feeds = new Map<string, SimFeed>();
  documents = new Map<string, SimDocument>();
  tokens = new Map<string, number>(); // access token → expiry
  faults: { type: FaultType; remaining: number; delayMs?: number }[] = [];
  calls: { method: string; path: string; status: number }[] = [];
  /** Request bodies the API received (patch, feed document, createFeed…), for spec checks. */
  requests: { op: string; body: unknown }[] = [];
  /** searchOrders response bodies, for spec checks. */
  orderResponses: unknown[] = [];
  /** Orders v0 (getOrders, getOrderItems) response bodies, for spec checks. */
  v0Responses: { op: "getOrders" | "getOrderItems"; body: unknown }[] = [];
  private buckets = new Map<SimOperation, BucketState>();
  private seq = 0;

  constructor(readonly now: () => number) {}

  reset() {
    Object.assign(this, new AmazonSimState(this.now));
  }

  nextSeq(): number {
    return ++this.seq;
  }

  // ---- control operations (the uniform /__sim API) ----

  setListings(items: { code: string; quantity: number; productType?: string }[]) {
    for (const { code, quantity, productType } of items) {
      if (!code || code.length > 40) throw new SimError(400, `invalid seller SKU: ${code}`);
      if (!Number.isInteger(quantity) || quantity < 0) throw new SimError(400, `invalid quantity for ${code}`);
      const at = this.now();
      const prev = this.listings.get(code);
      this.listings.set(code, {
        sku: code,
        productType: productType ?? prev?.productType ?? "PRODUCT",
        asin: prev?.asin ?? `B0${String(this.nextSeq()).padStart(8, "0")}`,
        quantity,
        createdAt: prev?.createdAt ?? at,
        updatedAt: at,
      });
    }
  }

  listListings() {
    return [...this.listings.values()].map((l) => ({ code: l.sku, quantity: l.quantity }));
  }

  /** A buyer's order: lowers the DEFAULT quantity like Amazon does on order placement. */
  createOrder(lines: { code: string; quantity: number }[]) {
    if (!lines.length) throw new SimError(400, "an order needs at least one line");
    for (const { code, quantity } of lines) {
      const l = this.listings.get(code);
      if (!l) throw new SimError(400, `no listing for seller SKU ${code}`);
      if (!Number.isInteger(quantity) || quantity < 1) throw new SimError(400, `invalid quantity for ${code}`);
      const wanted = lines.filter((x) => x.code === code).reduce((n, x) => n + x.quantity, 0);
      if (wanted > l.quantity) throw new SimError(409, `not enough stock for ${code} (${l.quantity} < ${wanted})`);
    }
    const at = this.now();
    const n = this.nextSeq();
    const orderId = `503-${String(1000000 + n).slice(-7)}-${String(7654321 + n * 7919).slice(-7)}`;
    const items = lines.map(({ code, quantity }) => {
      const l = this.listings.get(code)!;
      l.quantity -= quantity;
      l.updatedAt = at;
      return { orderItemId: String(10000000000000 + this.nextSeq() * 97), sku: code, asin: l.asin, quantity, cancelled: false };
    });
    this.orders.set(orderId, { orderId, createdAt: at, updatedAt: at, status: "UNSHIPPED", items });
    return { orderId, lineIds: items.map((i) => i.orderItemId) };
  }

  /**
   * Cancels the whole order, or one order item (item-level cancellation). Amazon cancels whole
   * items: a `quantity` smaller than the item's is refused. Stock goes back on the listing.
   */
  cancelOrder(orderId: string, opts: { lineId?: string; quantity?: number } = {}) {
    const o = this.orders.get(orderId);
    if (!o) throw new SimError(404, `no order ${orderId}`);
    if (o.status === "SHIPPED") throw new SimError(409, "a shipped order cannot be cancelled");
    const targets = opts.lineId ? o.items.filter((i) => i.orderItemId === opts.lineId) : o.items;
    if (opts.lineId && !targets.length) throw new SimError(404, `no order item ${opts.lineId}`);
    if (opts.quantity !== undefined && targets.some((i) => opts.quantity !== i.quantity)) {
      throw new SimError(400, "Amazon cancels whole order items; partial quantities are not supported");
    }
    const at = this.now();
    for (const item of targets) {
      if (item.cancelled) continue;
      item.cancelled = true;
      const l = this.listings.get(item.sku);
      if (l) {
        l.quantity += item.quantity;
        l.updatedAt = at;
      }
    }
    if (o.items.every((i) => i.cancelled)) o.status = "CANCELLED";
    o.updatedAt = at;
    return { orderId, status: o.status };
  }

  addFault(type: FaultType, times = 1, delayMs?: number) {
    this.faults.push({ type, remaining: times, delayMs });
  }

  takeFault() {
    const f = this.faults[0];
    if (!f) return null;
    if (--f.remaining <= 0) this.faults.shift();
    return f;
  }

  // ---- API-side helpers ----

  /**
   * Token bucket per operation (sim clock), as Amazon enforces a usage plan: `rate` requests/s
   * refill up to `burst`; a request finding no whole token is refused (429) and takes nothing.
   */
  takeToken(op: SimOperation): boolean {
    const [rate, burst] = PLANS[op];
    const r = tryTake(this.buckets.get(op), { rate, burst }, this.now());
    this.buckets.set(op, r.state);
    return r.ok;
  }

  issueToken(): { token: string; expiresIn: number } {
    const token = `Atza|IwEBISim${crypto.randomUUID().replaceAll("-", "")}`;
    this.tokens.set(token, this.now() + 3600_000);
    return { token, expiresIn: 3600 };
  }

  recordRequest(op: string, body: unknown) {
    this.requests.push({ op, body });
    if (this.requests.length > 200) this.requests.shift();
  }

  recordOrderResponse(body: unknown) {
    this.orderResponses.push(body);
    if (this.orderResponses.length > 200) this.orderResponses.shift();
  }

  recordV0Response(op: "getOrders" | "getOrderItems", body: unknown) {
    this.v0Responses.push({ op, body });
    if (this.v0Responses.length > 200) this.v0Responses.shift();
  }

  logCall(method: string, path: string, status: number) {
    this.calls.push({ method, path, status });
    if (this.calls.length > 1000) this.calls.shift();
  }
}
