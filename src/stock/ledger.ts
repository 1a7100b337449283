import type { Movement, RegisterProduct, SaleLineIn, SaleLineOut, StockError, StockOp, StockOpResult, StockRow } from "./types";

// The synchronous heart of a StockGroup: every method here runs SQL on the object's own SQLite
// without awaiting anything, so a caller that wraps it in transactionSync gets one atomic step.
// Invariant: for every product, on_hand = Σ movements.delta (sets hold no stock of their own).

type Effects = [productId: number, perUnit: number][];

interface AppliedRow {
  key: string;
  product_id: number;
  sold: number;
  cancelled: number;
  effects: string | null;
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

  constructor(private readonly sql: SqlStorage) {}

  /** Starts a transaction's buffers afresh (a rolled-back transaction leaves nothing behind). */
  begin() {
    this.dirtyMarks.clear();
    this.logRows = [];
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

  product(productId: number) {
    return this.sql
      .exec<{ product_id: number; master_code: string; on_hand: number; version: number; is_set: number; removed: number }>(
        "SELECT product_id, master_code, on_hand, version, is_set, removed FROM products WHERE product_id = ?",
        productId,
      )
      .toArray()[0];
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
    const rows = this.sql
      .exec<{ product_id: number; master_code: string; on_hand: number; version: number; is_set: number }>(
        "SELECT product_id, master_code, on_hand, version, is_set FROM products WHERE removed = 0 ORDER BY product_id",
      )
      .toArray();
    const wanted = productIds ? new Set(productIds) : null;
    return rows
      .filter((r) => !wanted || wanted.has(r.product_id))
      .map((r) => ({
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
    return row.on_hand;
  }

  markDirty(productId: number, version: number) {
    this.dirtyMarks.set(productId, version);
  }

  log(entry: LogRow) {
    this.logRows.push(entry);
  }

  register(items: RegisterProduct[], actor: string, at: number): StockError | { ok: true } {
    for (const item of items) {
      const existing = this.product(item.productId);
      if (existing && !existing.removed) {
        this.sql.exec("UPDATE products SET master_code = ? WHERE product_id = ?", item.masterCode, item.productId);
        if (existing.is_set !== (item.isSet ? 1 : 0)) {
          return { ok: false, code: "set_flag_fixed", detail: `${item.masterCode}: a product cannot become a set or stop being one` };
        }
      } else {
        this.sql.exec(
          `INSERT INTO products (product_id, master_code, on_hand, version, is_set, removed) VALUES (?, ?, 0, 0, ?, 0)
           ON CONFLICT(product_id) DO UPDATE SET master_code = excluded.master_code, removed = 0, is_set = excluded.is_set`,
          item.productId,
          item.masterCode,
          item.isSet ? 1 : 0,
        );
        this.sql.exec("DELETE FROM moved_out WHERE product_id = ?", item.productId);
        if (!item.isSet && item.onHand) this.move(item.productId, item.onHand, "set", `create:${actor}`, at);
        else this.markDirty(item.productId, this.product(item.productId)!.version);
      }
      if (item.isSet) {
        const bad = this.checkComponents(item);
        if (bad) return bad;
        this.sql.exec("DELETE FROM components WHERE set_id = ?", item.productId);
        for (const c of item.components ?? []) {
          this.sql.exec("INSERT INTO components (set_id, component_id, quantity) VALUES (?, ?, ?)", item.productId, c.productId, c.quantity);
        }
        this.markDirty(item.productId, this.bumpVersion(item.productId));
      }
    }
    return { ok: true };
  }

  private bumpVersion(productId: number): number {
    return this.sql
      .exec<{ version: number }>("UPDATE products SET version = version + 1 WHERE product_id = ? RETURNING version", productId)
      .one().version;
  }

  private checkComponents(item: RegisterProduct): StockError | null {
    const comps = item.components ?? [];
    if (comps.length === 0) return { ok: false, code: "set_without_components", detail: `${item.masterCode}: a set needs at least one component` };
    for (const c of comps) {
      if (c.productId === item.productId) return { ok: false, code: "set_contains_itself", detail: `${item.masterCode}: a set cannot contain itself` };
      const p = this.product(c.productId);
      if (!p || p.removed) {
        return { ok: false, code: "component_not_in_group", detail: `${item.masterCode}: every component must be in the same product group as the set` };
      }
      if (p.is_set) return { ok: false, code: "component_is_set", detail: `${item.masterCode}: a set cannot contain another set (${p.master_code})` };
    }
    return null;
  }

  remove(productId: number): StockError | { ok: true } {
    const p = this.product(productId);
    if (!p || p.removed) return { ok: true };
    const usedIn = this.sql
      .exec<{ master_code: string }>(
        `SELECT s.master_code FROM components c JOIN products s ON s.product_id = c.set_id
          WHERE c.component_id = ? AND s.removed = 0 LIMIT 1`,
        productId,
      )
      .toArray()[0];
    if (usedIn) return { ok: false, code: "component_in_use", detail: `${p.master_code} is a component of the set ${usedIn.master_code}` };
    this.sql.exec("UPDATE products SET removed = 1 WHERE product_id = ?", productId);
    this.sql.exec("DELETE FROM components WHERE set_id = ?", productId);
    this.sql.exec("DELETE FROM dirty WHERE product_id = ?", productId);
    this.dirtyMarks.delete(productId);
    return { ok: true };
  }

  /** A sale or cancel line. Returns null when the product is not (or no longer) here. */
  applyLine(line: SaleLineIn, at: number): SaleLineOut | null {
    const p = this.product(line.productId);
    if (!p) return null;
    if (p.removed) return { key: line.key, result: "unknown_code" };
    const before = p.is_set ? this.setOnHand(line.productId) : p.on_hand;
    let after = before;
    const applied = this.sql.exec<AppliedRow>("SELECT * FROM applied WHERE key = ?", line.key).toArray()[0];
    const ref = `${line.source}|${line.orderId}|${line.lineId}`;
    let result: SaleLineOut["result"];

    if (line.kind === "sale") {
      if (applied && applied.sold > 0) {
        result = "duplicate";
      } else {
        const effects: Effects = p.is_set
          ? this.components(line.productId).map((c) => [c.component_id, c.quantity])
          : [[line.productId, 1]];
        for (const [pid, perUnit] of effects) after = this.move(pid, -perUnit * line.quantity, "sale", ref, at);
        // A cancel that arrived before its sale is honoured now (they net out).
        const early = applied ? Math.min(applied.cancelled, line.quantity) : 0;
        if (early > 0) for (const [pid, perUnit] of effects) after = this.move(pid, perUnit * early, "cancel", ref, at);
        this.sql.exec(
          `INSERT INTO applied (key, product_id, sold, cancelled, effects, at) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT(key) DO UPDATE SET sold = excluded.sold, cancelled = excluded.cancelled, effects = excluded.effects`,
          line.key,
          line.productId,
          line.quantity,
          early,
          JSON.stringify(effects),
          at,
        );
        result = "applied";
      }
    } else if (!applied || applied.sold === 0) {
      // A cancel of a line never taken in: recorded, changes nothing (until the sale arrives).
      this.sql.exec(
        `INSERT INTO applied (key, product_id, sold, cancelled, effects, at) VALUES (?, ?, 0, ?, NULL, ?)
         ON CONFLICT(key) DO UPDATE SET cancelled = MAX(cancelled, excluded.cancelled)`,
        line.key,
        line.productId,
        line.quantity,
        at,
      );
      result = "unmatched";
    } else {
      const target = Math.min(line.quantity, applied.sold);
      const diff = target - applied.cancelled;
      if (diff <= 0) {
        result = "duplicate";
      } else {
        for (const [pid, perUnit] of JSON.parse(applied.effects ?? "[]") as Effects) after = this.move(pid, perUnit * diff, "cancel", ref, at);
        this.sql.exec("UPDATE applied SET cancelled = ? WHERE key = ?", target, line.key);
        result = "applied";
      }
    }

    // A set's figure is re-derived from its components; a plain product's is what move() left.
    if (p.is_set) after = this.setOnHand(line.productId);
    // A shop's poll re-reads an overlap window on purpose; its duplicates are not news. A
    // duplicate from an API client (a POS sending twice) is, so it is kept in the 販売ログ.
    if (result === "duplicate" && line.shopId !== null) return { key: line.key, result, onHand: after };
    this.log({
      table: "sales_log",
      row: {
        at,
        source: line.source,
        shopId: line.shopId,
        orderId: line.orderId,
        lineId: line.lineId,
        kind: line.kind,
        mallCode: line.mallCode,
        masterCode: p.master_code,
        productId: line.productId,
        quantity: line.quantity,
        onHandBefore: before,
        onHandAfter: after,
        result,
        lineKey: `${line.key}|${line.kind}`,
      },
    });
    return { key: line.key, result, onHand: after, oversold: after < 0 && result === "applied" };
  }

  applyOp(op: StockOp, at: number): StockOpResult {
    const p = this.product(op.productId);
    if (!p || p.removed) return { ok: false, code: "not_found", detail: `${op.masterCode} is not in this group` };
    if (p.is_set) return { ok: false, code: "is_set", detail: `${op.masterCode} is a set: its stock is derived from its components` };
    const key = op.idempotencyKey ? `op|${op.idempotencyKey}` : null;
    if (key) {
      const done = this.sql.exec<AppliedRow>("SELECT * FROM applied WHERE key = ?", key).toArray()[0];
      if (done) return { ok: true, onHand: done.sold, duplicate: true };
    }
    const before = p.on_hand;
    const delta = op.mode === "set" ? op.quantity - before : op.quantity;
    const after = delta === 0 && op.mode === "set" ? before : this.move(op.productId, delta, op.mode, `${op.actor}${op.reason ? `|${op.reason}` : ""}`, at);
    if (key) {
      // `sold` holds the resulting on_hand so a repeated request answers the same figure.
      this.sql.exec("INSERT INTO applied (key, product_id, sold, cancelled, effects, at) VALUES (?, ?, ?, 0, NULL, ?)", key, op.productId, after, at);
    }
    this.log({
      table: "operation_log",
      row: {
        at,
        actor: op.actor,
        action: op.mode === "set" ? "stock.set" : "stock.adjust",
        target: op.masterCode,
        before: { onHand: before },
        after: { onHand: after, ...(op.mode === "adjust" ? { delta } : {}), ...(op.reason ? { reason: op.reason } : {}) },
      },
    });
    return { ok: true, onHand: after, duplicate: false };
  }
}
