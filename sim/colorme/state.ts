import { formatCode, optionKey, parseCode } from "./codes";

// In-memory カラーミーショップ: products (with or without options), sales, OAuth app, codes and
// tokens, injected faults and a log of API calls. Times are epoch seconds like the API.
// Codes in the control API are Kura's mall codes: "product_id" or "product_id:opt1[:opt2]".

export type FaultType = "5xx" | "429" | "timeout" | "slow" | "expired" | "auth";
export interface Fault { type: FaultType; remaining: number; delayMs?: number; retryAfter?: number }

export interface SimVariant { option1_value: string; option2_value: string; stocks: number; model_number: string; make_date: number; update_date: number }
export interface SimProduct {
  id: number; name: string; model_number: string; stock_managed: boolean; stocks: number | null; sales_price: number;
  variants: SimVariant[]; make_date: number; update_date: number;
}
export interface SimDetail {
  id: number; sale_id: number; product_id: number; option1_value: string; option2_value: string; option1_index: number; option2_index: number;
  product_model_number: string; product_name: string; pristine_product_full_name: string; product_num: number; price: number;
}
export interface SimSale {
  id: number; make_date: number; update_date: number; canceled: boolean; paid: boolean; delivered: boolean;
  product_total_price: number; total_price: number; details: SimDetail[];
}

export class SimError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

/** The OAuth app registered with the simulated カラーミー (developer account → アプリ). */
export const SIM_CLIENT = {
  client_id: "kura-demo-colorme-client",
  client_secret: "kura-demo-colorme-secret",
  redirect_uri: "http://127.0.0.1:8787/oauth/colorme/callback",
};
/** Accepted by a fresh (or reset) sim, with every scope Kura needs. */
export const SIM_DEMO_TOKEN = "kura-demo-colorme-access-token";
export const ALL_SCOPES = ["read_products", "write_products", "read_sales", "write_sales"];
/** "認可コードの有効期限は10分" and a code works once (colormeshop-ruby README). */
export const CODE_LIFE_SEC = 600;

export class ColormeSimState {
  products = new Map<number, SimProduct>();
  sales: SimSale[] = [];
  tokens = new Map<string, { scopes: string[] }>();
  codes = new Map<string, { exp: number; scopes: string[]; redirect_uri: string; used: boolean }>();
  faults: Fault[] = [];
  calls: { method: string; path: string; status: number }[] = [];
  /** The app registered with the shop's developer account; a test may register another redirect_uri. */
  client = { ...SIM_CLIENT };
  /**
   * Readings of what MALLS-MORE leaves open, switchable by tests [verify both]:
   * unknownOption — a PUT naming option values the product lacks: "ignore" (answered 200, nothing
   * written) or "error" (400); zeroOnCancel — a cancel sets the details' product_num to 0, as
   * cancelSale through the API does (tools.json), or keeps it (an admin-side cancel, unknown).
   */
  behaviour = { unknownOption: "ignore" as "ignore" | "error", zeroOnCancel: true };
  private seq = 1000;

  constructor(private readonly clock: () => number) { this.reset(); }

  nowSec(): number { return Math.floor(this.clock() / 1000); }

  reset(): void {
    this.products.clear();
    this.sales = [];
    this.tokens.clear();
    this.tokens.set(SIM_DEMO_TOKEN, { scopes: [...ALL_SCOPES] });
    this.codes.clear();
    this.client = { ...SIM_CLIENT };
    this.faults = [];
    this.calls = [];
    this.behaviour = { unknownOption: "ignore", zeroOnCancel: true };
    this.seq = 1000;
  }

  addFault(type: FaultType, times = 1, delayMs?: number, retryAfter?: number): void {
    this.faults.push({ type, remaining: Math.max(1, times), delayMs, retryAfter });
  }

  takeFault(): Fault | null {
    const f = this.faults[0];
    if (!f) return null;
    if (--f.remaining <= 0) this.faults.shift();
    return f;
  }

  /** The merchant revokes the app (許可済みアプリケーション一覧): its tokens stop working. */
  revokeAll(): void { this.tokens.clear(); }

  // ---- OAuth ----
  issueCode(scopes: string[], redirect_uri: string): string {
    const code = randomHex(16);
    this.codes.set(code, { exp: this.nowSec() + CODE_LIFE_SEC, scopes, redirect_uri, used: false });
    return code;
  }

  issueToken(scopes: string[]): string {
    const t = randomHex(32);
    this.tokens.set(t, { scopes });
    return t;
  }

  // ---- listings ----
  setListings(rows: { code: string; quantity: number }[]): void {
    const now = this.nowSec();
    for (const { code, quantity } of rows) {
      const c = parseCode(code);
      if (!c) throw new SimError(400, `bad code ${code}: use product_id or product_id:option1[:option2]`);
      if (!Number.isInteger(quantity) || quantity < 0) throw new SimError(400, `bad quantity for ${code}`);
      const id = c.productId;
      let p = this.products.get(id);
      if (!p) {
        p = { id, name: `商品${id}`, model_number: `MODEL-${id}`, stock_managed: true, stocks: 0, sales_price: 1000, variants: [], make_date: now, update_date: now };
        this.products.set(id, p);
      }
      if (c.option1 === null && c.option2 === null) {
        if (p.variants.length) throw new SimError(400, `product ${id} has options: use ${id}:<option1>[:<option2>]`);
        p.stocks = quantity;
      } else {
        const v = this.variant(p, c.option1, c.option2);
        if (v) v.stocks = quantity;
        else p.variants.push({ option1_value: c.option1 ?? "", option2_value: c.option2 ?? "", stocks: quantity, model_number: `${p.model_number}-${p.variants.length + 1}`, make_date: now, update_date: now });
        syncStocks(p);
      }
      p.update_date = now;
    }
  }

  listings(): { code: string; quantity: number }[] {
    const out: { code: string; quantity: number }[] = [];
    for (const p of this.products.values()) {
      if (!p.variants.length) out.push({ code: String(p.id), quantity: p.stocks ?? 0 });
      for (const v of p.variants) out.push({ code: formatCode(p.id, v.option1_value, v.option2_value), quantity: v.stocks });
    }
    return out;
  }

  variant(p: SimProduct, o1: string | null | undefined, o2: string | null | undefined): SimVariant | undefined {
    return p.variants.find((v) => optionKey(v.option1_value || null, v.option2_value || null) === optionKey(o1 || null, o2 || null));
  }

  // ---- sales ----
  /** A buyer's purchase: the shop sells only what it shows, and lowers its own stock at once. */
  createOrder(lines: { code: string; quantity: number }[]): { orderId: string; lineIds: string[] } {
    if (!lines.length) throw new SimError(400, "no lines");
    const now = this.nowSec();
    const resolved = lines.map(({ code, quantity }) => {
      const c = parseCode(code);
      if (!c) throw new SimError(400, `bad code ${code}`);
      const p = this.products.get(c.productId);
      if (!p) throw new SimError(404, `unknown code ${code}`);
      if (!Number.isInteger(quantity) || quantity < 1) throw new SimError(400, `bad quantity for ${code}`);
      const perOption = c.option1 !== null || c.option2 !== null;
      const v = perOption ? this.variant(p, c.option1, c.option2) : undefined;
      if (perOption && !v) throw new SimError(404, `unknown code ${code}`);
      if (!perOption && p.variants.length) throw new SimError(400, `product ${p.id} has options`);
      return { p, v, quantity };
    });
    for (const r of resolved) {
      if (!r.p.stock_managed) continue;
      const have = r.v ? r.v.stocks : (r.p.stocks ?? 0);
      const want = resolved.filter((x) => x.p === r.p && x.v === r.v).reduce((n, x) => n + x.quantity, 0);
      if (want > have) throw new SimError(409, `out of stock: ${formatCode(r.p.id, r.v?.option1_value ?? "", r.v?.option2_value ?? "")}`);
    }
    const saleId = ++this.seq;
    const details = resolved.map(({ p, v, quantity }): SimDetail => {
      if (p.stock_managed) {
        if (v) v.stocks -= quantity; else p.stocks = (p.stocks ?? 0) - quantity;
        syncStocks(p);
        p.update_date = now;
      }
      const title = v ? [v.option1_value, v.option2_value].filter(Boolean).join("　x　") : "";
      return {
        id: ++this.seq, sale_id: saleId, product_id: p.id, option1_value: v?.option1_value ?? "", option2_value: v?.option2_value ?? "",
        option1_index: 0, option2_index: 0, product_model_number: v?.model_number || p.model_number, product_name: p.name,
        pristine_product_full_name: title ? `${p.name} (${title})` : p.name, product_num: quantity, price: p.sales_price,
      };
    });
    const total = details.reduce((n, d) => n + d.price * d.product_num, 0);
    this.sales.push({ id: saleId, make_date: now, update_date: now, canceled: false, paid: false, delivered: false, product_total_price: total, total_price: total, details });
    return { orderId: String(saleId), lineIds: details.map((d) => String(d.id)) };
  }

  /** Cancels a whole sale (カラーミー has no partial cancel): canceled, update_date bumped. */
  cancelOrder(orderId: string, opts: { restock?: boolean } = {}): SimSale {
    const s = this.sale(orderId);
    if (s.canceled) return s;
    const now = this.nowSec();
    if (opts.restock ?? true) {
      for (const d of s.details) {
        const p = this.products.get(d.product_id);
        if (!p?.stock_managed) continue;
        const v = d.option1_value || d.option2_value ? this.variant(p, d.option1_value, d.option2_value) : undefined;
        if (v) v.stocks += d.product_num; else if (!p.variants.length) p.stocks = (p.stocks ?? 0) + d.product_num;
        syncStocks(p);
        p.update_date = now;
      }
    }
    s.canceled = true;
    s.update_date = now;
    if (this.behaviour.zeroOnCancel) {
      for (const d of s.details) d.product_num = 0;
      s.product_total_price = 0;
      s.total_price = 0;
    }
    return s;
  }

  sale(orderId: string): SimSale {
    const s = this.sales.find((x) => String(x.id) === String(orderId));
    if (!s) throw new SimError(404, `unknown order ${orderId}`);
    return s;
  }
}

/** A product kept per option shows the sum of its options as its own `stocks` [verify]. */
export function syncStocks(p: SimProduct): void {
  if (p.variants.length) p.stocks = p.variants.reduce((n, v) => n + v.stocks, 0);
}

export function randomHex(bytes: number): string {
  return [...crypto.getRandomValues(new Uint8Array(bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
