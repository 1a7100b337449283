import { and, desc, eq, gte, lt, lte, ne, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { mallUpdateLog, operationLog, salesLog } from "../schema";

export interface LogQuery {
  from?: number;
  to?: number;
  masterCode?: string;
  beforeId?: number;
  limit: number;
}

export interface SalesLogQuery extends LogQuery {
  shopId?: number;
  result?: (typeof salesLog.$inferSelect)["result"];
}

export async function listSalesLog(db: Db, accountId: number, q: SalesLogQuery) {
  const conds = [eq(salesLog.accountId, accountId)];
  if (q.shopId !== undefined) conds.push(eq(salesLog.shopId, q.shopId));
  if (q.result !== undefined) conds.push(eq(salesLog.result, q.result));
  if (q.from !== undefined) conds.push(gte(salesLog.at, q.from));
  if (q.to !== undefined) conds.push(lte(salesLog.at, q.to));
  if (q.masterCode) conds.push(eq(salesLog.masterCode, q.masterCode));
  if (q.beforeId !== undefined) conds.push(lt(salesLog.id, q.beforeId));
  return db.select().from(salesLog).where(and(...conds)).orderBy(desc(salesLog.id)).limit(q.limit).all();
}

export async function listOperationLog(db: Db, accountId: number, q: LogQuery) {
  const conds = [eq(operationLog.accountId, accountId)];
  if (q.from !== undefined) conds.push(gte(operationLog.at, q.from));
  if (q.to !== undefined) conds.push(lte(operationLog.at, q.to));
  if (q.masterCode) conds.push(eq(operationLog.target, q.masterCode));
  if (q.beforeId !== undefined) conds.push(lt(operationLog.id, q.beforeId));
  return db.select().from(operationLog).where(and(...conds)).orderBy(desc(operationLog.id)).limit(q.limit).all();
}

export interface MallUpdateQuery extends LogQuery {
  shopId?: number;
  /** "ok": only successful pushes; "error": only failed ones (result holds the error text). */
  result?: "ok" | "error";
}

/** モール更新ログ, newest first. */
export async function listMallUpdateLog(db: Db, accountId: number, q: MallUpdateQuery) {
  const conds = [eq(mallUpdateLog.accountId, accountId)];
  if (q.from !== undefined) conds.push(gte(mallUpdateLog.at, q.from));
  if (q.to !== undefined) conds.push(lte(mallUpdateLog.at, q.to));
  if (q.masterCode) conds.push(eq(mallUpdateLog.masterCode, q.masterCode));
  if (q.shopId !== undefined) conds.push(eq(mallUpdateLog.shopId, q.shopId));
  if (q.result === "ok") conds.push(eq(mallUpdateLog.result, "ok"));
  if (q.result === "error") conds.push(ne(mallUpdateLog.result, "ok"));
  if (q.beforeId !== undefined) conds.push(lt(mallUpdateLog.id, q.beforeId));
  return db.select().from(mallUpdateLog).where(and(...conds)).orderBy(desc(mallUpdateLog.id)).limit(q.limit).all();
}

export type NewOperation = Omit<typeof operationLog.$inferInsert, "id" | "accountId" | "at">;

export function operationInsert(db: Db, accountId: number, op: NewOperation, at = Date.now()) {
  return db.insert(operationLog).values({ accountId, at, ...op });
}

export type UntakenLine = Omit<typeof salesLog.$inferInsert, "id" | "accountId"> & { result: "unknown_code" | "ignored" };

/** Lines that reach no StockGroup: 未登録コード (kept for the mapping list) and ignored cancels. Once each. */
export async function recordUntakenLines(db: Db, accountId: number, lines: UntakenLine[]) {
  if (lines.length === 0) return;
  // One JSON parameter per statement keeps far below D1's bound-parameter limit.
  await db.run(sql`
    INSERT OR IGNORE INTO sales_log (account_id, at, source, shop_id, order_id, line_id, kind, mall_code, quantity, result, line_key)
    SELECT ${accountId}, json_extract(value, '$.at'), json_extract(value, '$.source'), json_extract(value, '$.shopId'),
           json_extract(value, '$.orderId'), json_extract(value, '$.lineId'), json_extract(value, '$.kind'),
           json_extract(value, '$.mallCode'), json_extract(value, '$.quantity'), json_extract(value, '$.result'), json_extract(value, '$.lineKey')
    FROM json_each(${JSON.stringify(lines)})`);
}

export interface MallUpdateRow {
  shopId: number;
  productId: number | null;
  masterCode: string | null;
  mallCode: string;
  figure: number;
  result: string; // "ok" or the error text
  errorClass: string | null;
  attempt: number;
}

/** モール更新ログ: one row per item sent. */
export async function recordMallUpdates(db: Db, accountId: number, rows: MallUpdateRow[], at = Date.now()) {
  for (let i = 0; i < rows.length; i += 500) {
    await db.run(sql`
      INSERT INTO mall_update_log (account_id, at, shop_id, product_id, master_code, mall_code, figure, result, error_class, attempt)
      SELECT ${accountId}, ${at}, json_extract(value, '$.shopId'), json_extract(value, '$.productId'), json_extract(value, '$.masterCode'),
             json_extract(value, '$.mallCode'), json_extract(value, '$.figure'), json_extract(value, '$.result'),
             json_extract(value, '$.errorClass'), json_extract(value, '$.attempt')
      FROM json_each(${JSON.stringify(rows.slice(i, i + 500))})`);
  }
}
