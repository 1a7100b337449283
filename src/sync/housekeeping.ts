import { createDb } from "../db/client";
import type { HousekeepingTask, Task } from "../schemas/tasks";
import { getShop } from "../db/queries/shops";
import { checkGroupInvariant } from "./invariant-check";
import { pruneAccountLogs } from "./prune-logs";
import { pruneSessions } from "./prune-sessions";
import { shopSync } from "./shop-sync-client";

// Housekeeping (ARCHITECTURE.md §4): the cron only enqueues it (housekeepingDue, one D1 statement
// a minute at most), the kura-push consumer runs it (runHousekeeping). A job over every account
// starts as one sweep task that lists its targets a page at a time and enqueues one task per
// target, so no invocation grows with the number of accounts, groups or shops.
//   - 接続テスト: daily per shop, spread over the day by shop id (shop id mod 1440 = the JST minute
//     of the day), so the mall calls never bunch up at one minute however many shops there are.
//     Like POST /shops/{id}/test it goes through the shop's ShopSync: a mall counts these calls
//     against the shop's budget like any other, and they must not run beside a push or a pull.
//   - invariant check: daily at 04:00 JST, one task per product group that has products.
//   - log pruning: daily at 04:30 JST, one task per account; expired dashboard sessions and closed
//     login-failure windows at the same minute, one deployment-wide task (prune-sessions.ts).

const DAY = 86_400_000;
const JST = 9 * 3600_000;
export const MINUTES_PER_DAY = 1440;
export const INVARIANT_CHECK_AT = 4 * 60;
export const PRUNE_LOGS_AT = 4 * 60 + 30;
/** Targets listed per sweep task; the next page is a new task. */
const SWEEP_PAGE = 1000;

/** The minute of the day in Japan time (0–1439) of an epoch-ms instant. */
export const jstMinuteOfDay = (ms: number) => Math.floor((((ms + JST) % DAY) + DAY) % DAY / 60_000);

const hk = (t: Omit<HousekeepingTask, "kind">): { task: Task; delaySeconds: number } => ({ task: { kind: "housekeeping", ...t }, delaySeconds: 0 });

/** The housekeeping tasks due at the cron tick of `scheduledTime` (for kura-push). */
export async function housekeepingDue(env: Env, scheduledTime: number): Promise<{ task: Task; delaySeconds: number }[]> {
  const minute = jstMinuteOfDay(scheduledTime);
  const out: { task: Task; delaySeconds: number }[] = [];
  if (minute === INVARIANT_CHECK_AT) out.push(hk({ job: "invariant-check" }));
  if (minute === PRUNE_LOGS_AT) out.push(hk({ job: "prune-logs" }), hk({ job: "prune-sessions" }));
  // Every shop with credentials, whether or not 在庫連動 is on or the shop is 停止中: the test only
  // reads, and it is how the merchant learns that credentials are about to expire or work again.
  const { results } = await env.DB.prepare("SELECT id, account_id FROM shops WHERE credentials_enc IS NOT NULL AND id % ?1 = ?2")
    .bind(MINUTES_PER_DAY, minute)
    .all<{ id: number; account_id: number }>();
  for (const s of results) out.push(hk({ job: "connection-test", accountId: s.account_id, shopId: s.id }));
  return out;
}

async function enqueue(env: Env, tasks: HousekeepingTask[]) {
  for (let i = 0; i < tasks.length; i += 100) await env.PUSH_QUEUE.sendBatch(tasks.slice(i, i + 100).map((body) => ({ body })));
}

export async function runHousekeeping(env: Env, t: HousekeepingTask): Promise<void> {
  const db = createDb(env.DB);
  switch (t.job) {
    case "connection-test": {
      if (t.accountId === undefined || t.shopId === undefined) break;
      const shop = await getShop(db, t.accountId, t.shopId);
      if (!shop?.credentialsEnc) return;
      const ref = { accountId: t.accountId, shopId: t.shopId };
      await shopSync(env, ref).connectionTest(ref, { scheduled: true });
      return;
    }
    case "invariant-check": {
      if (t.accountId !== undefined && t.groupId !== undefined) {
        await checkGroupInvariant(env, db, t.accountId, t.groupId);
        return;
      }
      // A group without products has no object worth waking.
      const { results } = await env.DB.prepare(
        `SELECT g.id, g.account_id FROM groups g
          WHERE g.id > ?1 AND EXISTS (SELECT 1 FROM products p WHERE p.account_id = g.account_id AND p.group_id = g.id)
          ORDER BY g.id LIMIT ?2`,
      )
        .bind(t.after ?? 0, SWEEP_PAGE)
        .all<{ id: number; account_id: number }>();
      const next = results.length === SWEEP_PAGE ? [{ kind: "housekeeping" as const, job: t.job, after: results[results.length - 1].id }] : [];
      return enqueue(env, [...results.map((g) => ({ kind: "housekeeping" as const, job: t.job, accountId: g.account_id, groupId: g.id })), ...next]);
    }
    case "prune-logs": {
      if (t.accountId !== undefined) {
        const res = await pruneAccountLogs(env.DB, t.accountId);
        // Budget used up with old rows left: the rest is a new task, behind whatever is queued.
        if (!res.done) await enqueue(env, [{ kind: "housekeeping", job: t.job, accountId: t.accountId }]);
        return;
      }
      const { results } = await env.DB.prepare("SELECT id FROM accounts WHERE id > ?1 ORDER BY id LIMIT ?2").bind(t.after ?? 0, SWEEP_PAGE).all<{ id: number }>();
      const next = results.length === SWEEP_PAGE ? [{ kind: "housekeeping" as const, job: t.job, after: results[results.length - 1].id }] : [];
      return enqueue(env, [...results.map((a) => ({ kind: "housekeeping" as const, job: t.job, accountId: a.id })), ...next]);
    }
    case "prune-sessions": {
      const res = await pruneSessions(env.DB);
      if (!res.done) await enqueue(env, [{ kind: "housekeeping", job: t.job }]);
      return;
    }
  }
  console.warn(JSON.stringify({ msg: "housekeeping task without its target ignored", task: t }));
}
