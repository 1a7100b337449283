import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { newAccount } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";

const sim = useMallSim();

/** Delivers messages to the worker's consumer of `queue` as the platform would; returns the outcome. */
async function deliver(queue: string, messages: { id: string; body: unknown; timestamp?: Date }[]) {
  const batch = createMessageBatch(queue, messages.map((m) => ({ timestamp: new Date(), attempts: 1, ...m })));
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  return getQueueResult(batch, ctx);
}

async function shopOf(c: Awaited<ReturnType<typeof newAccount>>) {
  return (await c.post("/shops", { kind: "amazon", name: "Amazon", credentials: sim.credentials("amazon"), baseUrl: sim.baseUrl("amazon") })).json;
}

describe("dead-letter queues", () => {
  it("a push task that exhausted its retries is shown in GET /sync/failures, and retry sends it again once", async () => {
    const c = await newAccount();
    const shop = await shopOf(c);
    const body = { kind: "push", accountId: c.accountId, shopId: shop.id };
    const sentAt = new Date(Date.now() - 3600_000);

    const result = await deliver("kura-push-dlq", [{ id: "dead-push-1", body, timestamp: sentAt }]);
    expect(result.outcome).toBe("ok");
    expect(result.ackAll || result.explicitAcks.includes("dead-push-1")).toBe(true);
    expect(result.retryBatch.retry).toBe(false);
    // The dead-letter queue delivers at least once: a second delivery adds nothing.
    await deliver("kura-push-dlq", [{ id: "dead-push-1", body, timestamp: sentAt }]);

    const list = await c.get("/sync/failures");
    expect(list.status).toBe(200);
    expect(list.json.items).toHaveLength(1);
    const failure = list.json.items[0];
    expect(failure).toMatchObject({ queue: "kura-push", kind: "push", shopId: shop.id, task: body, resolvedAt: null, enqueuedAt: sentAt.toISOString() });
    expect(failure.attempts).toBeGreaterThan(1);

    const sends = vi.spyOn(env.PUSH_QUEUE, "send");
    const retried = await c.post(`/sync/failures/${failure.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.json.resolvedAt).not.toBeNull();
    expect(sends.mock.calls.map((call) => call[0])).toEqual([body]);
    sends.mockClear();

    // Retried already: a second click sends nothing.
    expect((await c.post(`/sync/failures/${failure.id}/retry`)).status).toBe(409);
    expect(sends).not.toHaveBeenCalled();
    sends.mockRestore();

    expect((await c.get("/sync/failures?status=open")).json.items).toEqual([]);
    expect((await c.get("/sync/failures?status=resolved")).json.items.map((f: any) => f.id)).toEqual([failure.id]);
    const ops = (await c.get("/logs/operations")).json.items;
    expect(ops.find((o: any) => o.action === "sync.failure_retry")).toMatchObject({ target: `sync-failure:${failure.id}` });
  });

  it("a pull task is retried on kura-pull, and another account neither sees nor retries it", async () => {
    const c = await newAccount();
    const other = await newAccount();
    const shop = await shopOf(c);
    const body = { kind: "pull", accountId: c.accountId, shopId: shop.id };
    await deliver("kura-pull-dlq", [{ id: "dead-pull-1", body }]);

    const [failure] = (await c.get("/sync/failures")).json.items;
    expect(failure).toMatchObject({ queue: "kura-pull", kind: "pull", task: body });
    expect((await other.get("/sync/failures")).json.items).toEqual([]);
    expect((await other.post(`/sync/failures/${failure.id}/retry`)).status).toBe(404);

    const pulls = vi.spyOn(env.PULL_QUEUE, "send");
    const pushes = vi.spyOn(env.PUSH_QUEUE, "send");
    expect((await c.post(`/sync/failures/${failure.id}/retry`)).status).toBe(200);
    expect(pulls.mock.calls.map((call) => call[0])).toEqual([body]);
    expect(pushes).not.toHaveBeenCalled();
    pulls.mockRestore();
    pushes.mockRestore();
  });

  it("a body Kura cannot read is kept too, and refused for retry", async () => {
    const c = await newAccount();
    await deliver("kura-push-dlq", [{ id: "dead-odd-1", body: { accountId: c.accountId, what: "?" } }]);
    const [failure] = (await c.get("/sync/failures")).json.items;
    expect(failure).toMatchObject({ kind: "unknown", task: { accountId: c.accountId, what: "?" } });
    expect((await c.post(`/sync/failures/${failure.id}/retry`)).status).toBe(409);
    expect((await c.get("/sync/failures?status=open")).json.items).toHaveLength(1);
  });

  it("pages newest first with a cursor", async () => {
    const c = await newAccount();
    const shop = await shopOf(c);
    await deliver(
      "kura-push-dlq",
      [1, 2, 3].map((i) => ({ id: `dead-page-${i}`, body: { kind: "push", accountId: c.accountId, shopId: shop.id, urgent: i === 3 } })),
    );
    const first = await c.get("/sync/failures?limit=2");
    expect(first.json.items).toHaveLength(2);
    expect(first.json.items[0].task.urgent).toBe(true);
    expect(first.json.nextCursor).toBeTruthy();
    const second = await c.get(`/sync/failures?limit=2&cursor=${first.json.nextCursor}`);
    expect(second.json.items).toHaveLength(1);
    expect(second.json.nextCursor).toBeNull();
    const ids = [...first.json.items, ...second.json.items].map((f: any) => f.id);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
  });
});
