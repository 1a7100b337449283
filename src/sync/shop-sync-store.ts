import { type BucketPlan, type BucketState, refill, reserve } from "../malls/token-bucket";

// The ShopSync object's own SQLite: the shop's dirty set, its rate budget and its lag samples.
// Everything here is synchronous (ctx.storage.sql), so a caller never awaits between a read and
// the write that depends on it.

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  // product → when it is due (a sold-out figure: now), since when it has been waiting (for the
  // lag figure), a change counter (an entry changed while its push was in flight stays) and
  // whether it is only part of a whole-catalogue check (bulk: a new shop, new credentials), which
  // must never hold a real change back.
  `CREATE TABLE IF NOT EXISTS dirty (product_id INTEGER PRIMARY KEY, due_at INTEGER NOT NULL, since INTEGER NOT NULL,
     seq INTEGER NOT NULL DEFAULT 0, tries INTEGER NOT NULL DEFAULT 0, bulk INTEGER NOT NULL DEFAULT 0)`,
  `CREATE INDEX IF NOT EXISTS dirty_due ON dirty (due_at)`,
  // One token bucket per lane: "main", and "orders" where the mall budgets its order API apart.
  `CREATE TABLE IF NOT EXISTS buckets (lane TEXT PRIMARY KEY, tokens REAL NOT NULL, at INTEGER NOT NULL)`,
  // change taken in → mall accepted, in ms, for the last 24 hours (the home page's chart).
  `CREATE TABLE IF NOT EXISTS lag (at INTEGER NOT NULL, ms INTEGER NOT NULL)`,
  `CREATE INDEX IF NOT EXISTS lag_at ON lag (at)`,
];

const HOUR_MS = 3_600_000;
/** The p50/p95 a shop shows are of the last hour. */
const LAG_WINDOW_MS = HOUR_MS;
/** Samples are kept a day, for the hourly chart. */
const LAG_KEEP_MS = 24 * HOUR_MS;

/** One hour of lag samples: the hour's start (epoch ms, whole hours), the count and the quantiles. */
export interface LagHour {
  hour: number;
  samples: number;
  p50: number;
  p95: number;
}

function quantile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export interface DirtyRow {
  product_id: number;
  due_at: number;
  since: number;
  seq: number;
  tries: number;
  bulk: number;
  [k: string]: SqlStorageValue;
}

export class ShopSyncStore {
  constructor(readonly sql: SqlStorage) {
    for (const s of SCHEMA) sql.exec(s);
    // Objects created before the bulk column.
    if (!sql.exec<{ name: string }>("PRAGMA table_info(dirty)").toArray().some((c) => c.name === "bulk")) {
      sql.exec("ALTER TABLE dirty ADD COLUMN bulk INTEGER NOT NULL DEFAULT 0");
    }
  }

  get(key: string): string | null {
    return this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = ?", key).toArray()[0]?.value ?? null;
  }

  set(key: string, value: string | null) {
    if (value === null) this.sql.exec("DELETE FROM meta WHERE key = ?", key);
    else this.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", key, value);
  }

  /** Everything this object kept (its shop was deleted): the dirty set, budget, lag and state. */
  clear() {
    for (const t of ["dirty", "buckets", "lag", "meta"]) this.sql.exec(`DELETE FROM ${t}`);
  }

  // ---- the dirty set ------------------------------------------------------------------------

  /**
   * Marks products due at `dueAt` (an earlier deadline wins); `since` is kept from the first mark.
   * `bulk` marks (a whole-catalogue check) go after every real change; a change makes an entry real.
   */
  mark(productIds: number[], dueAt: number, now: number, bulk = false) {
    for (const id of productIds) {
      this.sql.exec(
        `INSERT INTO dirty (product_id, due_at, since, seq, bulk) VALUES (?, ?, ?, 0, ?)
         ON CONFLICT(product_id) DO UPDATE SET due_at = MIN(due_at, excluded.due_at), seq = seq + 1, tries = 0, bulk = MIN(bulk, excluded.bulk)`,
        id,
        dueAt,
        now,
        bulk ? 1 : 0,
      );
    }
  }

  /** Entries due now: real changes (`bulk` false) or the whole-catalogue ones. */
  due(now: number, limit: number, bulk: boolean): DirtyRow[] {
    return this.sql.exec<DirtyRow>("SELECT * FROM dirty WHERE bulk = ? AND due_at <= ? ORDER BY due_at, product_id LIMIT ?", bulk ? 1 : 0, now, limit).toArray();
  }

  /** The current entries of these products (one statement each: DO SQLite binds at most 100 values). */
  entries(productIds: number[]): Pick<DirtyRow, "product_id" | "seq">[] {
    return productIds.flatMap((id) => this.sql.exec<DirtyRow>("SELECT product_id, seq FROM dirty WHERE product_id = ?", id).toArray());
  }

  /** Every entry of the dirty set (a push of the whole catalogue settles against it). */
  all(): Pick<DirtyRow, "product_id" | "seq">[] {
    return this.sql.exec<DirtyRow>("SELECT product_id, seq FROM dirty").toArray();
  }

  /** Removes entries that were sent, unless they changed again meanwhile. */
  done(rows: Pick<DirtyRow, "product_id" | "seq">[]) {
    for (const r of rows) this.sql.exec("DELETE FROM dirty WHERE product_id = ? AND seq = ?", r.product_id, r.seq);
  }

  /** Puts entries off until `dueAt` (an item error, a mall asking to wait), counting the tries. */
  later(productIds: number[], dueAt: number) {
    for (const id of productIds) this.sql.exec("UPDATE dirty SET due_at = MAX(due_at, ?), tries = tries + 1 WHERE product_id = ?", dueAt, id);
  }

  /** An item the mall refused: tried again after `base`, doubling with each try, at most `cap`. */
  retry(productIds: number[], now: number, base: number, cap: number) {
    for (const id of productIds) {
      this.sql.exec("UPDATE dirty SET due_at = MAX(due_at, ? + MIN(? * (1 << MIN(tries, 16)), ?)), tries = tries + 1 WHERE product_id = ?", now, base, cap, id);
    }
  }

  nextDue(): number | null {
    return this.sql.exec<{ t: number | null }>("SELECT MIN(due_at) AS t FROM dirty").toArray()[0]?.t ?? null;
  }

  count(): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM dirty").toArray()[0].n;
  }

  pending(limit: number): number[] {
    return this.sql.exec<{ product_id: number }>("SELECT product_id FROM dirty ORDER BY product_id LIMIT ?", limit).toArray().map((r) => r.product_id);
  }

  // ---- the rate budget ------------------------------------------------------------------------

  private bucket(lane: string): BucketState | undefined {
    const row = this.sql.exec<{ tokens: number; at: number }>("SELECT tokens, at FROM buckets WHERE lane = ?", lane).toArray()[0];
    return row ? { tokens: row.tokens, at: row.at } : undefined;
  }

  /**
   * Reserves the next request slot: how long to wait before sending (the state is saved at once).
   * A slot further away than `maxWait` is not reserved (null): the caller gives up for now.
   */
  reserve(lane: string, plan: BucketPlan, now: number, maxWait: number): number | null {
    const { state, wait } = reserve(this.bucket(lane), plan, now);
    if (wait > maxWait) return null;
    this.sql.exec("INSERT INTO buckets (lane, tokens, at) VALUES (?, ?, ?) ON CONFLICT(lane) DO UPDATE SET tokens = excluded.tokens, at = excluded.at", lane, state.tokens, state.at);
    return wait;
  }

  /** A reserved slot was used `ms` late: the bucket starts refilling from the real send. */
  postpone(lane: string, ms: number) {
    this.sql.exec("UPDATE buckets SET at = at + ? WHERE lane = ?", ms, lane);
  }

  /** Whole tokens available now (for status). */
  tokens(lane: string, plan: BucketPlan, now: number): number {
    return refill(this.bucket(lane), plan, now).tokens;
  }

  // ---- lag ------------------------------------------------------------------------------------

  recordLag(samples: number[], now: number) {
    for (const ms of samples) this.sql.exec("INSERT INTO lag (at, ms) VALUES (?, ?)", now, Math.max(0, Math.round(ms)));
    this.sql.exec("DELETE FROM lag WHERE at < ?", now - LAG_KEEP_MS);
  }

  /** The last 24 hours, hour by hour (only hours with samples), oldest first. */
  lagByHour(now: number): LagHour[] {
    const since = Math.floor(now / HOUR_MS) * HOUR_MS - 23 * HOUR_MS;
    const rows = this.sql.exec<{ h: number; ms: number }>(`SELECT CAST(at / ${HOUR_MS} AS INTEGER) AS h, ms FROM lag WHERE at >= ? ORDER BY h, ms`, since).toArray();
    const out: LagHour[] = [];
    for (let i = 0; i < rows.length; ) {
      let j = i;
      while (j < rows.length && rows[j].h === rows[i].h) j++;
      const ms = rows.slice(i, j).map((r) => r.ms);
      out.push({ hour: rows[i].h * HOUR_MS, samples: ms.length, p50: quantile(ms, 0.5), p95: quantile(ms, 0.95) });
      i = j;
    }
    return out;
  }

  lag(now: number): { samples: number; p50: number | null; p95: number | null } {
    const rows = this.sql.exec<{ ms: number }>("SELECT ms FROM lag WHERE at >= ? ORDER BY ms", now - LAG_WINDOW_MS).toArray().map((r) => r.ms);
    const q = (p: number) => (rows.length ? quantile(rows, p) : null);
    return { samples: rows.length, p50: q(0.5), p95: q(0.95) };
  }
}
