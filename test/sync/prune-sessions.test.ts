import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { LOGIN_WINDOW_MS } from "../../src/lib/login";
import { ABSOLUTE_MS, IDLE_MS } from "../../src/lib/session";
import { pruneSessions, SESSION_PRUNE_LIMITS } from "../../src/sync/prune-sessions";
import { runTask } from "../../src/sync/tasks";
import { login, newShop } from "../dashboard/helpers";

// The daily housekeeping deletes dashboard sessions nobody can use any more (past the 12 h
// absolute or the 2 h idle expiry) and login-failure counts whose 15-minute window has closed;
// live sessions and open windows stay, so nobody is logged out and the rate limit still holds.

const MIN = 60_000;

async function insertSession(userId: number, accountId: number, tag: string, loginAt: number, lastSeenAt: number) {
  await env.DB.prepare("INSERT INTO sessions (id_hash, account_id, user_id, csrf_token, expires_at, last_seen_at) VALUES (?, ?, ?, 'x', ?, ?)")
    .bind(`${tag}-${crypto.randomUUID()}`, accountId, userId, loginAt + ABSOLUTE_MS, lastSeenAt)
    .run();
}

const tagged = async (tag: string) => (await env.DB.prepare("SELECT count(*) AS n FROM sessions WHERE id_hash LIKE ?").bind(`${tag}-%`).first<number>("n"))!;

describe("pruning of sessions and login failures", () => {
  it("deletes sessions past their absolute or idle expiry and closed failure windows; a signed-in user stays signed in", async () => {
    const shop = await newShop();
    const now = Date.now();
    const staff = await login(shop.users.staff.email);
    const user = shop.users.owner.id;
    await insertSession(user, shop.accountId, "absolute", now - ABSOLUTE_MS - MIN, now - MIN); // active, but logged in 12 h ago
    await insertSession(user, shop.accountId, "idle", now - 3 * 60 * MIN, now - IDLE_MS - MIN);
    await insertSession(user, shop.accountId, "live", now - 60 * MIN, now - 10 * MIN);
    await env.DB.batch([
      env.DB.prepare("INSERT INTO login_failures (key, window_start, failures) VALUES ('email:old@example.jp', ?, 5), ('ip:192.0.2.1', ?, 3)").bind(now - LOGIN_WINDOW_MS - MIN, now - LOGIN_WINDOW_MS - 60 * MIN),
      env.DB.prepare("INSERT INTO login_failures (key, window_start, failures) VALUES ('email:recent@example.jp', ?, 5)").bind(now - 5 * MIN),
    ]);

    await runTask(env, { kind: "housekeeping", job: "prune-sessions" });

    expect(await tagged("absolute")).toBe(0);
    expect(await tagged("idle")).toBe(0);
    expect(await tagged("live")).toBe(1);
    expect((await staff.get("/products")).status).toBe(200);
    const keys = (await env.DB.prepare("SELECT key FROM login_failures ORDER BY key").all<{ key: string }>()).results.map((r) => r.key);
    expect(keys).toEqual(["email:recent@example.jp"]);
  });

  it("deletes in bounded batches and enqueues the rest as another task", async () => {
    const shop = await newShop();
    const now = Date.now();
    for (let i = 0; i < 7; i++) await insertSession(shop.users.owner.id, shop.accountId, "batch", now - ABSOLUTE_MS - MIN, now - IDLE_MS - MIN);

    const first = await pruneSessions(env.DB, { chunk: 2, budget: 3 });
    expect(first).toMatchObject({ sessions: 4, done: false });
    expect(await tagged("batch")).toBe(3);

    const limits = { ...SESSION_PRUNE_LIMITS };
    Object.assign(SESSION_PRUNE_LIMITS, { chunk: 2, budget: 2 });
    const sent = vi.spyOn(env.PUSH_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
    try {
      await runTask(env, { kind: "housekeeping", job: "prune-sessions" });
      expect(await tagged("batch")).toBe(1);
      expect(sent.mock.calls.flatMap((c) => [...c[0]].map((m) => m.body))).toEqual([{ kind: "housekeeping", job: "prune-sessions" }]);
    } finally {
      sent.mockRestore();
      Object.assign(SESSION_PRUNE_LIMITS, limits);
    }
    await runTask(env, { kind: "housekeeping", job: "prune-sessions" });
    expect(await tagged("batch")).toBe(0);
  });
});
