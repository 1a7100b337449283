import { and, asc, desc, eq, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { jobs, jobShops, listings, products } from "../schema";

// Jobs the merchant starts and watches. A resync (一括反映) has one part per shop; each shop's
// ShopSync advances its own part with relative updates (never read-modify-write), so parts of
// one job moving at once on different objects never lose a count.

export type Job = typeof jobs.$inferSelect;
export type JobShop = typeof jobShops.$inferSelect;

/** Products a shop's resync goes through: every product of the account that the shop manages. */
export async function countManagedProducts(db: Db, accountId: number, shopId: number): Promise<number> {
  const row = await db
    .select({ n: sql<number>`COUNT(*)` })
    .from(products)
    .leftJoin(listings, and(eq(listings.productId, products.id), eq(listings.shopId, shopId)))
    .where(and(eq(products.accountId, accountId), sql`COALESCE(${listings.managed}, 1) = 1`))
    .get();
  return row?.n ?? 0;
}

/** A new resync job over these shops; any running resync part of the same shops is superseded. */
export async function createResyncJob(db: Db, accountId: number, actor: string, parts: { shopId: number; total: number }[], at = Date.now()): Promise<Job> {
  const [job] = await db.insert(jobs).values({ accountId, kind: "resync", status: "running", createdBy: actor, createdAt: at }).returning();
  const superseded = "新しい一括反映に引き継がれました (superseded by a newer resync)";
  for (const p of parts) {
    await db
      .update(jobShops)
      .set({ status: "cancelled", lastError: superseded, finishedAt: at, updatedAt: at })
      .where(and(eq(jobShops.accountId, accountId), eq(jobShops.shopId, p.shopId), eq(jobShops.status, "running")));
  }
  if (parts.length) {
    await db.insert(jobShops).values(parts.map((p) => ({ jobId: job.id, shopId: p.shopId, accountId, status: "running" as const, total: p.total, startedAt: at, updatedAt: at })));
  }
  await closeFinishedJobs(db, accountId, at);
  return job;
}

export async function getJob(db: Db, accountId: number, id: number): Promise<{ job: Job; parts: JobShop[] } | undefined> {
  const job = await db.select().from(jobs).where(and(eq(jobs.accountId, accountId), eq(jobs.id, id))).get();
  if (!job) return undefined;
  const parts = await db.select().from(jobShops).where(eq(jobShops.jobId, id)).orderBy(asc(jobShops.shopId)).all();
  return { job, parts };
}

export async function listJobs(db: Db, accountId: number, limit: number): Promise<Job[]> {
  return db.select().from(jobs).where(eq(jobs.accountId, accountId)).orderBy(desc(jobs.id)).limit(limit).all();
}

/** Whether the part is still to be worked on (not cancelled or superseded). */
export async function jobShopRunning(db: Db, jobId: number, shopId: number): Promise<boolean> {
  const row = await db.select({ status: jobShops.status }).from(jobShops).where(and(eq(jobShops.jobId, jobId), eq(jobShops.shopId, shopId))).get();
  return row?.status === "running";
}

/** One step of a shop's resync: counts are added, never overwritten. */
export async function advanceJobShop(db: Db, jobId: number, shopId: number, step: { done: number; sent: number; errors: number; lastError?: string | null }, at = Date.now()) {
  await db
    .update(jobShops)
    .set({
      done: sql`${jobShops.done} + ${step.done}`,
      sent: sql`${jobShops.sent} + ${step.sent}`,
      errors: sql`${jobShops.errors} + ${step.errors}`,
      ...(step.lastError !== undefined && { lastError: step.lastError }),
      updatedAt: at,
    })
    .where(and(eq(jobShops.jobId, jobId), eq(jobShops.shopId, shopId), eq(jobShops.status, "running")));
}

/** A shop's part ran through every product; the job is done when no part is left running. */
export async function finishJobShop(db: Db, accountId: number, jobId: number, shopId: number, at = Date.now()) {
  await db
    .update(jobShops)
    .set({ status: "done", finishedAt: at, updatedAt: at })
    .where(and(eq(jobShops.jobId, jobId), eq(jobShops.shopId, shopId), eq(jobShops.status, "running")));
  await closeFinishedJobs(db, accountId, at);
}

export async function cancelJob(db: Db, accountId: number, id: number, at = Date.now()) {
  await db
    .update(jobShops)
    .set({ status: "cancelled", finishedAt: at, updatedAt: at })
    .where(and(eq(jobShops.accountId, accountId), eq(jobShops.jobId, id), eq(jobShops.status, "running")));
  await db.update(jobs).set({ status: "cancelled", finishedAt: at }).where(and(eq(jobs.accountId, accountId), eq(jobs.id, id), eq(jobs.status, "running")));
}

/**
 * The shop was deleted: its running parts end as cancelled (no object is left to run them), and a
 * job with nothing else running ends with them instead of showing 実行中 for ever.
 */
export async function cancelShopParts(db: Db, accountId: number, shopId: number, at = Date.now()) {
  await db
    .update(jobShops)
    .set({ status: "cancelled", finishedAt: at, updatedAt: at, lastError: "ショップが削除されました (shop deleted)" })
    .where(and(eq(jobShops.accountId, accountId), eq(jobShops.shopId, shopId), eq(jobShops.status, "running")));
  await closeFinishedJobs(db, accountId, at);
}

/** Running jobs of the account with no running part left become done (cancelled when none of their parts got done). */
async function closeFinishedJobs(db: Db, accountId: number, at: number) {
  await db.run(sql`
    UPDATE jobs SET finished_at = ${at},
      status = CASE WHEN EXISTS (SELECT 1 FROM job_shops p WHERE p.job_id = jobs.id AND p.status = 'done') OR NOT EXISTS (SELECT 1 FROM job_shops p WHERE p.job_id = jobs.id)
                    THEN 'done' ELSE 'cancelled' END
    WHERE account_id = ${accountId} AND status = 'running'
      AND NOT EXISTS (SELECT 1 FROM job_shops p WHERE p.job_id = jobs.id AND p.status = 'running')`);
}
