import type { Movement, StockRow } from "./types";

// The synchronous heart of a StockGroup: every method here runs SQL on the object's own SQLite
// without awaiting anything, so a caller that wraps it in transactionSync gets one atomic step.
// Invariant: for every product, on_hand = Σ movements.delta (sets hold no stock of their own).

/** What a sale took: [product, units per sold unit] — a set line lists its components. */
export type Effects = [productId: number, perUnit: number][];

export interface ProductRow {
  product_id: number;
  master_code: string;
  on_hand: number;
  version: number;
  is_set: number;
  removed: number;
  [k: string]: SqlStorageValue;
}

export interface LogRow {
  table: "sales_log" | "operation_log";
  row: Record<string, unknown>;
}

export class Ledger {
  // Written once per transaction by flush(), not once per line: a 50-line order for one product
  // marks it dirty once and adds one outbox row per log kind.
  private dirtyMarks = new Map<number, number>();
  private logRows: LogRow[] = [];
  // Product rows read in this transaction, kept in step by move(): a 50-line order for one
  // product reads its row once. Code that writes `products` directly calls forget().
  private rows = new Map<number, ProductRow>();
  /** A movement in this transaction left a product at or below 0 (drain at once). */
  reachedZero = false;

  constructor(readonly sql: SqlStorage) {}

  /** Starts a transaction's buffers afresh (a rolled-back transaction leaves nothing behind). */
  begin() {
    this.dirtyMarks.clear();
    this.logRows = [];
    this.rows.clear();
    this.reachedZero = false;
  }

  forget(productId: number) {
    this.rows.delete(productId);
  }

  /** Writes the buffered projection marks and log rows; called last inside the transaction. */
  flush() {
    for (const [productId, version] of this.dirtyMarks) {
      this.sql.exec(
        "INSERT INTO dirty (product_id, version) VALUES (?, ?) ON CONFLICT(product_id) DO UPDATE SET version = excluded.version",
        productId,
        version,
      );
    }
    for (const table of ["sales_log", "operation_log"] as const) {
      const rows = this.logRows.filter((l) => l.table === table).map((l) => l.row);
      if (rows.length) this.sql.exec("INSERT INTO outbox (kind, payload) VALUES (?, ?)", table, JSON.stringify(rows));
    }
    this.begin();
  }

  // ---- reading --------------------------------------------------------------------------

  product(productId: number): ProductRow | undefined {
    const cached = this.rows.get(productId);
    if (cached) return cached;
    const row = this.sql
      .exec<ProductRow>("SELECT product_id, master_code, on_hand, version, is_set, removed FROM products WHERE product_id = ?", productId)
      .toArray()[0];
    if (row) this.rows.set(productId, row);
    return row;
  }

  components(setId: number) {
    return this.sql
      .exec<{ component_id: number; quantity: number }>(
        "SELECT component_id, quantity FROM components WHERE set_id = ? ORDER BY component_id",
        setId,
      )
      .toArray();
  }

  /** A set's own figure: min over components of floor(on_hand / qty) (reserved is applied by the figure rule). */
  setOnHand(setId: number): number {
    const row = this.sql
      .exec<{ v: number | null }>(
        `SELECT MIN(CAST(floor(CAST(p.on_hand AS REAL) / c.quantity) AS INTEGER)) AS v
           FROM components c JOIN products p ON p.product_id = c.component_id WHERE c.set_id = ?`,
        setId,
      )
      .one();
    return row.v ?? 0;
  }

  stock(productIds?: number[]): StockRow[] {
    type Row = { product_id: number; master_code: string; on_hand: number; version: number; is_set: number };
    const cols = "SELECT product_id, master_code, on_hand, version, is_set FROM products WHERE removed = 0";
    let rows: Row[];
    if (!productIds) {
      rows = this.sql.exec<Row>(`${cols} ORDER BY product_id`).toArray();
    } else {
      // Only the rows asked for: reading one product must not scan a 100,000-product group.
      const ids = [...new Set(productIds)].sort((a, b) => a - b);
      rows = [];
      for (let i = 0; i < ids.length; i += 90) {
        const part = ids.slice(i, i + 90);
        rows.push(...this.sql.exec<Row>(`${cols} AND product_id IN (${part.map(() => "?").join(",")}) ORDER BY product_id`, ...part).toArray());
      }
    }
    return rows.map((r) => ({
      productId: r.product_id,
      masterCode: r.master_code,
      onHand: r.is_set ? this.setOnHand(r.product_id) : r.on_hand,
      version: r.version,
      isSet: r.is_set === 1,
    }));
  }


  movements(productId: number, beforeId: number | null, limit: number): Movement[] {
    return this.sql
      .exec<{ id: number; product_id: number; delta: number; reason: Movement["reason"]; ref: string; on_hand_after: number; at: number }>(
        `SELECT id, product_id, delta, reason, ref, on_hand_after, at FROM movements
          WHERE product_id = ? AND id < ? ORDER BY id DESC LIMIT ?`,
        productId,
        beforeId ?? Number.MAX_SAFE_INTEGER,
        limit,
      )
      .toArray()
      .map((m) => ({ id: m.id, productId: m.product_id, delta: m.delta, reason: m.reason, ref: m.ref, onHandAfter: m.on_hand_after, at: m.at }));
  }

  /** Products whose on_hand differs from the sum of their movements (must always be empty). */
  invariantViolations(): { productId: number; onHand: number; sum: number }[] {
    return this.sql
      .exec<{ product_id: number; on_hand: number; s: number }>(
        `SELECT p.product_id, p.on_hand, COALESCE((SELECT SUM(delta) FROM movements m WHERE m.product_id = p.product_id), 0) AS s
           FROM products p`,
      )
      .toArray()
      .filter((r) => r.on_hand !== r.s)
      .map((r) => ({ productId: r.product_id, onHand: r.on_hand, sum: r.s }));
  }

  // ---- writing ----------------------------------------------------------------------------

  /** The only place on_hand changes: one movement, one projection mark. */
  move(productId: number, delta: number, reason: Movement["reason"], ref: string, at: number): number {
    const row = this.sql
      .exec<{ on_hand: number; version: number }>(
        "UPDATE products SET on_hand = on_hand + ?, version = version + 1 WHERE product_id = ? RETURNING on_hand, version",
        delta,
        productId,
      )
      .one();
    this.sql.exec(
      "INSERT INTO movements (product_id, delta, reason, ref, on_hand_after, at) VALUES (?, ?, ?, ?, ?, ?)",
      productId,
      delta,
      reason,
      ref,
      row.on_hand,
      at,
    );
    this.markDirty(productId, row.version);
    if (row.on_hand <= 0) this.reachedZero = true;
    const cached = this.rows.get(productId);
    if (cached) (cached.on_hand = row.on_hand), (cached.version = row.version);
    return row.on_hand;
  }

  markDirty(productId: number, version: number) {
    this.dirtyMarks.set(productId, version);
  }

  unmarkDirty(productId: number) {
    this.dirtyMarks.delete(productId);
  }

  log(entry: LogRow) {
    this.logRows.push(entry);
  }

}
