// Log retention: 販売ログ, モール更新ログ, 操作ログ (and the invariant reports) older than
// RETENTION_DAYS are deleted, one account at a time, daily. Each statement deletes at most `chunk`
// rows found through the table's (account_id, at) index, so no statement comes near D1's 30 s
// limit or holds the database long; a run stops after `budget` statements and the caller enqueues
// the rest as a new task, so a first run over years of logs finishes over several invocations.

export const RETENTION_DAYS = 90;

const TABLES = [
  { table: "sales_log", at: "at" },
  { table: "mall_update_log", at: "at" },
  { table: "operation_log", at: "at" },
  { table: "invariant_reports", at: "checked_at" },
] as const;

/** Rows per DELETE and DELETE statements per run (an object so a test can lower them). */
export const PRUNE_LIMITS = { chunk: 5000, budget: 40 };

export interface PruneOptions {
  chunk?: number;
  budget?: number;
  now?: number;
}

export interface PruneResult {
  deleted: Record<string, number>;
  /** False when the budget ran out with old rows left: run again. */
  done: boolean;
}

export async function pruneAccountLogs(d1: D1Database, accountId: number, opts: PruneOptions = {}): Promise<PruneResult> {
  const chunk = opts.chunk ?? PRUNE_LIMITS.chunk;
  let budget = opts.budget ?? PRUNE_LIMITS.budget;
  const cutoff = (opts.now ?? Date.now()) - RETENTION_DAYS * 86_400_000;
  const deleted: Record<string, number> = Object.fromEntries(TABLES.map((t) => [t.table, 0]));
  let left: readonly (typeof TABLES)[number][] = TABLES;
  while (left.length > 0 && budget >= left.length) {
    budget -= left.length;
    const results = await d1.batch(
      left.map(({ table, at }) =>
        d1.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE account_id = ?1 AND ${at} < ?2 LIMIT ?3)`).bind(accountId, cutoff, chunk),
      ),
    );
    results.forEach((r, i) => (deleted[left[i].table] += r.meta.changes));
    // A table that gave less than a full chunk has nothing old left.
    left = left.filter((_, i) => results[i].meta.changes >= chunk);
  }
  // Kept deliveries and notifications: one bounded statement each per run, outside the budget
  // (a day's rows are few; what one run leaves, the next day's takes).
  const side = await d1.batch(
    SIDE_TABLES.map(({ table, at }) =>
      d1.prepare(`DELETE FROM ${table} WHERE rowid IN (SELECT rowid FROM ${table} WHERE account_id = ?1 AND ${at} < ?2 LIMIT ?3)`).bind(accountId, cutoff, chunk),
    ),
  );
  side.forEach((r, i) => (deleted[SIDE_TABLES[i].table] = r.meta.changes));
  return { deleted, done: left.length === 0 };
}

/** Webhook deliveries Kura kept (webhook_events) and notifications: the same retention. */
const SIDE_TABLES = [
  { table: "webhook_events", at: "received_at" },
  { table: "notifications", at: "created_at" },
] as const;
