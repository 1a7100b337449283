// Shapes passed to and from the StockGroup Durable Object over RPC (structured-clonable).

export interface GroupRef {
  accountId: number;
  groupId: number;
}

export interface RegisterProduct {
  productId: number;
  masterCode: string;
  isSet: boolean;
  components?: { productId: number; quantity: number }[];
  /** Opening stock for a new product (a `set` movement); ignored for one already registered. */
  onHand?: number;
}

export interface SaleLineIn {
  /** (source, order, line): the idempotency key of the line. */
  key: string;
  productId: number;
  masterCode: string;
  kind: "sale" | "cancel";
  /** For a cancel: the total units of the line cancelled so far (cumulative). */
  quantity: number;
  source: string;
  shopId: number | null;
  orderId: string;
  lineId: string;
  mallCode: string | null;
  at?: number;
}

export type LineResult = "applied" | "duplicate" | "unmatched" | "unknown_code";

export interface SaleLineOut {
  key: string;
  result: LineResult;
  onHand?: number;
  /** Taken in and parked: the product is arriving in this group (a move or a registration). */
  pending?: boolean;
  oversold?: boolean;
  /**
   * Units of the line's own product this line moved, as its shop saw them: a sale −quantity (less
   * an earlier cancel it nets with), a cancel +the units restored now. The shop's listing of that
   * product moves by the same amount on the mall (its own sales lower its own figure).
   */
  units?: number;
}

export interface StockOp {
  productId: number;
  masterCode: string;
  mode: "set" | "adjust";
  quantity: number;
  reason?: string;
  idempotencyKey?: string;
  actor: string;
  /** No 操作ログ entry of its own: the caller writes one for the whole batch (a CSV import). */
  quiet?: boolean;
}

export type StockOpResult =
  | { ok: true; onHand: number; duplicate: boolean }
  | { ok: false; code: "not_found" | "is_set"; detail: string };

export interface StockRow {
  productId: number;
  masterCode: string;
  onHand: number;
  version: number;
  isSet: boolean;
}

export interface Movement {
  id: number;
  productId: number;
  delta: number;
  reason: "sale" | "cancel" | "adjust" | "set" | "import" | "receipt" | "transfer";
  ref: string;
  onHandAfter: number;
  at: number;
}

export type StockError = { ok: false; code: string; detail: string };
