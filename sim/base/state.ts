// In-memory BASE shop: items with variations, orders, OAuth clients/tokens, usage counters,
// injected faults and a log of API calls. Times are epoch seconds like the API.

export type FaultType = "5xx" | "429" | "timeout" | "slow" | "expired" | "auth";
export interface Fault { type: FaultType; remaining: number; delayMs?: number }

export interface SimVariation { variation_id: number; variation: string; variation_stock: number; variation_identifier: string | null }
export interface SimItem {
  item_id: number; title: string; price: number; stock: number; visible: 1 | 0; list_order: number;
  identifier: string | null; modified: number; variations: SimVariation[];
}
export type OrderItemStatus = "ordered" | "cancelled" | "dispatched";
export interface SimOrderItem {
  order_item_id: number; item_id: number; variation_id: number | null; title: string; variation: string | null;
  price: number; amount: number; total: number; status: OrderItemStatus; modified: number;
}
export interface SimOrder {
  unique_key: string; ordered: number; cancelled: number | null; dispatched: number | null; payment: string;
  total: number; dispatch_status: "ordered" | "cancelled" | "dispatched" | "unpaid" | "shipping";
  modified: number; order_items: SimOrderItem[];
}

export class SimError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export const SIM_CLIENT = {
  client_id: "kura-demo-base-client",
  client_secret: "kura-demo-base-secret",
  redirect_uri: "http://127.0.0.1:8787/oauth/base/callback",
};
export const SIM_DEMO_REFRESH_TOKEN = "kura-demo-base-refresh-token";
export const ALL_SCOPES = ["read_users", "read_items", "write_items", "read_orders", "write_orders"];
const ACCESS_LIFE_SEC = 3600;
const REFRESH_LIFE_SEC = 30 * 86_400;

export class BaseSimState {
  items = new Map<number, SimItem>();
  orders: SimOrder[] = [];
  /** Scopes granted to tokens issued from now on (tests narrow it to provoke invalid_scope). */
  scopes = [...ALL_SCOPES];
  accessTokens = new Map<string, { exp: number; scopes: string[] }>();
  /** Each refresh token remembers the redirect URI its authorization used: the refresh grant must repeat it. */
  refreshTokens = new Map<string, { exp: number; redirectUri: string }>();
  limits = { hour: 5000, day: 100_000 };
  usage = { hourKey: -1, hour: 0, dayKey: -1, day: 0 };
  faults: Fault[] = [];
  calls: { method: string; path: string; status: number }[] = [];
  private seq = 1000;

  constructor(private readonly clock: () => number) { this.reset(); }

  nowMs(): number { return this.clock(); }
  nowSec(): number { return Math.floor(this.clock() / 1000); }

  reset(): void {
    this.items.clear();
    this.orders = [];
    this.scopes = [...ALL_SCOPES];
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.refreshTokens.set(SIM_DEMO_REFRESH_TOKEN, { exp: this.nowSec() + REFRESH_LIFE_SEC, redirectUri: SIM_CLIENT.redirect_uri });
    this.limits = { hour: 5000, day: 100_000 };
    this.usage = { hourKey: -1, hour: 0, dayKey: -1, day: 0 };
    this.faults = [];
    this.calls = [];
    this.seq = 1000;
  }

  // ---- OAuth ----
  /** Rotates: the used refresh token is spent, a new pair is issued [verify old-token grace]. */
  issueTokens(usedRefresh?: string, redirectUri = SIM_CLIENT.redirect_uri) {
    if (usedRefresh) this.refreshTokens.delete(usedRefresh);
    const access_token = randomHex(16), refresh_token = randomHex(16);
    this.accessTokens.set(access_token, { exp: this.nowSec() + ACCESS_LIFE_SEC, scopes: [...this.scopes] });
    this.refreshTokens.set(refresh_token, { exp: this.nowSec() + REFRESH_LIFE_SEC, redirectUri });
    return { access_token, token_type: "bearer", expires_in: ACCESS_LIFE_SEC, refresh_token };
  }

  /** Counts one API call against the hourly/daily limits; returns the exceeded limit if any. */
  countCall(): "hour_api_limit" | "day_api_limit" | null {
    const s = this.nowSec();
    const hourKey = Math.floor(s / 3600), dayKey = Math.floor((s + 9 * 3600) / 86_400);
    if (hourKey !== this.usage.hourKey) this.usage = { ...this.usage, hourKey, hour: 0 };
    if (dayKey !== this.usage.dayKey) this.usage = { ...this.usage, dayKey, day: 0 };
    if (this.usage.day >= this.limits.day) return "day_api_limit";
    if (this.usage.hour >= this.limits.hour) return "hour_api_limit";
    this.usage.hour++;
    this.usage.day++;
    return null;
  }

  addFault(type: FaultType, times = 1, delayMs?: number): void {
    this.faults.push({ type, remaining: Math.max(1, times), delayMs });
  }

  takeFault(): Fault | null {
    const f = this.faults[0];
    if (!f) return null;
    if (--f.remaining <= 0) this.faults.shift();
    return f;
  }

  // ---- listings ----
  setListings(rows: { code: string; quantity: number }[]): void {
    for (const { code, quantity } of rows) {
      const { itemId, variationId } = parseCode(code);
      if (!Number.isInteger(quantity) || quantity < 0) throw new SimError(400, `bad quantity for ${code}`);
      let item = this.items.get(itemId);
      if (!item) {
        item = { item_id: itemId, title: `商品${itemId}`, price: 1000, stock: 0, visible: 1, list_order: this.items.size + 1,
          identifier: null, modified: this.nowSec(), variations: [] };
        this.items.set(itemId, item);
      }
      if (variationId == null) {
        if (item.variations.length) throw new SimError(400, `item ${itemId} has variations: use ${itemId}:<variation_id>`);
        item.stock = quantity;
      } else {
        const v = item.variations.find((x) => x.variation_id === variationId);
        if (v) v.variation_stock = quantity;
        else item.variations.push({ variation_id: variationId, variation: `バリエーション${variationId}`, variation_stock: quantity, variation_identifier: null });
        syncStock(item);
      }
      item.modified = this.nowSec();
    }
  }

  listings(): { code: string; quantity: number }[] {
    const out: { code: string; quantity: number }[] = [];
    for (const it of this.items.values()) {
      if (!it.variations.length) out.push({ code: String(it.item_id), quantity: it.stock });
      for (const v of it.variations) out.push({ code: `${it.item_id}:${v.variation_id}`, quantity: v.variation_stock });
    }
    return out;
  }

  // ---- orders ----
  /** A buyer's purchase: BASE sells only what it shows, so stock must cover every line. */
  createOrder(lines: { code: string; quantity: number }[]): { orderId: string; lineIds: string[] } {
    if (!lines.length) throw new SimError(400, "no lines");
    const now = this.nowSec();
    const resolved = lines.map(({ code, quantity }) => {
      const { itemId, variationId } = parseCode(code);
      const item = this.items.get(itemId);
      if (!item) throw new SimError(404, `unknown code ${code}`);
      if (!Number.isInteger(quantity) || quantity < 1) throw new SimError(400, `bad quantity for ${code}`);
      const v = variationId == null ? null : item.variations.find((x) => x.variation_id === variationId);
      if (variationId != null && !v) throw new SimError(404, `unknown code ${code}`);
      if (variationId == null && item.variations.length) throw new SimError(400, `item ${itemId} has variations`);
      return { item, v, quantity };
    });
    for (const r of resolved) {
      const have = r.v ? r.v.variation_stock : r.item.stock;
      const want = resolved.filter((x) => x.item === r.item && x.v === r.v).reduce((n, x) => n + x.quantity, 0);
      if (want > have) throw new SimError(409, `out of stock: ${r.item.item_id}${r.v ? `:${r.v.variation_id}` : ""}`);
    }
    const order_items = resolved.map(({ item, v, quantity }): SimOrderItem => {
      if (v) v.variation_stock -= quantity; else item.stock -= quantity;
      syncStock(item);
      return { order_item_id: ++this.seq, item_id: item.item_id, variation_id: v?.variation_id ?? null, title: item.title,
        variation: v?.variation ?? null, price: item.price, amount: quantity, total: item.price * quantity, status: "ordered", modified: now };
    });
    const order: SimOrder = { unique_key: randomHex(8).toUpperCase(), ordered: now, cancelled: null, dispatched: null,
      payment: "creditcard", total: order_items.reduce((n, i) => n + i.total, 0), dispatch_status: "ordered", modified: now, order_items };
    this.orders.push(order);
    return { orderId: order.unique_key, lineIds: order_items.map((i) => String(i.order_item_id)) };
  }

  /** Whole order, or one whole order_item (BASE cancels per item, not per unit). Stock returns. */
  cancelOrder(orderId: string, opts: { lineId?: string; quantity?: number } = {}): SimOrder {
    const o = this.order(orderId);
    const now = this.nowSec();
    const targets = opts.lineId == null ? o.order_items : o.order_items.filter((i) => String(i.order_item_id) === String(opts.lineId));
    if (!targets.length) throw new SimError(404, `unknown line ${opts.lineId}`);
    for (const it of targets) {
      if (opts.quantity != null && opts.quantity !== it.amount)
        throw new SimError(400, "BASE cancels a whole order item; a partial quantity is not supported");
      if (it.status === "dispatched") throw new SimError(409, `line ${it.order_item_id} already dispatched`);
    }
    for (const it of targets) {
      if (it.status === "cancelled") continue;
      it.status = "cancelled";
      it.modified = now;
      const item = this.items.get(it.item_id);
      const v = item?.variations.find((x) => x.variation_id === it.variation_id);
      if (item && v) v.variation_stock += it.amount; else if (item) item.stock += it.amount;
      if (item) syncStock(item);
    }
    o.modified = now;
    if (o.order_items.every((i) => i.status === "cancelled")) { o.cancelled = now; o.dispatch_status = "cancelled"; }
    return o;
  }

  dispatchOrder(orderId: string): SimOrder {
    const o = this.order(orderId);
    const now = this.nowSec();
    for (const it of o.order_items) if (it.status === "ordered") { it.status = "dispatched"; it.modified = now; }
    o.dispatched = now; o.modified = now; o.dispatch_status = "dispatched";
    return o;
  }

  order(orderId: string): SimOrder {
    const o = this.orders.find((x) => x.unique_key === orderId);
    if (!o) throw new SimError(404, `unknown order ${orderId}`);
    return o;
  }
}

function parseCode(code: string): { itemId: number; variationId: number | null } {
  const m = /^(\d+)(?::(\d+))?$/.exec(String(code).trim());
  if (!m) throw new SimError(400, `bad code ${code}: use item_id or item_id:variation_id`);
  return { itemId: Number(m[1]), variationId: m[2] == null ? null : Number(m[2]) };
}

/** "バリエーションの在庫数の合計が自動で在庫数(stock)になります" */
function syncStock(item: SimItem): void {
  if (item.variations.length) item.stock = item.variations.reduce((n, v) => n + v.variation_stock, 0);
}

function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
