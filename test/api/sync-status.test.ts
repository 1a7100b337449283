import { describe, expect, it } from "vitest";
import { drain, newAccount, product, sale, until } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";

const sim = useMallSim();

describe("shop status: unreflected and lag, and GET /sync/status", () => {
  it("a sale held back by 在庫連動 off shows as 未反映 on the shop and in the totals, and clears with a lag once sent", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "shopify");
    const p = await product(c, "ST-1", { onHand: 9 });
    await sim.control("shopify", "POST", "/listings", { items: [{ code: "ST-1", quantity: 0 }] });
    await drain(c.accountId, p.group.id);
    await until("shop caught up", async () => (await c.get(`/shops/${shop.id}`)).json.unreflected, (n) => n === 0);

    await c.patch("/settings", { syncEnabled: false });
    await sale(c, "pos", "S-1", [{ lineId: "1", code: "ST-1", quantity: 2 }]);
    await drain(c.accountId, p.group.id);
    const waiting = await until("shop shows 未反映", async () => (await c.get(`/shops/${shop.id}`)).json, (s) => s.unreflected === 1);
    expect(waiting.lag).toMatchObject({ samples: expect.any(Number) });
    expect((await c.get("/shops")).json.items[0].unreflected).toBe(1);

    const st = await c.get("/sync/status");
    expect(st.status).toBe(200);
    expect(st.json.syncEnabled).toBe(false);
    expect(st.json.shops).toEqual([
      expect.objectContaining({ id: shop.id, kind: "shopify", name: "shopify 店", health: "ok", healthLabel: "正常", unreflected: 1, lastError: null }),
    ]);
    expect(st.json.totals).toMatchObject({ shops: 1, ok: 1, error: 0, stopped: 0, unreflected: 1 });

    await c.patch("/settings", { syncEnabled: true });
    // Sent: nothing waits any more and the shop has a push to show for it.
    const done = await until("sent", async () => (await c.get("/sync/status")).json, (s) => s.totals.unreflected === 0 && s.shops[0].lastPushAt !== null);
    expect(done.shops[0].lag.samples).toBeGreaterThan(0);
    expect(done.shops[0].lag.p95Ms).toEqual(expect.any(Number));
    expect(done.totals.worstP95Ms).toBe(done.shops[0].lag.p95Ms);
  });

  it("an account without shops has empty totals; another account's shops are not counted", async () => {
    const a = await newAccount();
    await sim.shopOn(a, "base");
    const b = await newAccount();
    const st = await b.get("/sync/status");
    expect(st.json).toMatchObject({ syncEnabled: true, shops: [], totals: { shops: 0, unreflected: 0, worstP95Ms: null } });
  });
});
