import { and, desc, eq, inArray, isNull, lt } from "drizzle-orm";
import type { Db } from "../../env";
import { salesLog } from "../schema";

// 未登録コード: sale lines whose code matched no product, kept in the 販売ログ until applied.

export type UnmatchedLine = typeof salesLog.$inferSelect;

const open = (accountId: number) => and(eq(salesLog.accountId, accountId), eq(salesLog.result, "unknown_code"), isNull(salesLog.resolvedAt));

export async function listUnmatched(db: Db, accountId: number, opts: { beforeId?: number; limit: number }): Promise<UnmatchedLine[]> {
  return db
    .select()
    .from(salesLog)
    .where(and(open(accountId), opts.beforeId !== undefined ? lt(salesLog.id, opts.beforeId) : undefined))
    .orderBy(desc(salesLog.id))
    .limit(opts.limit)
    .all();
}

export async function getUnmatched(db: Db, accountId: number, id: number): Promise<UnmatchedLine | undefined> {
  return db.select().from(salesLog).where(and(open(accountId), eq(salesLog.id, id))).get();
}

/** Lines now taken in: no longer 未登録コード. */
export async function resolveUnmatched(db: Db, accountId: number, ids: number[], at: number) {
  for (let i = 0; i < ids.length; i += 90) {
    await db.update(salesLog).set({ resolvedAt: at }).where(and(open(accountId), inArray(salesLog.id, ids.slice(i, i + 90)))).run();
  }
}
