import { createExecutionContext, createMessageBatch, createScheduledController, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import { pullOffsets } from "../../src/sync/tasks";
import { drain, newAccount, product, until } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";

const sim = useMallSim();

describe("scheduled sync", () => {
  it("the cron enqueues one pull and one push per active shop, and the consumer takes the order in", async () => {
    const c = await newAccount();
    await sim.control("amazon", "POST", "/reset");
    const shop = (await c.post("/shops", { kind: "amazon", name: "Amazon", credentials: sim.credentials("amazon"), baseUrl: sim.baseUrl("amazon") })).json;
    const off = (await c.post("/shops", { kind: "amazon", name: "止めた店", credentials: sim.credentials("amazon"), baseUrl: sim.baseUrl("amazon"), importEnabled: false, updateEnabled: false })).json;
    const p = await product(c, "SKU-9", { onHand: 10 });
    await sim.control("amazon", "POST", "/listings", { items: [{ code: "SKU-9", quantity: 10 }] });
    await drain(c.accountId, p.group.id);

    const pulls = vi.spyOn(env.PULL_QUEUE, "sendBatch");
    const pushes = vi.spyOn(env.PUSH_QUEUE, "sendBatch");
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
    await new Promise((r) => setTimeout(r, 50));
    const sentPulls = pulls.mock.calls.flatMap((call) => [...call[0]].map((m: any) => m.body)).filter((b: any) => b.accountId === c.accountId);
    const sentPushes = pushes.mock.calls.flatMap((call) => [...call[0]].map((m: any) => m.body)).filter((b: any) => b.accountId === c.accountId);
    expect(sentPulls).toEqual([{ kind: "pull", accountId: c.accountId, shopId: shop.id }]);
    expect(sentPushes).toEqual([{ kind: "push", accountId: c.accountId, shopId: shop.id }]);
    expect(sentPulls.some((b: any) => b.shopId === off.id)).toBe(false);
    pulls.mockRestore();
    pushes.mockRestore();

    await sim.control("amazon", "POST", "/orders", { lines: [{ code: "SKU-9", quantity: 3 }] });
    const batch = createMessageBatch("kura-pull", [{ id: "m1", timestamp: new Date(), attempts: 1, body: { kind: "pull", accountId: c.accountId, shopId: shop.id } }]);
    const qctx = createExecutionContext();
    await worker.queue(batch, env);
    expect((await getQueueResult(batch, qctx)).explicitAcks).toEqual(["m1"]);
    expect((await c.get("/products/SKU-9")).json.onHand).toBe(7);
  });

  it("a drift step does not hold the push batch it came in: the batch is done while the step still reads the mall", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "base");
    const mallIds = ["8101", "8102", "8103", "8104", "8105", "8106"];
    await sim.control("base", "POST", "/listings", { items: mallIds.map((code) => ({ code, quantity: 0 })) });
    for (const [i, code] of mallIds.entries()) {
      await product(c, `DR-${i}`, { onHand: 5 });
      await c.put(`/products/DR-${i}/shops/${shop.id}`, { managed: true, mallCode: code });
    }
    for (const code of mallIds) await until(`BASE ${code}`, () => sim.shows("base", code), (q) => q === 5, 30_000);
    const batch = createMessageBatch("kura-push", [{ id: "d1", timestamp: new Date(), attempts: 1, body: { kind: "drift", accountId: c.accountId, shopId: shop.id } }]);
    const qctx = createExecutionContext();
    const requests = async () => ((await sim.control("base", "GET", "/traffic")) as { requests: number }).requests;
    await worker.queue(batch, env, qctx);
    // The batch is done at once; BASE reads one listing a second, and the step's reads go on after.
    const atReturn = await requests();
    await until("the step's reads after the batch returned", requests, (n) => n > atReturn, 30_000);
    expect((await getQueueResult(batch, qctx)).explicitAcks).toEqual(["d1"]);
  }, 60_000);

  it("a malformed task is acknowledged, a throttled pull is retried after the mall's hint", async () => {
    const c = await newAccount();
    await sim.control("rakuten", "POST", "/reset");
    const shop = (await c.post("/shops", { kind: "rakuten", name: "楽天", credentials: sim.credentials("rakuten"), baseUrl: sim.baseUrl("rakuten") })).json;
    await sim.control("rakuten", "POST", "/faults", { type: "429", times: 3 });
    const batch = createMessageBatch("kura-pull", [
      { id: "bad", timestamp: new Date(), attempts: 1, body: { kind: "nonsense" } },
      { id: "pull", timestamp: new Date(), attempts: 1, body: { kind: "pull", accountId: c.accountId, shopId: shop.id } },
    ]);
    const ctx = createExecutionContext();
    await worker.queue(batch, env);
    const result = await getQueueResult(batch, ctx);
    expect(result.explicitAcks).toEqual(["bad"]);
    expect(result.retryMessages.map((m: { msgId: string }) => m.msgId)).toEqual(["pull"]);
    expect((await c.get(`/shops/${shop.id}`)).json.status).toBe("retrying");
  });

  it("a batch's pulls run side by side: a shop whose mall is slow does not hold another shop's order back", async () => {
    const c = await newAccount();
    await sim.control("rakuten", "POST", "/reset");
    await sim.control("yahoo", "POST", "/reset");
    const slow = (await c.post("/shops", { kind: "rakuten", name: "楽天 (遅い)", credentials: sim.credentials("rakuten"), baseUrl: sim.baseUrl("rakuten"), updateEnabled: false })).json;
    const fast = (await c.post("/shops", { kind: "yahoo", name: "Yahoo", credentials: sim.credentials("yahoo"), baseUrl: sim.baseUrl("yahoo"), updateEnabled: false })).json;
    const p = await product(c, "CUP-1", { onHand: 10 });
    await drain(c.accountId, p.group.id);
    await sim.control("yahoo", "POST", "/orders", { lines: [{ code: "CUP-1", quantity: 3 }] });
    await sim.control("rakuten", "POST", "/faults", { type: "slow", times: 5, delayMs: 4000 });
    const batch = createMessageBatch("kura-pull", [
      { id: "slow", timestamp: new Date(), attempts: 1, body: { kind: "pull", accountId: c.accountId, shopId: slow.id } },
      { id: "fast", timestamp: new Date(), attempts: 1, body: { kind: "pull", accountId: c.accountId, shopId: fast.id } },
    ]);
    const ctx = createExecutionContext();
    const done = worker.queue(batch, env);
    // Yahoo's order is in while Rakuten's pull is still waiting for its slow mall.
    await vi.waitFor(async () => expect((await c.get("/products/CUP-1")).json.onHand).toBe(7), { timeout: 15_000, interval: 100 });
    expect((await c.get(`/shops/${slow.id}`)).json.lastImportAt).toBeNull();
    await done;
    expect((await getQueueResult(batch, ctx)).explicitAcks.sort()).toEqual(["fast", "slow"]);
    expect((await c.get(`/shops/${slow.id}`)).json.lastImportAt).not.toBeNull();
  });

  it("pulls are spread across the minute as often as each mall allows (Amazon once a minute, others every 15 s)", () => {
    expect(pullOffsets("amazon")).toEqual([0]);
    for (const kind of ["rakuten", "yahoo", "shopify", "base"]) expect(pullOffsets(kind)).toEqual([0, 15, 30, 45]);
  });
});
