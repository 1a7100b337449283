import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import type { SimKind } from "../../sim/index";
import { runTask } from "../../src/sync/tasks";
import { type Client, drain, newAccount, product, until } from "../helpers/api";
import { holdFirstRequest, KURA_BASE, useMallSim } from "../helpers/mall-sim";

// Stock edited in a mall's own admin screen, behind Kura's back: the scheduled read-back finds it,
// records it with its likely cause, and handles it as the shop's driftPolicy says.

const sim = useMallSim();

const CODES: Partial<Record<SimKind, string>> = { shopify: "D-1", rakuten: "d-1:normal-inventory", colorme: "6401" };
/** カラーミー knows products by its own ids: there the master code is the product id (its default rule). */
const MASTER: Partial<Record<SimKind, string>> = { colorme: "6401" };

async function setup(kind: SimKind, policy?: "report" | "fix" | "accept") {
  const c = await newAccount();
  const shop = await sim.shopOn(c, kind);
  if (policy) expect((await c.patch(`/shops/${shop.id}`, { driftPolicy: policy })).json.driftPolicy).toBe(policy);
  const master = MASTER[kind] ?? "D-1";
  const p = await product(c, master, { onHand: 20 });
  await drain(c.accountId, p.group.id);
  // The new product reaches the shop's ShopSync a moment after the drain (it is due there, or
  // already refused: the mall does not list it yet). Waited for, so that it is settled by the push
  // below and the read-back later finds a quiet shop.
  await until(`${kind} told of the product`, async () => (await c.get(`/shops/${shop.id}`)).json.unreflected, (n) => n >= 1);
  const code = CODES[kind]!;
  await sim.control(kind, "POST", "/listings", { items: [{ code, quantity: 0 }] });
  const pushed = await c.post(`/shops/${shop.id}/push`);
  expect(pushed.json.failed, JSON.stringify(pushed.json)).toBe(0);
  await until(`${kind} shows 20`, () => sim.shows(kind, code), (q) => q === 20);
  // The walk reads only a quiet shop.
  await until(`${kind} quiet`, async () => (await c.get(`/shops/${shop.id}`)).json.unreflected, (n) => n === 0);
  return { c, shop, code, p, master };
}

/** One scheduled step for the shop: the drift task the minute's push task sends (30 s on). */
const scheduledStep = (c: Client, shopId: number) => runTask(env, { kind: "drift", accountId: c.accountId, shopId });
const openDrift = async (c: Client) => (await c.get("/drift")).json.items as any[];
const onHand = async (c: Client, master = "D-1") => (await c.get(`/products/${master}`)).json.onHand as number;

/** A BASE shop in step with 8 products `prefix`-1… (5 each) under item ids from `firstId`, and how many of its listings were read back. */
async function baseShopForWalk(c: Client, prefix: string, firstId: number) {
  const shop = await sim.shopOn(c, "base");
  const codes = Array.from({ length: 8 }, (_, i) => `${prefix}-${i + 1}`);
  for (const [i, code] of codes.entries()) {
    const p = await product(c, code, { onHand: 5 });
    await drain(c.accountId, p.group.id);
    await c.put(`/products/${code}/shops/${shop.id}`, { managed: true, mallCode: String(firstId + i) });
  }
  await sim.control("base", "POST", "/listings", { items: codes.map((_, i) => ({ code: String(firstId + i), quantity: 0 })) });
  const pushed = await c.post(`/shops/${shop.id}/push`);
  expect(pushed.json.failed, JSON.stringify(pushed.json)).toBe(0);
  await until("nothing 未反映", async () => (await c.get(`/shops/${shop.id}`)).json, (s) => s.unreflected === 0);
  const checked = async () =>
    (await env.DB.prepare("SELECT COUNT(*) AS n FROM listings WHERE shop_id = ? AND drift_checked_at IS NOT NULL").bind(shop.id).first<{ n: number }>())!.n;
  return { shop, checked };
}

describe.each(["shopify", "rakuten", "colorme"] as SimKind[])("drift on a %s shop", (kind) => {
  it("通知のみ (report): found, recorded with its cause, notified; nothing changed", async () => {
    const { c, shop, code, master } = await setup(kind);
    expect((await c.get(`/shops/${shop.id}`)).json.driftPolicy).toBe("report");
    await sim.control(kind, "POST", "/listings", { items: [{ code, quantity: 25 }] });
    await scheduledStep(c, shop.id);
    const items = await openDrift(c);
    expect(items).toEqual([
      expect.objectContaining({ shopId: shop.id, masterCode: master, mallCode: code, mallFigure: 25, kuraFigure: 20, action: "report", resolvedAt: null, cause: { ja: "モール管理画面で在庫数が変更された可能性があります", en: expect.any(String) } }),
    ]);
    expect(await onHand(c, master)).toBe(20);
    expect(await sim.shows(kind, code)).toBe(25);
    const notes = (await c.get("/notifications")).json.items as any[];
    expect(notes.filter((n) => n.cause === "drift")).toHaveLength(1);
    expect(notes[0].message.ja).toContain("モール管理画面で在庫数が変更された可能性があります");
    // Read back once a day: the next minute's step does not read it again, nor notify again.
    await scheduledStep(c, shop.id);
    expect((await c.get("/notifications")).json.items).toHaveLength(1);
  });

  it("自動修正 (fix): Kura's figure is sent again", async () => {
    const { c, shop, code, master } = await setup(kind, "fix");
    await sim.control(kind, "POST", "/listings", { items: [{ code, quantity: 25 }] });
    await scheduledStep(c, shop.id);
    expect((await openDrift(c))[0]).toMatchObject({ mallFigure: 25, kuraFigure: 20, action: "fix" });
    await until(`${kind} back at Kura's 20`, () => sim.shows(kind, code), (q) => q === 20);
    expect(await onHand(c, master)).toBe(20);
  });

  it("取り込む (accept): the mall's figure becomes a stock adjustment with the drift as its reason", async () => {
    const { c, shop, code, p, master } = await setup(kind, "accept");
    await sim.control(kind, "POST", "/listings", { items: [{ code, quantity: 23 }] });
    await scheduledStep(c, shop.id);
    expect((await openDrift(c))[0]).toMatchObject({ mallFigure: 23, kuraFigure: 20, action: "accept" });
    await drain(c.accountId, p.group.id);
    expect(await onHand(c, master)).toBe(23);
    const moves = (await c.get(`/products/${master}/movements`)).json.items as any[];
    expect(moves[0]).toMatchObject({ delta: 3 });
    expect(JSON.stringify(moves[0])).toContain("モール在庫の取り込み");
    expect(await sim.shows(kind, code)).toBe(23);
  });
});

describe("drift check, and what is not drift", () => {
  it("a sale on the mall not taken in yet is not drift: the check takes the order in instead", async () => {
    const { c, shop, code } = await setup("shopify", "fix");
    await sim.control("shopify", "POST", "/orders", { lines: [{ code, quantity: 2 }] });
    await scheduledStep(c, shop.id);
    expect(await openDrift(c)).toEqual([]);
    expect(await onHand(c)).toBe(18);
    expect((await c.get("/notifications")).json.items.filter((n: any) => n.cause === "drift")).toEqual([]);
  });

  it("an inventory_levels/update webhook runs the check for that item at once", async () => {
    const { c, shop, code } = await setup("shopify", "fix");
    await c.patch("/settings", { publicUrl: KURA_BASE });
    expect((await c.post(`/shops/${shop.id}/test`)).json.ok).toBe(true);
    await sim.control("shopify", "POST", "/listings", { items: [{ code, quantity: 31 }] });
    const found = await until("drift recorded from the webhook", () => openDrift(c), (d) => d.length === 1);
    expect(found[0]).toMatchObject({ mallFigure: 31, kuraFigure: 20, action: "fix" });
    await until("Shopify back at Kura's 20", () => sim.shows("shopify", code), (q) => q === 20);
  });

  it("in step again: the open drift is resolved on the next read-back", async () => {
    const { c, shop, code } = await setup("rakuten");
    await sim.control("rakuten", "POST", "/listings", { items: [{ code, quantity: 25 }] });
    await scheduledStep(c, shop.id);
    expect(await openDrift(c)).toHaveLength(1);
    await sim.control("rakuten", "POST", "/listings", { items: [{ code, quantity: 20 }] });
    // Due again once a day has passed since it was read.
    await env.DB.prepare("UPDATE listings SET drift_checked_at = drift_checked_at - 86400001 WHERE shop_id = ?").bind(shop.id).run();
    await scheduledStep(c, shop.id);
    expect(await openDrift(c)).toEqual([]);
    expect((await c.get("/drift?status=all")).json.items[0].resolvedAt).not.toBeNull();
  });

  it("the walk spends at most its share: on BASE (a request per item) one step reads 6 listings, the next right after none", async () => {
    const c = await newAccount();
    const { shop, checked } = await baseShopForWalk(c, "B", 7101);
    const before = (await sim.control("base", "GET", "/calls")).calls.length;
    await scheduledStep(c, shop.id);
    expect(await checked()).toBe(6);
    expect((await sim.control("base", "GET", "/calls")).calls.length - before).toBe(6);
    await scheduledStep(c, shop.id);
    expect(await checked()).toBe(6);
  });

  it("the walk gives way to a change: a sale during its first read ends the step, and the sale goes out", async () => {
    const c = await newAccount();
    const { shop, checked } = await baseShopForWalk(c, "G", 7301);

    // The walk's first read is held at BASE's door until a sale has been taken in and marked.
    const hold = holdFirstRequest(
      (url) => url.includes("/1/items/detail/"),
      async () => {
        await c.post("/sales", { source: "pos", orderId: "G-SALE", kind: "sale", lines: [{ lineId: "1", code: "G-8", quantity: 2 }] });
        await until("the sale marked", async () => (await c.get(`/shops/${shop.id}`)).json, (s) => s.unreflected >= 1);
      },
    );
    try {
      await scheduledStep(c, shop.id);
    } finally {
      hold.restore();
    }
    expect(hold.held()).toBe(true);
    // One listing read, not the step's six: the rest wait for a quiet moment.
    expect(await checked()).toBe(1);
    await until("BASE shows the sale", () => sim.shows("base", "7308"), (q) => q === 3);
  });

  it("the walk waits while a 一括反映 runs (it sends every figure anyway), and reads again once it is over", async () => {
    const c = await newAccount();
    const { shop, checked } = await baseShopForWalk(c, "W", 7501);

    const started = await c.post(`/shops/${shop.id}/resync`);
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    await scheduledStep(c, shop.id);
    expect(await checked()).toBe(0);
    expect((await c.post(`/jobs/${started.json.id}/cancel`)).status).toBe(200);
    await until(
      "the walk reading again",
      async () => {
        await scheduledStep(c, shop.id);
        return checked();
      },
      (n) => n > 0,
      30_000,
    );
  });

  it("the minute's push task sends the shop's drift step half a minute on", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "rakuten");
    const sends = vi.spyOn(env.PUSH_QUEUE, "send").mockResolvedValue(undefined as never);
    let calls: unknown[][];
    try {
      await runTask(env, { kind: "push", accountId: c.accountId, shopId: shop.id });
    } finally {
      calls = [...sends.mock.calls];
      sends.mockRestore();
    }
    expect(calls).toEqual([[{ kind: "drift", accountId: c.accountId, shopId: shop.id }, { delaySeconds: 30 }]]);
  });
});
