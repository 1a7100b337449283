// The simulated Yahoo!ショッピング store: listings (stock per item_code[:sub_code]), orders,
// OAuth clients and tokens, the store's public key, injected faults and a call log.

import { CodeStore } from "../shared/oauth";

export const SELLER_ID = "kura-demo";
/** [verify] YConnect v2 documents the code as short-lived without a figure; 10 minutes is assumed. */
export const CODE_LIFE_MS = 10 * 60_000;
export const CLIENT_ID = "dj00aiZpPWt1cmEtZGVtbyZzPWNvbnN1bWVyc2VjcmV0Jng9OTk-";
export const CLIENT_SECRET = "kura-demo-client-secret";
export const REFRESH_TOKEN = "kura-demo-refresh-token";
export const KEY_VERSION = "1";

export const ACCESS_TOKEN_LIFE_SEC = 3600;
export const REFRESH_TOKEN_LIFE_MS = 28 * 24 * 3_600_000;
/** Without 公開鍵認証, order APIs refuse a session older than this (px-04102). */
export const UNSIGNED_ORDER_SESSION_MS = 12 * 3_600_000;
export const PUBLIC_KEY_LIFE_MS = 365 * 24 * 3_600_000;

export type FaultType = "5xx" | "429" | "timeout" | "slow" | "expired" | "auth";
export interface Fault {
  type: FaultType;
  delayMs?: number;
}

export interface SimLine {
  lineId: string;
  itemId: string;
  subCode: string | null;
  title: string;
  unitPrice: number;
  quantity: number;
}

export interface SimOrder {
  orderId: string;
  sellerId: string;
  orderTime: number;
  status: number; // 1 予約中, 2 処理中, 3 保留, 4 キャンセル, 5 完了
  isActive: boolean;
  version: number;
  lastUpdateTime: number;
  lines: SimLine[];
}

export interface RefreshGrant {
  clientId: string;
  sellerId: string;
  issuedAt: number;
  /** When the authorization (the "API session") began; px-04102 is judged from it. */
  sessionStart: number;
}

export interface AccessGrant {
  sellerId: string;
  expiresAt: number;
  sessionStart: number;
}

export interface SimCall {
  method: string;
  path: string;
  status: number;
}

export interface YahooSimOptions {
  now?: () => number;
  /** Requests per second per API before 429 (Yahoo's historic 10/s). */
  rateLimitPerSec?: number;
  /** [verify] Yahoo keeps the refresh token on refresh; set to model a rotating one. */
  rotateRefreshTokens?: boolean;
}

function splitCode(code: string): { itemId: string; subCode: string | null } {
  const i = code.indexOf(":");
  return i < 0 ? { itemId: code, subCode: null } : { itemId: code.slice(0, i), subCode: code.slice(i + 1) };
}

export class YahooSimState {
  readonly now: () => number;
  readonly rateLimitPerSec: number;
  rotateRefreshTokens: boolean;
  listings = new Map<string, { quantity: number; updated: number }>();
  orders = new Map<string, SimOrder>();
  clients = new Map<string, string>();
  refreshTokens = new Map<string, RefreshGrant>();
  accessTokens = new Map<string, AccessGrant>();
  publicKey = { sellerId: SELLER_ID, version: KEY_VERSION, issuedAt: 0 };
  faults: Fault[] = [];
  calls: SimCall[] = [];
  rate = new Map<string, { second: number; count: number }>();
  /** How the last token request authenticated its client (Basic header or form fields). */
  lastClientAuth: "basic" | "body" | null = null;
  /** Authorization codes of the consent page (/yconnect/v2/authorization). */
  readonly codes: CodeStore<{ sellerId: string }>;
  private seq = 0;
  private tokenSeq = 0;

  constructor(opts: YahooSimOptions = {}) {
    this.now = opts.now ?? (() => Date.now());
    this.rateLimitPerSec = opts.rateLimitPerSec ?? 10;
    this.rotateRefreshTokens = opts.rotateRefreshTokens ?? false;
    this.codes = new CodeStore(this.now, CODE_LIFE_MS, "sim-code.");
    this.reset();
  }

  reset(): void {
    const now = this.now();
    this.listings.clear();
    this.orders.clear();
    this.accessTokens.clear();
    this.refreshTokens.clear();
    this.clients = new Map([[CLIENT_ID, CLIENT_SECRET]]);
    this.refreshTokens.set(REFRESH_TOKEN, { clientId: CLIENT_ID, sellerId: SELLER_ID, issuedAt: now, sessionStart: now });
    this.publicKey = { sellerId: SELLER_ID, version: KEY_VERSION, issuedAt: now };
    this.faults = [];
    this.calls = [];
    this.rate.clear();
    this.seq = 0;
  }

  newToken(prefix: string): string {
    const rnd = crypto.getRandomValues(new Uint8Array(12));
    return `${prefix}.${++this.tokenSeq}.${[...rnd].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
  }

  setListings(items: { code: string; quantity: number }[]): void {
    for (const it of items) this.listings.set(it.code, { quantity: it.quantity, updated: this.now() });
  }

  getListings(): { code: string; quantity: number }[] {
    return [...this.listings].map(([code, v]) => ({ code, quantity: v.quantity }));
  }

  /** A new order (status 2 処理中); listed items lose the units like the mall's own stock. */
  createOrder(lines: { code: string; quantity: number }[]): { orderId: string; lineIds: string[] } {
    const now = this.now();
    const orderId = `${SELLER_ID}-${10000000 + ++this.seq}`;
    const simLines = lines.map((l, i) => {
      const listing = this.listings.get(l.code);
      if (listing) this.listings.set(l.code, { quantity: Math.max(0, listing.quantity - l.quantity), updated: now });
      return { lineId: String(i + 1), ...splitCode(l.code), title: `商品 ${l.code}`, unitPrice: 1000, quantity: l.quantity };
    });
    this.orders.set(orderId, {
      orderId,
      sellerId: SELLER_ID,
      orderTime: now,
      status: 2,
      isActive: true,
      version: 1,
      lastUpdateTime: now,
      lines: simLines,
    });
    return { orderId, lineIds: simLines.map((l) => l.lineId) };
  }

  /**
   * Whole cancel (status 4, lines kept) or a partial one as an order edit (注文内容変更): the
   * line's Quantity drops, a line at 0 is removed; removing the last line cancels the order.
   */
  cancelOrder(orderId: string, opts: { lineId?: string; quantity?: number } = {}): SimOrder {
    const o = this.orders.get(orderId);
    if (!o) throw new Error(`no order ${orderId}`);
    if (o.status === 4) throw new Error(`order ${orderId} is already cancelled`);
    const now = this.now();
    const line = opts.lineId ? o.lines.find((l) => l.lineId === opts.lineId) : undefined;
    if (opts.lineId && !line) throw new Error(`no line ${opts.lineId} in ${orderId}`);
    const q = line ? (opts.quantity ?? line.quantity) : 0;
    if (line && (!Number.isInteger(q) || q <= 0 || q > line.quantity)) throw new Error("bad quantity");
    if (!line || (q === line.quantity && o.lines.length === 1)) {
      for (const l of o.lines) this.restock(l, l.quantity);
      o.status = 4;
    } else {
      this.restock(line, q);
      line.quantity -= q;
      if (line.quantity === 0) o.lines = o.lines.filter((l) => l !== line);
    }
    o.version++;
    o.lastUpdateTime = now;
    return o;
  }

  /** 無効注文: Yahoo marks the order IsActive=false. */
  invalidateOrder(orderId: string): void {
    const o = this.orders.get(orderId);
    if (!o) throw new Error(`no order ${orderId}`);
    o.isActive = false;
    o.version++;
    o.lastUpdateTime = this.now();
    for (const l of o.lines) this.restock(l, l.quantity);
  }

  private restock(l: SimLine, q: number): void {
    const code = l.subCode ? `${l.itemId}:${l.subCode}` : l.itemId;
    const listing = this.listings.get(code);
    if (listing) this.listings.set(code, { quantity: listing.quantity + q, updated: this.now() });
  }

  addFault(f: Fault & { times?: number }): void {
    for (let i = 0; i < (f.times ?? 1); i++) this.faults.push({ type: f.type, delayMs: f.delayMs });
  }

  takeFault(): Fault | undefined {
    return this.faults.shift();
  }

  record(call: SimCall): void {
    this.calls.push(call);
    if (this.calls.length > 1000) this.calls.splice(0, this.calls.length - 1000);
  }

  /** True when this call is over the per-API, per-second budget. */
  overRate(api: string): boolean {
    const second = Math.floor(this.now() / 1000);
    const r = this.rate.get(api);
    if (!r || r.second !== second) {
      this.rate.set(api, { second, count: 1 });
      return false;
    }
    r.count++;
    return r.count > this.rateLimitPerSec;
  }
}
