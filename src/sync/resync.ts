import type { Db } from "../env";
import { countManagedProducts, createResyncJob, type Job, type JobShop } from "../db/queries/jobs";
import { operationInsert } from "../db/queries/logs";
import type { Shop } from "../db/queries/shops";
import { shopSync } from "./shop-sync-client";

// 一括反映: every managed listing of the shops is sent again at the full budget, as a job whose
// progress the merchant can poll. Each shop's ShopSync works through its own part page by page
// between its other work (a sale never waits behind a resync for more than one run).

export async function startResync(env: Env, db: Db, accountId: number, actor: string, shops: Shop[]): Promise<Job> {
  const parts = await Promise.all(shops.map(async (s) => ({ shopId: s.id, total: await countManagedProducts(db, accountId, s.id) })));
  const job = await createResyncJob(db, accountId, actor, parts);
  await Promise.all(shops.map((s) => shopSync(env, { accountId, shopId: s.id }).resync({ accountId, shopId: s.id }, job.id)));
  await operationInsert(db, accountId, { actor, action: "shop.resync", target: `job:${job.id}`, after: { shopIds: shops.map((s) => s.id) } });
  return job;
}

const iso = (t: number) => new Date(t).toISOString();
const isoOrNull = (t: number | null) => (t === null ? null : iso(t));

/** Items per second so far and the seconds left at that pace (null until there is a pace). */
function pace(p: JobShop, now: number) {
  const total = Math.max(p.total, p.done);
  const end = p.finishedAt ?? now;
  const secs = (end - p.startedAt) / 1000;
  const itemsPerSecond = p.done > 0 && secs > 0 ? p.done / secs : null;
  const etaSeconds = p.status !== "running" ? 0 : itemsPerSecond ? Math.ceil((total - p.done) / itemsPerSecond) : null;
  return { total, itemsPerSecond: itemsPerSecond === null ? null : Math.round(itemsPerSecond * 10) / 10, etaSeconds };
}

/** The job as the API shows it: totals over its shops, and each shop's part. */
export function jobView(job: Job, parts: JobShop[], shopNames: Map<number, string>, now = Date.now()) {
  const shops = parts.map((p) => {
    const { total, itemsPerSecond, etaSeconds } = pace(p, now);
    return {
      shopId: p.shopId,
      shopName: shopNames.get(p.shopId) ?? null,
      status: p.status,
      total,
      done: p.done,
      sent: p.sent,
      errors: p.errors,
      lastError: p.lastError,
      itemsPerSecond,
      etaSeconds,
      startedAt: iso(p.startedAt),
      finishedAt: isoOrNull(p.finishedAt),
    };
  });
  const running = shops.filter((s) => s.status === "running");
  // The shops run side by side: the job ends with its slowest shop.
  const eta = running.length === 0 ? 0 : running.some((s) => s.etaSeconds === null) ? null : Math.max(...running.map((s) => s.etaSeconds!));
  const sum = (k: "total" | "done" | "sent" | "errors") => shops.reduce((n, s) => n + s[k], 0);
  return {
    id: job.id,
    kind: job.kind,
    status: job.status,
    createdBy: job.createdBy,
    createdAt: iso(job.createdAt),
    finishedAt: isoOrNull(job.finishedAt),
    total: sum("total"),
    done: sum("done"),
    sent: sum("sent"),
    errors: sum("errors"),
    etaSeconds: eta,
    shops,
  };
}
