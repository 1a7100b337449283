import { type Column, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { products } from "../schema";

// The product search (master code / name) and the 状態 filters, shared by GET /api/v1/products and
// the 商品管理 grid. A page in code or name order is read along an index and stops after one page,
// which is fast while matches are dense; a filter that matches little would walk every product of
// the account. So each filter also names an index-bound source of candidate ids (the trigram
// search index, the stock projection's on_hand index, the failing-listing index, the trigger-kept
// grid_unstocked / grid_unsynced tables); when one yields at most SPARSE_MAX ids the page is read
// from those rows alone and sorted, and the exact conditions below still decide every row.

export type ProductStatus = "low" | "negative" | "unsynced" | "error";

export interface ProductFilter {
  query?: string;
  groupId?: number;
  status?: ProductStatus;
}

/** Up to this many candidates are read and sorted; more means matches are dense enough to walk the index. */
export const SPARSE_MAX = 1000;

// The trigram index matches substrings of 3 characters or more; a shorter query cannot use it.
const TRIGRAM = 3;

/**
 * A column, or with `pinned` the same column behind SQLite's unary +, which keeps the planner from
 * reading it through an index: with a short list of candidate ids the rowid lookup must drive the
 * query (without ANALYZE statistics SQLite guesses an account holds ~10 products and would rather
 * walk them all).
 */
function column(c: Column, pinned: boolean): SQL {
  return pinned ? sql`+${c}` : sql`${c}`;
}

export const onHandOf = sql`COALESCE((SELECT s.on_hand FROM stock s WHERE s.product_id = ${products.id}), 0)`;

/** 在庫少設定数 of a product: its own, else the account's default (null: never 在庫少). */
const lowThreshold = (accountId: number) => sql`COALESCE(${products.lowStockThreshold}, (SELECT st.low_stock_default FROM settings st WHERE st.account_id = ${accountId}))`;

/** The WHERE conditions of a product search (account, group, code/name, 状態). `pinned`: see column(). */
export function productFilters(accountId: number, q: ProductFilter, pinned = false): SQL[] {
  const conds: SQL[] = [sql`${column(products.accountId, pinned)} = ${accountId}`];
  if (q.groupId !== undefined) conds.push(sql`${column(products.groupId, pinned)} = ${q.groupId}`);
  if (q.query) {
    const esc = q.query.replace(/[\\%_]/g, (m) => `\\${m}`);
    conds.push(sql`(${column(products.masterCode, pinned)} LIKE ${`${esc}%`} ESCAPE '\\' OR ${column(products.name, pinned)} LIKE ${`%${esc}%`} ESCAPE '\\')`);
  }
  if (q.status === "negative") conds.push(sql`${products.isSet} = 0 AND ${onHandOf} < 0`);
  if (q.status === "low") {
    const threshold = lowThreshold(accountId);
    conds.push(sql`${products.isSet} = 0 AND ${threshold} IS NOT NULL AND ${onHandOf} <= ${threshold}`);
  }
  if (q.status === "error") {
    conds.push(sql`EXISTS (SELECT 1 FROM listings l WHERE l.product_id = ${products.id} AND l.managed = 1 AND l.last_result IS NOT NULL AND l.last_result NOT IN ('ok', 'recheck'))`);
  }
  if (q.status === "unsynced") {
    conds.push(
      sql`EXISTS (SELECT 1 FROM listings l WHERE l.product_id = ${products.id} AND l.managed = 1
            AND (l.last_sent_at IS NULL OR l.last_sent_at < COALESCE((SELECT s.updated_at FROM stock s WHERE s.product_id = ${products.id}), 0)))`,
    );
  }
  return conds;
}

/** FTS5 query text: the whole search as one quoted phrase (a substring, with the trigram tokenizer). */
const phrase = (text: string) => `"${text.replace(/"/g, '""')}"`;

/** Index-bound queries (one column `id`) each returning every product the filter can match, and maybe more. */
export function candidateSources(accountId: number, q: ProductFilter): SQL[] {
  const out: SQL[] = [];
  // CROSS JOIN: the search index drives, whatever the planner guesses about the account's size.
  if (q.query && [...q.query].length >= TRIGRAM) {
    out.push(sql`SELECT p.id AS id FROM products_search f CROSS JOIN products p ON p.id = f.rowid WHERE products_search MATCH ${phrase(q.query)} AND p.account_id = ${accountId}`);
  }
  if (q.status === "negative") out.push(sql`SELECT s.product_id AS id FROM stock s WHERE s.account_id = ${accountId} AND s.on_hand < 0`);
  if (q.status === "low") {
    // No product is 在庫少 above the account's highest threshold (its default or any product's own).
    const top = sql`(SELECT MAX(COALESCE(d, t), COALESCE(t, d)) FROM
      (SELECT (SELECT low_stock_default FROM settings WHERE account_id = ${accountId}) AS d,
              (SELECT MAX(low_stock_threshold) FROM products WHERE account_id = ${accountId} AND low_stock_threshold IS NOT NULL) AS t))`;
    out.push(sql`SELECT s.product_id AS id FROM stock s WHERE s.account_id = ${accountId} AND s.on_hand <= ${top}
      UNION ALL SELECT u.product_id FROM grid_unstocked u WHERE u.account_id = ${accountId} AND 0 <= ${top}`);
  }
  if (q.status === "error") {
    out.push(sql`SELECT l.product_id AS id FROM listings l
      WHERE l.account_id = ${accountId} AND l.managed = 1 AND l.last_result IS NOT NULL AND l.last_result NOT IN ('ok', 'recheck')`);
  }
  if (q.status === "unsynced") out.push(sql`SELECT u.product_id AS id FROM grid_unsynced u WHERE u.account_id = ${accountId}`);
  return out;
}

/**
 * The fewest candidate ids any of the filter's sources gives, when that is at most SPARSE_MAX;
 * null when there is no selective source (no filter, a short search, dense matches).
 */
export async function sparseCandidates(db: Db, accountId: number, q: ProductFilter): Promise<number[] | null> {
  const lists = await Promise.all(
    candidateSources(accountId, q).map((src) => db.all<{ id: number }>(sql`SELECT id FROM (${src}) LIMIT ${SPARSE_MAX + 1}`)),
  );
  let best: number[] | null = null;
  for (const rows of lists) {
    if (rows.length <= SPARSE_MAX && (best === null || rows.length < best.length)) best = [...new Set(rows.map((r) => r.id))];
  }
  return best;
}

/** Restricts a query to the given ids through one bound parameter (D1 allows 100 per statement). */
export const idIn = (ids: number[]) => sql`${products.id} IN (SELECT value FROM json_each(${JSON.stringify(ids)}))`;
