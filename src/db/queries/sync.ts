import { and, desc, eq, isNotNull, isNull, lt, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { groups, invariantReports, syncFailures } from "../schema";

export type SyncFailure = typeof syncFailures.$inferSelect;

export interface DeadLetter {
  accountId: number | null;
  shopId: number | null;
  queue: string;
  messageId: string;
  kind: string;
  body: unknown;
  attempts: number;
  enqueuedAt: number;
}

/** Records dead-lettered messages, once per (queue, message id) however often they are delivered. */
export async function recordDeadLetters(db: Db, rows: DeadLetter[], at = Date.now()) {
  // One JSON parameter per statement: a batch of up to 100 messages stays far below D1's
  // bound-parameter limit; a message is at most 128 KB, so 100 of them fit one 2 MB string only
  // when small, hence the chunks of 10.
  for (let i = 0; i < rows.length; i += 10) {
    const part = rows.slice(i, i + 10).map((r) => ({ ...r, body: JSON.stringify(r.body) }));
    await db.run(sql`
      INSERT INTO sync_failures (account_id, shop_id, queue, message_id, kind, body, attempts, enqueued_at, created_at)
      SELECT json_extract(value, '$.accountId'), json_extract(value, '$.shopId'), json_extract(value, '$.queue'),
             json_extract(value, '$.messageId'), json_extract(value, '$.kind'), json_extract(value, '$.body'),
             json_extract(value, '$.attempts'), json_extract(value, '$.enqueuedAt'), ${at}
      FROM json_each(${JSON.stringify(part)}) WHERE true
      ON CONFLICT (queue, message_id) DO NOTHING`);
  }
}

export async function listSyncFailures(db: Db, accountId: number, q: { beforeId?: number; status?: "open" | "resolved"; limit: number }) {
  const conds = [eq(syncFailures.accountId, accountId)];
  if (q.beforeId !== undefined) conds.push(lt(syncFailures.id, q.beforeId));
  if (q.status === "open") conds.push(isNull(syncFailures.resolvedAt));
  if (q.status === "resolved") conds.push(isNotNull(syncFailures.resolvedAt));
  return db.select().from(syncFailures).where(and(...conds)).orderBy(desc(syncFailures.id)).limit(q.limit).all();
}

export async function getSyncFailure(db: Db, accountId: number, id: number): Promise<SyncFailure | undefined> {
  return db.select().from(syncFailures).where(and(eq(syncFailures.accountId, accountId), eq(syncFailures.id, id))).get();
}

/** Marks an open failure resolved; undefined when it was already resolved (a concurrent retry won). */
export async function resolveSyncFailure(db: Db, accountId: number, id: number, at: number): Promise<SyncFailure | undefined> {
  const [row] = await db
    .update(syncFailures)
    .set({ resolvedAt: at })
    .where(and(eq(syncFailures.accountId, accountId), eq(syncFailures.id, id), isNull(syncFailures.resolvedAt)))
    .returning();
  return row;
}

export async function reopenSyncFailure(db: Db, accountId: number, id: number) {
  await db.update(syncFailures).set({ resolvedAt: null }).where(and(eq(syncFailures.accountId, accountId), eq(syncFailures.id, id)));
}

export type InvariantReport = typeof invariantReports.$inferSelect;

export async function insertInvariantReport(db: Db, accountId: number, report: Omit<InvariantReport, "id" | "accountId">) {
  await db.insert(invariantReports).values({ accountId, ...report });
}

/** The latest report of each of the account's groups (with the group's name), by group id. */
export async function latestInvariantReports(db: Db, accountId: number) {
  return db
    .select({ report: invariantReports, groupName: groups.name })
    .from(invariantReports)
    .leftJoin(groups, and(eq(groups.id, invariantReports.groupId), eq(groups.accountId, invariantReports.accountId)))
    .where(
      and(
        eq(invariantReports.accountId, accountId),
        eq(
          invariantReports.id,
          sql`(SELECT MAX(r.id) FROM invariant_reports r WHERE r.account_id = ${invariantReports.accountId} AND r.group_id = ${invariantReports.groupId})`,
        ),
      ),
    )
    .orderBy(invariantReports.groupId)
    .all();
}
