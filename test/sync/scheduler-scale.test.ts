import { createScheduledController } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { INVARIANT_CHECK_AT, MINUTES_PER_DAY } from "../../src/sync/housekeeping";
import { schedule } from "../../src/sync/scheduler";
import { pullOffsets } from "../../src/sync/tasks";

// The cron tick with a thousand shops: its D1 work and its queue sends must not grow with the
// number of shops (one query each, sends in batches of 100), and every active shop gets its pulls.
// This file seeds its own accounts and nothing else, so the tick sees exactly them.

const KINDS = ["rakuten", "yahoo", "amazon", "shopify", "base"];

async function seed() {
  const seq = (n: number) => `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n})`;
  await env.DB.batch([
    env.DB.prepare(`${seq(100)} INSERT INTO accounts (name) SELECT 'scale-' || i FROM seq`),
    // Every tenth account has 在庫連動 off.
    env.DB.prepare(`INSERT INTO settings (account_id, sync_enabled) SELECT id, (id % 10 <> 0) FROM accounts WHERE name LIKE 'scale-%'`),
    // 1,000 shops, ten per account, of every kind; some 停止中, some with 取込み or モール更新 off.
    env.DB.prepare(
      `${seq(1000)} INSERT INTO shops (account_id, kind, name, import_enabled, update_enabled, status, credentials_enc)
       SELECT (SELECT MIN(id) FROM accounts WHERE name LIKE 'scale-%') + (i - 1) % 100,
              json_extract(?1, '$[' || (i % 5) || ']'), 'shop-' || i, (i % 7 <> 0), (i % 11 <> 0),
              CASE WHEN i % 50 = 0 THEN 'stopped' ELSE 'ok' END, 'v1:not:real'
         FROM seq`,
    ).bind(JSON.stringify(KINDS)),
  ]);
  const { results } = await env.DB.prepare(
    `SELECT s.id, s.kind, s.account_id AS accountId, s.import_enabled AS importEnabled, s.update_enabled AS updateEnabled, s.status, st.sync_enabled AS syncEnabled
       FROM shops s JOIN settings st ON st.account_id = s.account_id`,
  ).all<{ id: number; kind: string; accountId: number; importEnabled: number; updateEnabled: number; status: string; syncEnabled: number }>();
  return results;
}

/** env.DB wrapped so that every statement prepared and every batch sent is counted. */
function countingDb(db: D1Database) {
  const counts = { prepare: 0, batch: 0, exec: 0 };
  const proxy = new Proxy(db, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== "function") return value;
      return (...args: unknown[]) => {
        if (prop in counts) counts[prop as keyof typeof counts]++;
        return value.apply(target, args);
      };
    },
  });
  return { proxy, counts };
}

describe("the cron tick at scale", () => {
  it("1,000 shops over 100 accounts: two D1 queries, sends of 100, and every active shop's pulls and push", async () => {
    const shops = await seed();
    expect(shops).toHaveLength(1000);
    const { proxy, counts } = countingDb(env.DB);
    const pulls = vi.spyOn(env.PULL_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
    const pushes = vi.spyOn(env.PUSH_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
    // 04:00 JST: the invariant sweep is due, and the 接続テスト of shops whose id mod 1440 is 240.
    const scheduledTime = Date.UTC(2026, 4, 1, 19, 0, 0);
    const res = await schedule(createScheduledController({ cron: "* * * * *", scheduledTime }), { ...env, DB: proxy });

    // D1: one query for the shops due, one for the shops whose 接続テスト is due (2 today; a
    // handful at most), never one per shop or per account.
    const statements = counts.prepare + counts.batch + counts.exec;
    expect(statements).toBeGreaterThan(0);
    expect(statements).toBeLessThanOrEqual(3);

    const sent = (spy: typeof pulls) => spy.mock.calls.map((call) => [...call[0]] as { body: any; delaySeconds?: number }[]);
    const pullBatches = sent(pulls);
    const pushBatches = sent(pushes);
    pulls.mockRestore();
    pushes.mockRestore();
    const pullMsgs = pullBatches.flat();
    const pushMsgs = pushBatches.flat();
    expect(res.enqueued).toBe(pullMsgs.length + pushMsgs.length);
    expect(pullBatches).toHaveLength(Math.ceil(pullMsgs.length / 100));
    expect(pushBatches).toHaveLength(Math.ceil(pushMsgs.length / 100));
    for (const b of [...pullBatches, ...pushBatches]) expect(b.length).toBeLessThanOrEqual(100);

    // Every active shop (在庫連動 on, not 停止中) with 取込み on: its pulls spread over the minute.
    const active = shops.filter((s) => s.syncEnabled && s.status !== "stopped");
    const expectedPulls = active.filter((s) => s.importEnabled).flatMap((s) => pullOffsets(s.kind).map((d) => `${s.accountId}/${s.id}@${d}`));
    expect(pullMsgs.map((m) => `${m.body.accountId}/${m.body.shopId}@${m.delaySeconds ?? 0}`).sort()).toEqual(expectedPulls.sort());
    expect(pullMsgs.every((m) => m.body.kind === "pull")).toBe(true);
    expect(expectedPulls.length).toBeGreaterThan(700);

    // One push (wake-up) per active shop with モール更新 on; housekeeping rides on kura-push too.
    const expectedPushes = active.filter((s) => s.updateEnabled).map((s) => s.id);
    expect(pushMsgs.filter((m) => m.body.kind === "push").map((m) => m.body.shopId).sort((a, b) => a - b)).toEqual(expectedPushes.sort((a, b) => a - b));
    const housekeeping = pushMsgs.filter((m) => m.body.kind === "housekeeping").map((m) => m.body);
    expect(housekeeping).toContainEqual({ kind: "housekeeping", job: "invariant-check" });
    expect(housekeeping.filter((t) => t.job === "prune-logs")).toEqual([]);
    const tested = shops.filter((s) => s.id % MINUTES_PER_DAY === INVARIANT_CHECK_AT).map((s) => ({ kind: "housekeeping", job: "connection-test", accountId: s.accountId, shopId: s.id }));
    expect(tested).toHaveLength(1);
    expect(housekeeping.filter((t) => t.job === "connection-test")).toEqual(tested);
    expect(pushMsgs).toHaveLength(expectedPushes.length + 1 + tested.length);
  });

  it("housekeeping comes at its own minutes: log and session pruning at 04:30 JST, nothing daily at other minutes", async () => {
    const at = (h: number, m: number) => Date.UTC(2026, 4, 1, h - 9 + (h < 9 ? 24 : 0), m, 0);
    const jobsAt = async (scheduledTime: number) => {
      const pushes = vi.spyOn(env.PUSH_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
      const pulls = vi.spyOn(env.PULL_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
      await schedule(createScheduledController({ cron: "* * * * *", scheduledTime }), env);
      const jobs = pushes.mock.calls.flatMap((call) => [...call[0]].map((m) => m.body as any)).filter((b) => b.kind === "housekeeping" && b.accountId === undefined);
      pushes.mockRestore();
      pulls.mockRestore();
      return jobs.map((j) => j.job);
    };
    expect(await jobsAt(at(4, 30))).toEqual(["prune-logs", "prune-sessions"]);
    expect(await jobsAt(at(4, 0))).toEqual(["invariant-check"]);
    expect(await jobsAt(at(12, 0))).toEqual([]);
  });
});
