import { formatMallCode, parseMallCode } from "../../src/malls/aupay/codes";

// The simulated au PAY マーケット shop: items (通常在庫 or 選択肢別在庫 by 横軸/縦軸 codes), orders
// with detail lines, the shop's API key (90 days from issue) and its registered source IP, and
// the readings of the spec that public sources leave open (dateFormat, cancelStyle, authStyle).

export const SHOP_ID = "5550001";
export const API_KEY = "kura-demo-aupay-api-key-0001";
export const KEY_LIFE_MS = 90 * 86_400_000;

/** startDate/endDate format the order search accepts [verify]: YYYYMMDD or YYYY-MM-DD. */
export type DateFormat = "compact" | "dashed";
/**
 * How a whole-order cancel shows [verify]: "orderStatus" sets orderStatus キャンセル (and
 * cancelStatus 1); "cancelStatus" leaves orderStatus as it was and sets cancelStatus 1 only.
 */
export type CancelStyle = "orderStatus" | "cancelStatus";
/** How a refused key or IP answers [verify]: HTTP 200 + status 1 ("envelope"), or HTTP 401/403 ("http"). */
export type AuthStyle = "envelope" | "http";

export type FaultType = "5xx" | "429" | "timeout" | "slow" | "expired" | "auth";
export interface Fault {
  type: FaultType;
  delayMs?: number;
}

export interface Choice {
  horizontal: string | null;
  vertical: string | null;
  count: number;
}
export interface SimItem {
  itemCode: string;
  lotNumber: number;
  /** 1 通常在庫, 2 選択肢別在庫. */
  segment: 1 | 2;
  stockCount: number;
  /** Keyed "h|v". */
  choices: Map<string, Choice>;
}

export interface SimDetail {
  orderDetailId: string;
  itemCode: string;
  itemManagementId: string;
  itemOption: string;
  itemCancelStatus: "0" | "1";
  unit: number;
  /** Kura's code of the line (to put the stock back). */
  code: string;
}
export interface SimOrder {
  orderId: string;
  orderDate: number;
  orderStatus: string;
  cancelStatus: "0" | "1";
  cancelDate: number | null;
  details: SimDetail[];
}

export interface SimCall {
  method: string;
  path: string;
  status: number;
}

export interface AupaySimOptions {
  now?: () => number;
  dateFormat?: DateFormat;
  cancelStyle?: CancelStyle;
  authStyle?: AuthStyle;
}

export class SimError extends Error {
  constructor(
    readonly status: 400 | 404 | 409,
    message: string,
  ) {
    super(message);
  }
}

const choiceKey = (h: string | null, v: string | null) => `${h ?? ""}|${v ?? ""}`;

export class AupaySimState {
  readonly now: () => number;
  readonly shopId = SHOP_ID;
  dateFormat: DateFormat;
  cancelStyle: CancelStyle;
  authStyle: AuthStyle;
  items = new Map<string, SimItem>();
  orders = new Map<string, SimOrder>();
  key = { apiKey: API_KEY, issuedAt: 0 };
  ipRegistered = true;
  faults: Fault[] = [];
  calls: SimCall[] = [];
  private seq = 0;
  private lot = 0;
  private readonly defaults: Required<Omit<AupaySimOptions, "now">>;

  constructor(opts: AupaySimOptions = {}) {
    this.now = opts.now ?? (() => Date.now());
    this.defaults = { dateFormat: opts.dateFormat ?? "compact", cancelStyle: opts.cancelStyle ?? "orderStatus", authStyle: opts.authStyle ?? "envelope" };
    this.dateFormat = this.defaults.dateFormat;
    this.cancelStyle = this.defaults.cancelStyle;
    this.authStyle = this.defaults.authStyle;
    this.reset();
  }

  reset(): void {
    this.items.clear();
    this.orders.clear();
    this.key = { apiKey: API_KEY, issuedAt: this.now() };
    this.ipRegistered = true;
    this.faults = [];
    this.calls = [];
    this.seq = 0;
    this.lot = 0;
    Object.assign(this, this.defaults);
  }

  keyExpired(): boolean {
    return this.now() - this.key.issuedAt >= KEY_LIFE_MS;
  }

  /** Listings by Kura's code: `itemCode` (通常在庫) or `itemCode:h:v` (one choice, 選択肢別在庫). */
  setListings(list: { code: string; quantity: number }[]): void {
    for (const { code, quantity } of list) {
      const p = parseMallCode(code);
      if (!p) throw new SimError(400, `not an au PAY code: ${code}`);
      const choice = p.horizontal !== null || p.vertical !== null;
      let item = this.items.get(p.itemCode);
      if (!item || item.segment !== (choice ? 2 : 1)) {
        item = { itemCode: p.itemCode, lotNumber: 100000 + ++this.lot, segment: choice ? 2 : 1, stockCount: 0, choices: new Map() };
        this.items.set(p.itemCode, item);
      }
      if (choice) item.choices.set(choiceKey(p.horizontal, p.vertical), { horizontal: p.horizontal, vertical: p.vertical, count: quantity });
      else item.stockCount = quantity;
    }
  }

  listings(): { code: string; quantity: number }[] {
    const out: { code: string; quantity: number }[] = [];
    for (const item of this.items.values()) {
      if (item.segment === 1) out.push({ code: item.itemCode, quantity: item.stockCount });
      else for (const c of item.choices.values()) out.push({ code: formatMallCode(item.itemCode, c.horizontal, c.vertical), quantity: c.count });
    }
    return out;
  }

  choice(item: SimItem, h: string | null, v: string | null): Choice | undefined {
    return item.choices.get(choiceKey(h, v));
  }

  /** Moves the shown figure of one code by `delta` (never below 0); unknown codes change nothing. */
  private move(code: string, delta: number): void {
    const p = parseMallCode(code);
    const item = p && this.items.get(p.itemCode);
    if (!p || !item) return;
    if (item.segment === 1 && p.horizontal === null && p.vertical === null) item.stockCount = Math.max(0, item.stockCount + delta);
    const c = item.segment === 2 ? this.choice(item, p.horizontal, p.vertical) : undefined;
    if (c) c.count = Math.max(0, c.count + delta);
  }

  /** A customer's order (新規受付): the shop's own figures drop at once. */
  createOrder(lines: { code: string; quantity: number }[]): { orderId: string; lineIds: string[] } {
    const orderId = String(20_000_000 + ++this.seq);
    const details = lines.map((l, i): SimDetail => {
      const p = parseMallCode(l.code);
      if (!p) throw new SimError(400, `not an au PAY code: ${l.code}`);
      this.move(l.code, -l.quantity);
      return {
        orderDetailId: `${orderId}${String(i + 1).padStart(3, "0")}`,
        itemCode: p.itemCode,
        // [verify] the choice's 管理用ID carries 横軸code + 縦軸code (itemCode + itemManagementId = child SKU).
        itemManagementId: (p.horizontal ?? "") + (p.vertical ?? ""),
        itemOption: [p.horizontal && `カラー=${p.horizontal}`, p.vertical && `サイズ=${p.vertical}`].filter(Boolean).join(" "),
        itemCancelStatus: "0",
        unit: l.quantity,
        code: l.code,
      };
    });
    this.orders.set(orderId, { orderId, orderDate: this.now(), orderStatus: "新規受付", cancelStatus: "0", cancelDate: null, details });
    return { orderId, lineIds: details.map((d) => d.orderDetailId) };
  }

  private order(orderId: string): SimOrder {
    const o = this.orders.get(orderId);
    if (!o) throw new SimError(404, `no order ${orderId}`);
    return o;
  }

  /** The buyer asked to cancel; the shop has not accepted it yet (nothing goes back to stock). */
  requestCancel(orderId: string): SimOrder {
    const o = this.order(orderId);
    o.orderStatus = "キャンセル受付中";
    return o;
  }

  /** The whole order (per cancelStyle) or one line (itemCancelStatus 1) is cancelled; its units go back. */
  cancelOrder(orderId: string, opts: { lineId?: string } = {}): SimOrder {
    const o = this.order(orderId);
    if (o.cancelStatus === "1") throw new SimError(409, `order ${orderId} is already cancelled`);
    const now = this.now();
    if (opts.lineId) {
      const d = o.details.find((x) => x.orderDetailId === opts.lineId);
      if (!d) throw new SimError(404, `no line ${opts.lineId} in ${orderId}`);
      if (d.itemCancelStatus === "1") throw new SimError(409, `line ${opts.lineId} is already cancelled`);
      d.itemCancelStatus = "1";
      this.move(d.code, d.unit);
      return o;
    }
    for (const d of o.details) if (d.itemCancelStatus === "0") this.move(d.code, d.unit);
    if (this.cancelStyle === "orderStatus") o.orderStatus = "キャンセル";
    o.cancelStatus = "1";
    o.cancelDate = now;
    return o;
  }

  addFault(f: Fault & { times?: number }): void {
    for (let i = 0; i < (f.times ?? 1); i++) this.faults.push({ type: f.type, delayMs: f.delayMs });
  }

  takeFault(): Fault | undefined {
    return this.faults.shift();
  }
}
