import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { PRUNE_LIMITS } from "../../src/sync/prune-logs";
import { runTask } from "../../src/sync/tasks";
import { newAccount, type Client } from "../helpers/api";

const DAY = 86_400_000;

/** `n` rows in each log, `daysAgo` old, inserted with SQL (a recursive CTE: one statement per table). */
async function seedLogs(c: Client, n: number, daysAgo: number, tag: string) {
  const at = Date.now() - daysAgo * DAY;
  const seq = `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ?3)`;
  await env.DB.batch([
    env.DB.prepare(
      `${seq} INSERT INTO sales_log (account_id, at, source, order_id, line_id, kind, master_code, quantity, result, line_key)
       SELECT ?1, ?2, 'pos', ?4 || '-' || i, '1', 'sale', 'OLD-1', 1, 'applied', ?4 || ':' || i FROM seq`,
    ).bind(c.accountId, at, n, tag),
    env.DB.prepare(
      `${seq} INSERT INTO mall_update_log (account_id, at, shop_id, master_code, mall_code, figure, result)
       SELECT ?1, ?2, 1, 'OLD-1', ?4 || '-' || i, 1, 'ok' FROM seq`,
    ).bind(c.accountId, at, n, tag),
    env.DB.prepare(
      `${seq} INSERT INTO operation_log (account_id, at, actor, action, target) SELECT ?1, ?2, 'system', 'stock.adjust', ?4 || '-' || i FROM seq`,
    ).bind(c.accountId, at, n, tag),
  ]);
}

/** Rows of the account older than `days` days (the seeded ones: the account's own creation is logged too). */
const count = async (table: string, accountId: number, days = 1) =>
  (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE account_id = ? AND at < ?`).bind(accountId, Date.now() - days * DAY).first<{ n: number }>())!.n;

async function allPages(c: Client, path: string) {
  const out: any[] = [];
  let cursor: string | null = null;
  do {
    const res: any = (await c.get(`${path}?limit=500${cursor ? `&cursor=${cursor}` : ""}`)).json;
    out.push(...res.items);
    cursor = res.nextCursor;
  } while (cursor);
  return out;
}

describe("log pruning", () => {
  it("rows older than 90 days disappear from 販売ログ, 操作ログ and モール更新ログ; newer ones and other accounts stay", async () => {
    const c = await newAccount();
    const other = await newAccount();
    await seedLogs(c, 12_000, 120, "old");
    await seedLogs(c, 30, 89, "recent");
    await seedLogs(other, 20, 120, "theirs");

    await runTask(env, { kind: "housekeeping", job: "prune-logs", accountId: c.accountId });

    const sales = await allPages(c, "/logs/sales");
    expect(sales).toHaveLength(30);
    expect(sales.every((s) => s.orderId.startsWith("recent-"))).toBe(true);
    const ops = (await allPages(c, "/logs/operations")).filter((o) => o.actor === "system");
    expect(ops).toHaveLength(30);
    expect(await count("mall_update_log", c.accountId)).toBe(30);
    for (const table of ["sales_log", "mall_update_log", "operation_log"]) {
      expect(await count(table, c.accountId)).toBe(30);
      expect(await count(table, other.accountId)).toBe(20);
    }
  });

  it("a run whose budget is used up enqueues the rest as a new task, which finishes the job", async () => {
    const c = await newAccount();
    await seedLogs(c, 2_500, 200, "old");
    const limits = { ...PRUNE_LIMITS };
    Object.assign(PRUNE_LIMITS, { chunk: 1000, budget: 4 });
    const sends = vi.spyOn(env.PUSH_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
    try {
      await runTask(env, { kind: "housekeeping", job: "prune-logs", accountId: c.accountId });
    } finally {
      Object.assign(PRUNE_LIMITS, limits);
    }
    const again = sends.mock.calls.flatMap((call) => [...call[0]].map((m) => m.body as any));
    sends.mockRestore();
    expect(again).toEqual([{ kind: "housekeeping", job: "prune-logs", accountId: c.accountId }]);
    expect(await count("sales_log", c.accountId)).toBe(1_500);

    await runTask(env, again[0]);
    for (const table of ["sales_log", "mall_update_log", "operation_log"]) expect(await count(table, c.accountId)).toBe(0);
  });

  it("the daily sweep enqueues one prune task per account", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const sends = vi.spyOn(env.PUSH_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
    await runTask(env, { kind: "housekeeping", job: "prune-logs" });
    const bodies = sends.mock.calls.flatMap((call) => [...call[0]].map((m) => m.body as any));
    sends.mockRestore();
    for (const c of [a, b]) expect(bodies).toContainEqual({ kind: "housekeeping", job: "prune-logs", accountId: c.accountId });
    expect(bodies.every((t) => t.accountId !== undefined)).toBe(true);
  });
});
