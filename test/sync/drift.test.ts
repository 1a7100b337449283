import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { SimKind } from "../../sim/index";
import { type Client, drain, newAccount, product, sale, until } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";

// Every mall lowers its own figure the moment a customer buys there. Kura must push whenever its
// figure differs from what the mall shows now — not from what it last sent — or a mall whose
// sale did not move Kura's figure drifts to 0, and Shopify's compare-and-swap fails for good.

const sim = useMallSim();

const MALL_CODE: Record<SimKind, { code: string; override?: string }> = {
  rakuten: { code: "cap-1:normal-inventory" },
  yahoo: { code: "CAP-1" },
  amazon: { code: "CAP-1" },
  shopify: { code: "CAP-1" },
  base: { code: "7001", override: "7001" },
  aupay: { code: "CAP-1" },
  colorme: { code: "7101", override: "7101" },
};

/** A call that the mall may answer with "wait" (Shopify's cost bucket): honour the hint, as the engine does. */
async function patiently(call: () => Promise<{ status: number; json: any }>) {
  for (let i = 0; ; i++) {
    const r = await call();
    if (r.status !== 503 || i === 3) return r;
    await new Promise((res) => setTimeout(res, (r.json.retryAfterSec ?? 1) * 1000));
  }
}

/**
 * The engine pushes by itself as soon as it can; a push asked for by hand waits its turn behind
 * it. Either way nothing may fail, and the mall must end at `want`.
 */
async function settle(c: Client, shopId: number, kind: SimKind, code: string, want: number) {
  const r = await patiently(() => c.post(`/shops/${shopId}/push`));
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  expect(r.json.failed, JSON.stringify(r.json)).toBe(0);
  await until(`${kind} ${code}`, () => sim.shows(kind, code), (q) => q === want);
}

describe.each(Object.keys(MALL_CODE) as SimKind[])("販売制限 on a %s shop", (kind) => {
  it("a sale on the mall under a cap ends with the mall back at the cap", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, kind, { salesLimit: 10 });
    const p = await product(c, "CAP-1", { onHand: 50 });
    await drain(c.accountId, p.group.id);
    const { code, override } = MALL_CODE[kind];
    if (override) await c.put(`/products/CAP-1/shops/${shop.id}`, { managed: true, mallCode: override });
    await sim.control(kind, "POST", "/listings", { items: [{ code, quantity: 0 }] });

    await settle(c, shop.id, kind, code, 10);

    await sim.control(kind, "POST", "/orders", { lines: [{ code, quantity: 1 }] });
    expect(await sim.shows(kind, code)).toBe(9);
    expect((await patiently(() => c.post(`/shops/${shop.id}/pull`))).json.counts.applied).toBe(1);
    expect((await c.get("/products/CAP-1")).json.onHand).toBe(49);

    // Kura's figure is still the cap (10); the mall shows 9: it must be sent again.
    await settle(c, shop.id, kind, code, 10);
    // And once in step, nothing more is sent.
    expect((await patiently(() => c.post(`/shops/${shop.id}/push`))).json).toMatchObject({ sent: 0 });
  });
});

describe("Shopify's compare-and-swap follows the mall's own sales", () => {
  async function setup(onHand: number) {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "shopify");
    const p = await product(c, "CAP-1", { onHand });
    await drain(c.accountId, p.group.id);
    await sim.control("shopify", "POST", "/listings", { items: [{ code: "CAP-1", quantity: 0 }] });
    await settle(c, shop.id, "shopify", "CAP-1", onHand);
    return { c, shop };
  }
  const pull = (c: Client, shopId: number) => patiently(() => c.post(`/shops/${shopId}/pull`));

  it("a Shopify sale taken in, then a POS sale: Shopify shows Kura's figure", async () => {
    const { c, shop } = await setup(20);
    await sim.control("shopify", "POST", "/orders", { lines: [{ code: "CAP-1", quantity: 2 }] });
    expect((await pull(c, shop.id)).json.counts.applied).toBe(1);
    await sale(c, "pos-shibuya", "P-1", [{ lineId: "1", code: "CAP-1", quantity: 1 }]);
    await settle(c, shop.id, "shopify", "CAP-1", 17);
    expect((await c.get(`/shops/${shop.id}`)).json.status).toBe("ok");
  });

  it("the same with a Shopify cancel in between", async () => {
    const { c, shop } = await setup(20);
    const order = await sim.control("shopify", "POST", "/orders", { lines: [{ code: "CAP-1", quantity: 3 }] });
    expect((await pull(c, shop.id)).json.counts.applied).toBe(1);
    await sim.control("shopify", "POST", `/orders/${order.orderId}/cancel`);
    expect(await sim.shows("shopify", "CAP-1")).toBe(20);
    // Taken in by this pull, or already by the engine (a refused swap makes it pull first).
    expect((await pull(c, shop.id)).status).toBe(200);
    expect((await c.get("/products/CAP-1")).json.onHand).toBe(20);
    await sale(c, "pos-shibuya", "P-2", [{ lineId: "1", code: "CAP-1", quantity: 1 }]);
    await settle(c, shop.id, "shopify", "CAP-1", 19);
  });

  it("a Shopify sale not yet taken in makes the swap fail once: Kura takes the order in and sends the right figure", async () => {
    const { c, shop } = await setup(20);
    await sim.control("shopify", "POST", "/orders", { lines: [{ code: "CAP-1", quantity: 2 }] });
    await sale(c, "pos-shibuya", "P-3", [{ lineId: "1", code: "CAP-1", quantity: 1 }]);
    await settle(c, shop.id, "shopify", "CAP-1", 17);
    expect((await c.get("/products/CAP-1")).json.onHand).toBe(17);
  });

  it("a figure edited in Shopify's admin: Kura's figure wins against the figure read back, and the difference is logged", async () => {
    const { c, shop } = await setup(20);
    await sim.control("shopify", "POST", "/listings", { items: [{ code: "CAP-1", quantity: 25 }] });
    await sale(c, "pos-shibuya", "P-4", [{ lineId: "1", code: "CAP-1", quantity: 1 }]);
    await settle(c, shop.id, "shopify", "CAP-1", 19);
    const drift = await env.DB.prepare("SELECT before, after FROM operation_log WHERE account_id = ? AND action = 'shop.drift_corrected'")
      .bind(c.accountId)
      .all<{ before: string; after: string }>();
    expect(drift.results.map((d) => JSON.parse(d.before))).toEqual([{ shopId: shop.id, mallShowed: 25, kuraExpected: 20 }]);
    expect((await c.get(`/shops/${shop.id}`)).json.status).toBe("ok");
  });
});

describe("fresh figures and honest status", () => {
  it("a push right after creating a product sends its stock, not the projection's 0", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "rakuten");
    await sim.control("rakuten", "POST", "/listings", { items: [{ code: "new-1:normal-inventory", quantity: 0 }] });
    await product(c, "NEW-1", { onHand: 50 });
    await settle(c, shop.id, "rakuten", "new-1:normal-inventory", 50);
  });

  it("a shop whose items fail says 一時エラー with the count and the last error, and 正常 again once they go through", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "rakuten");
    await sim.control("rakuten", "POST", "/listings", { items: [{ code: "fine-1:normal-inventory", quantity: 0 }] });
    const p = await product(c, "FINE-1", { onHand: 3 });
    await product(c, "GHOST-1", { onHand: 3 });
    await drain(c.accountId, p.group.id);
    expect((await patiently(() => c.post(`/shops/${shop.id}/push`))).json).toMatchObject({ failed: 1 });
    const bad = (await c.get(`/shops/${shop.id}`)).json;
    expect(bad.status).toBe("retrying");
    expect(bad.lastError).toContain("1 件");
    expect(bad.lastError).toContain("ghost-1");
    // Registered on the mall: the next push goes through and the shop is 正常.
    await sim.control("rakuten", "POST", "/listings", { items: [{ code: "ghost-1:normal-inventory", quantity: 0 }] });
    await settle(c, shop.id, "rakuten", "ghost-1:normal-inventory", 3);
    const good = (await c.get(`/shops/${shop.id}`)).json;
    expect(good).toMatchObject({ status: "ok", lastError: null });
  });
});
