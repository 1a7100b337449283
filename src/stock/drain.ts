import type { GroupRef } from "./types";

// Outbox → D1. Projection first, enqueue second, delete last: a push always reads a projection
// at least as new as its cause, and a failed drain leaves every row in place for the next try.
// A drain that dies after the D1 batch (before the delete) sends the same rows again: each log row
// carries a key unique to its ledger entry (object id, outbox row, position), and D1 keeps the
// first copy only (ON CONFLICT DO NOTHING), so a 販売ログ or 操作ログ row is never doubled.
// Rows travel as one JSON parameter per statement (json_each), which keeps every statement far
// below D1's 100-bound-parameter limit however many rows it carries.

const ROWS_PER_STATEMENT = 200;
const ROWS_PER_DRAIN = 2000;

export interface DrainSource {
  sql: SqlStorage;
  db: D1Database;
  queue: Queue;
  group: GroupRef;
  /** The StockGroup's own id: with the outbox row id it names each log entry uniquely. */
  objectId: string;
  now: number;
  /**
   * The fast path: tells the shops' serialisers at once which products changed (sold-out ones
   * due now). Best effort: when it fails or is slow, the stock-changed message does it.
   */
  changed?: (productIds: number[], soldOut: number[]) => Promise<void>;
}

/** How long the drain waits for the fast path before leaving the marking to the queue. */
const FAST_PATH_TIMEOUT_MS = 5000;

async function markFast(src: DrainSource, ids: number[], soldOut: number[]): Promise<boolean> {
  if (!src.changed) return false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${FAST_PATH_TIMEOUT_MS} ms`)), FAST_PATH_TIMEOUT_MS);
    });
    await Promise.race([src.changed(ids, soldOut), timeout]);
    return true;
  } catch (err) {
    console.warn(JSON.stringify({ msg: "stock change left to the queue", accountId: src.group.accountId, groupId: src.group.groupId, error: err instanceof Error ? err.message : String(err) }));
    return false;
  } finally {
    clearTimeout(timer);
  }
}

function chunks<T>(rows: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
  return out;
}

const PROJECT = `
  INSERT INTO stock (product_id, account_id, on_hand, version, updated_at)
  SELECT json_extract(value, '$.p'), ?2, json_extract(value, '$.o'), json_extract(value, '$.v'), ?3 FROM json_each(?1) WHERE true
  ON CONFLICT(product_id) DO UPDATE SET on_hand = excluded.on_hand, version = excluded.version, updated_at = excluded.updated_at
  WHERE excluded.version > stock.version`;

const SALES_LOG = `
  INSERT INTO sales_log (account_id, at, source, shop_id, order_id, line_id, kind, mall_code, master_code, product_id,
                         quantity, on_hand_before, on_hand_after, result, line_key, entry_key)
  SELECT ?2, json_extract(value, '$.at'), json_extract(value, '$.source'), json_extract(value, '$.shopId'),
         json_extract(value, '$.orderId'), json_extract(value, '$.lineId'), json_extract(value, '$.kind'),
         json_extract(value, '$.mallCode'), json_extract(value, '$.masterCode'), json_extract(value, '$.productId'),
         json_extract(value, '$.quantity'), json_extract(value, '$.onHandBefore'), json_extract(value, '$.onHandAfter'),
         json_extract(value, '$.result'), json_extract(value, '$.lineKey'), json_extract(value, '$.entryKey')
  FROM json_each(?1) WHERE true
  ON CONFLICT DO NOTHING`;

const OPERATION_LOG = `
  INSERT INTO operation_log (account_id, at, actor, action, target, before, after, entry_key)
  SELECT ?2, json_extract(value, '$.at'), json_extract(value, '$.actor'), json_extract(value, '$.action'),
         json_extract(value, '$.target'), json_extract(value, '$.before'), json_extract(value, '$.after'),
         json_extract(value, '$.entryKey')
  FROM json_each(?1) WHERE true
  ON CONFLICT DO NOTHING`;

/** Drains one slice of the outbox. Returns true when more is left. Throws when D1 or the queue fails. */
export async function drainOnce(src: DrainSource): Promise<boolean> {
  const { sql, db, group } = src;
  const dirty = sql
    .exec<{ product_id: number; version: number; on_hand: number | null; is_set: number | null }>(
      `SELECT d.product_id, d.version, p.on_hand, p.is_set FROM dirty d LEFT JOIN products p ON p.product_id = d.product_id
        ORDER BY d.product_id LIMIT ?`,
      ROWS_PER_DRAIN,
    )
    .toArray();
  const logs = sql
    .exec<{ id: number; kind: string; payload: string }>("SELECT id, kind, payload FROM outbox ORDER BY id LIMIT ?", ROWS_PER_DRAIN)
    .toArray();
  if (dirty.length === 0 && logs.length === 0) return false;

  const projected = dirty
    .filter((d) => d.on_hand !== null)
    // Sets hold no stock of their own; their figure is derived from the components' rows.
    .map((d) => ({ p: d.product_id, o: d.is_set ? 0 : (d.on_hand as number), v: d.version }));
  const statements: D1PreparedStatement[] = [];
  for (const part of chunks(projected, ROWS_PER_STATEMENT)) {
    statements.push(db.prepare(PROJECT).bind(JSON.stringify(part), group.accountId, src.now));
  }
  // Each outbox row holds the log rows of one transaction.
  const byKind = (k: string) =>
    logs
      .filter((l) => l.kind === k)
      .flatMap((l) => (JSON.parse(l.payload) as Record<string, unknown>[]).map((row, i) => ({ ...row, entryKey: `${src.objectId}:${l.id}:${i}` })));
  for (const part of chunks(byKind("sales_log"), ROWS_PER_STATEMENT)) {
    statements.push(db.prepare(SALES_LOG).bind(JSON.stringify(part), group.accountId));
  }
  for (const part of chunks(byKind("operation_log"), ROWS_PER_STATEMENT)) {
    statements.push(db.prepare(OPERATION_LOG).bind(JSON.stringify(part), group.accountId));
  }
  if (statements.length) await db.batch(statements);

  if (projected.length) {
    // A set's own row is always 0; it sells out through its components, which are listed here.
    const setIds = new Set(dirty.filter((d) => d.is_set).map((d) => d.product_id));
    const soldOut = projected.filter((p) => p.o <= 0 && !setIds.has(p.p)).map((p) => p.p);
    for (const ids of chunks(projected.map((p) => p.p), 1000)) {
      const out = soldOut.filter((id) => ids.includes(id));
      // Straight to the shops first: through the queue alone a change waited for the consumer's
      // batch (a second at least, up to 7.6 s behind a batch still running in bench:propagation).
      // The message follows either way: it raises the stock alerts, and marks the products itself
      // when the fast path did not (the drain is retried if the send fails, so nothing is lost).
      const marked = await markFast(src, ids, out);
      await src.queue.send({ kind: "stock-changed", accountId: group.accountId, groupId: group.groupId, productIds: ids, soldOut: out, marked });
    }
  }

  // Remove exactly what was drained: a product changed again meanwhile keeps its newer mark.
  for (const d of dirty) sql.exec("DELETE FROM dirty WHERE product_id = ? AND version = ?", d.product_id, d.version);
  if (logs.length) sql.exec("DELETE FROM outbox WHERE id <= ?", logs[logs.length - 1].id);
  return dirty.length === ROWS_PER_DRAIN || logs.length === ROWS_PER_DRAIN;
}
