import type { Effects, Ledger } from "./ledger";
import type { SaleLineIn, SaleLineOut, StockOp, StockOpResult } from "./types";

// Sale and cancel lines, and set/adjust requests: each one a few synchronous statements inside
// the caller's transaction. A line's key makes it idempotent; a cancel carries the cumulative
// quantity of its line, so only the difference is restored.

interface AppliedRow {
  key: string;
  product_id: number;
  sold: number;
  cancelled: number;
  effects: string | null;
  [k: string]: SqlStorageValue;
}

export function applyLine(ledger: Ledger, line: SaleLineIn, at: number): SaleLineOut | null {
  const p = ledger.product(line.productId);
  if (!p) return null;
  if (p.removed) return { key: line.key, result: "unknown_code" };
  const before = p.is_set ? ledger.setOnHand(line.productId) : p.on_hand;
  let after = before;
  const applied = ledger.sql.exec<AppliedRow>("SELECT * FROM applied WHERE key = ?", line.key).toArray()[0];
  const ref = `${line.source}|${line.orderId}|${line.lineId}`;
  let result: SaleLineOut["result"];
  let units = 0;

  if (line.kind === "sale") {
    if (applied && applied.sold > 0) {
      result = "duplicate";
    } else {
      const effects: Effects = p.is_set
        ? ledger.components(line.productId).map((c) => [c.component_id, c.quantity])
        : [[line.productId, 1]];
      for (const [pid, perUnit] of effects) after = ledger.move(pid, -perUnit * line.quantity, "sale", ref, at);
      // A cancel that arrived before its sale is honoured now (they net out).
      const early = applied ? Math.min(applied.cancelled, line.quantity) : 0;
      if (early > 0) for (const [pid, perUnit] of effects) after = ledger.move(pid, perUnit * early, "cancel", ref, at);
      ledger.sql.exec(
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
      units = -(line.quantity - early);
    }
  } else if (!applied || applied.sold === 0) {
    // A cancel of a line never taken in: recorded, changes nothing (until the sale arrives).
    ledger.sql.exec(
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
      for (const [pid, perUnit] of JSON.parse(applied.effects ?? "[]") as Effects) after = ledger.move(pid, perUnit * diff, "cancel", ref, at);
      ledger.sql.exec("UPDATE applied SET cancelled = ? WHERE key = ?", target, line.key);
      result = "applied";
      units = diff;
    }
  }

  // A set's figure is re-derived from its components; a plain product's is what move() left.
  if (p.is_set) after = ledger.setOnHand(line.productId);
  // A shop's poll re-reads an overlap window on purpose; its duplicates are not news. A
  // duplicate from an API client (a POS sending twice) is, so it is kept in the 販売ログ.
  if (result === "duplicate" && line.shopId !== null) return { key: line.key, result, onHand: after };
  ledger.log({
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
  return { key: line.key, result, onHand: after, oversold: after < 0 && result === "applied", units };
}

export function applyOp(ledger: Ledger, op: StockOp, at: number): StockOpResult {
  const p = ledger.product(op.productId);
  if (!p || p.removed) return { ok: false, code: "not_found", detail: `${op.masterCode} is not in this group` };
  if (p.is_set) return { ok: false, code: "is_set", detail: `${op.masterCode} is a set: its stock is derived from its components` };
  const key = op.idempotencyKey ? `op|${op.idempotencyKey}` : null;
  if (key) {
    const done = ledger.sql.exec<AppliedRow>("SELECT * FROM applied WHERE key = ?", key).toArray()[0];
    if (done) return { ok: true, onHand: done.sold, duplicate: true };
  }
  const before = p.on_hand;
  const delta = op.mode === "set" ? op.quantity - before : op.quantity;
  const after = delta === 0 && op.mode === "set" ? before : ledger.move(op.productId, delta, op.mode, `${op.actor}${op.reason ? `|${op.reason}` : ""}`, at);
  if (key) {
    // `sold` holds the resulting on_hand so a repeated request answers the same figure.
    ledger.sql.exec("INSERT INTO applied (key, product_id, sold, cancelled, effects, at) VALUES (?, ?, ?, 0, NULL, ?)", key, op.productId, after, at);
  }
  if (!op.quiet) ledger.log({
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
