import { endOfJstDay, ymd } from "./jst";

// The in-memory shop behind the Rakuten simulator: SKUs with inventory, orders, the licence,
// queued faults, per-function rate windows and a call log.

export type Permission = "inventory" | "order" | "license";
export type FaultType = "5xx" | "429" | "timeout" | "slow" | "expired" | "auth";

export interface SimSku {
  manageNumber: string; // lowercase
  variantId: string;
  quantity: number;
  created: number;
  updated: number;
  merchantDefinedSkuId: string | null;
}

export interface SimLine {
  itemDetailId: number;
  manageNumber: string;
  variantId: string;
  merchantDefinedSkuId: string | null;
  units: number;
  deleteItemFlag: 0 | 1;
}

export interface SimChange {
  changeId: number;
  changeType: number; // 0 キャンセル申請, 1 キャンセル確定, 6 変更完了 …
  changeTypeDetail: number | null; // 0 減額
  changeReason: number | null; // 0 店舗様都合, 1 お客様都合
  changeReasonDetail: number | null; // 1 キャンセル
  apply: number;
  fix: number | null;
  cmpl: number | null;
}

export interface SimOrder {
  orderNumber: string;
  orderProgress: number;
  orderDatetime: number; // whole seconds
  lines: SimLine[];
  changes: SimChange[];
}

export interface Fault {
  type: FaultType;
  remaining: number;
  delayMs?: number;
}

export class SimError extends Error {
  constructor(readonly status: 400 | 404 | 409, message: string) {
    super(message);
  }
}

const SHOP_ID = "338120";
const PART = /^[A-Za-z0-9_-]{1,32}$/;

export function splitCode(code: string): { manageNumber: string; variantId: string } {
  const i = code.indexOf(":");
  const manageNumber = (i < 0 ? code : code.slice(0, i)).toLowerCase();
  const variantId = i < 0 ? "normal-inventory" : code.slice(i + 1);
  if (!PART.test(manageNumber) || !PART.test(variantId)) throw new SimError(400, `invalid code: ${code}`);
  return { manageNumber, variantId };
}
export const skuKey = (mn: string, vid: string) => `${mn.toLowerCase()}:${vid}`;

export class RakutenSimState {
  credentials!: { serviceSecret: string; licenseKey: string; expiresAt: number; permissions: Set<Permission> };
  skus = new Map<string, SimSku>();
  /** Upserts for unknown SKUs: accepted silently, invisible, purged 24 h after the last update [doc]. */
  parked = new Map<string, { quantity: number; updated: number }>();
  orders = new Map<string, SimOrder>();
  faults: Fault[] = [];
  callLog: { method: string; path: string; status: number }[] = [];
  /** Requests per second per function; order functions unlimited unless a test sets one [verify]. */
  rateLimits: Record<string, number> = {};
  private hits = new Map<string, number[]>();
  private seq = { order: 0, detail: 100_000_000, change: 0 };

  constructor(readonly now: () => number) {
    this.reset();
  }

  reset(): void {
    this.credentials = {
      serviceSecret: "SP338120_kuraDemoServiceSecret",
      licenseKey: "SL338120_kuraDemoLicenseKey",
      expiresAt: endOfJstDay(this.now(), 90),
      permissions: new Set<Permission>(["inventory", "order", "license"]),
    };
    this.skus.clear();
    this.parked.clear();
    this.orders.clear();
    this.faults = [];
    this.callLog = [];
    this.hits.clear();
    this.rateLimits = { "inventories.bulk.upsert": 1, "inventories.bulk.get": 5 };
    this.seq = { order: 0, detail: 100_000_000, change: 0 };
  }

  setListings(items: { code: string; quantity: number; merchantDefinedSkuId?: string | null }[]): void {
    const t = this.now();
    for (const it of items) {
      const { manageNumber, variantId } = splitCode(it.code);
      const key = skuKey(manageNumber, variantId);
      const prev = this.skus.get(key);
      this.skus.set(key, {
        manageNumber,
        variantId,
        quantity: Math.max(0, Math.floor(it.quantity)),
        created: prev?.created ?? t,
        updated: t,
        merchantDefinedSkuId: it.merchantDefinedSkuId ?? prev?.merchantDefinedSkuId ?? null,
      });
      this.parked.delete(key);
    }
  }

  listings(): { code: string; quantity: number }[] {
    return [...this.skus.values()].map((s) => ({ code: skuKey(s.manageNumber, s.variantId), quantity: s.quantity }));
  }

  purgeParked(): void {
    const limit = this.now() - 24 * 3600_000;
    for (const [k, v] of this.parked) if (v.updated < limit) this.parked.delete(k);
  }

  private adjust(mn: string, vid: string, delta: number): void {
    const sku = this.skus.get(skuKey(mn, vid));
    if (!sku) return;
    sku.quantity = Math.max(0, sku.quantity + delta); // Rakuten never shows negative stock
    sku.updated = this.now();
  }

  /** A shopper's order: lowers Rakuten's own stock, as the mall does at order time. */
  createOrder(lines: { code: string; quantity: number }[]): { orderId: string; lineIds: string[] } {
    if (lines.length === 0) throw new SimError(400, "lines must not be empty");
    const t = Math.floor(this.now() / 1000) * 1000;
    const simLines: SimLine[] = lines.map((l) => {
      const { manageNumber, variantId } = splitCode(l.code);
      const sku = this.skus.get(skuKey(manageNumber, variantId));
      if (!sku) throw new SimError(400, `unknown SKU: ${l.code} (register it with /__sim/listings first)`);
      if (!Number.isInteger(l.quantity) || l.quantity < 1) throw new SimError(400, "quantity must be a positive integer");
      return { itemDetailId: ++this.seq.detail, manageNumber, variantId, merchantDefinedSkuId: sku.merchantDefinedSkuId, units: l.quantity, deleteItemFlag: 0 };
    });
    const orderNumber = `${SHOP_ID}-${ymd(t)}-${String(++this.seq.order).padStart(10, "0")}`;
    this.orders.set(orderNumber, { orderNumber, orderProgress: 100, orderDatetime: t, lines: simLines, changes: [] });
    for (const l of simLines) this.adjust(l.manageNumber, l.variantId, -l.units);
    return { orderId: orderNumber, lineIds: simLines.map((l) => String(l.itemDetailId)) };
  }

  private order(orderId: string): SimOrder {
    const o = this.orders.get(orderId);
    if (!o) throw new SimError(404, `order not found: ${orderId}`);
    if (o.orderProgress === 900) throw new SimError(409, "order is already cancelled");
    return o;
  }

  private change(o: SimOrder, c: Omit<SimChange, "changeId" | "apply">): void {
    o.changes.push({ changeId: ++this.seq.change, apply: this.now(), ...c });
  }

  /** キャンセル申請 → orderProgress 800 (キャンセル確定待ち); stock is not restored yet. */
  requestCancel(orderId: string): void {
    const o = this.order(orderId);
    o.orderProgress = 800;
    this.change(o, { changeType: 0, changeTypeDetail: null, changeReason: 1, changeReasonDetail: 1, fix: null, cmpl: null });
  }

  /** Whole order (no lineId) → 900 キャンセル確定; with lineId + quantity → units lowered (変更). */
  cancelOrder(orderId: string, opts: { lineId?: string; quantity?: number } = {}): SimOrder {
    const o = this.order(orderId);
    const t = this.now();
    if (opts.lineId === undefined) {
      for (const l of o.lines) if (!l.deleteItemFlag) this.adjust(l.manageNumber, l.variantId, l.units);
      o.orderProgress = 900;
      this.change(o, { changeType: 1, changeTypeDetail: null, changeReason: 0, changeReasonDetail: 1, fix: t, cmpl: t });
      return o;
    }
    const line = o.lines.find((l) => String(l.itemDetailId) === opts.lineId && !l.deleteItemFlag);
    if (!line) throw new SimError(404, `line not found: ${opts.lineId}`);
    const q = Math.min(opts.quantity ?? line.units, line.units);
    if (!Number.isInteger(q) || q < 1) throw new SimError(400, "quantity must be a positive integer");
    this.adjust(line.manageNumber, line.variantId, q);
    // Rakuten keeps at least one unit on a line: cancelling all of it removes the line instead.
    if (q === line.units) line.deleteItemFlag = 1;
    else line.units -= q;
    this.change(o, { changeType: 6, changeTypeDetail: 0, changeReason: 0, changeReasonDetail: 1, fix: t, cmpl: t });
    if (o.lines.every((l) => l.deleteItemFlag)) o.orderProgress = 900;
    return o;
  }

  setOrderProgress(orderId: string, progress: number): void {
    this.order(orderId).orderProgress = progress;
  }

  addFault(f: { type: FaultType; times?: number; delayMs?: number }): void {
    this.faults.push({ type: f.type, remaining: f.times ?? 1, delayMs: f.delayMs });
  }

  takeFault(): Fault | null {
    const f = this.faults[0];
    if (!f) return null;
    if (--f.remaining <= 0) this.faults.shift();
    return f;
  }

  /** Sliding one-second window per function; true when the call is over the limit. */
  overLimit(fn: string): boolean {
    const limit = this.rateLimits[fn];
    if (!limit) return false;
    const t = this.now();
    const recent = (this.hits.get(fn) ?? []).filter((x) => x > t - 1000);
    if (recent.length >= limit) {
      this.hits.set(fn, recent);
      return true;
    }
    recent.push(t);
    this.hits.set(fn, recent);
    return false;
  }

  logCall(method: string, path: string, status: number): void {
    this.callLog.push({ method, path, status });
    if (this.callLog.length > 1000) this.callLog.splice(0, this.callLog.length - 1000);
  }
}
