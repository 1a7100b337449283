import { describe, expect, it } from "vitest";
import { drain, newAccount, product, sale, until } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";

const sim = useMallSim();

describe("GET/PATCH /settings", () => {
  it("shows the defaults and changes exactly the fields sent, with an 操作ログ entry", async () => {
    const c = await newAccount();
    const first = await c.get("/settings");
    expect(first.status).toBe(200);
    expect(first.json).toMatchObject({ syncEnabled: true, reflectIntervalMinutes: 5, lowStockDefault: null });

    const r = await c.patch("/settings", { reflectIntervalMinutes: 10 });
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ syncEnabled: true, reflectIntervalMinutes: 10, lowStockDefault: null });
    expect((await c.patch("/settings", { lowStockDefault: 3 })).json).toMatchObject({ reflectIntervalMinutes: 10, lowStockDefault: 3 });
    expect((await c.get("/settings")).json).toMatchObject({ syncEnabled: true, reflectIntervalMinutes: 10, lowStockDefault: 3 });
    expect((await c.patch("/settings", { lowStockDefault: null })).json.lowStockDefault).toBeNull();

    const ops = (await c.get("/logs/operations")).json.items.filter((o: any) => o.action === "settings.update");
    expect(ops.length).toBe(3);
    expect(ops.some((o: any) => JSON.stringify(o).includes("reflectIntervalMinutes"))).toBe(true);
  });

  it("refuses an empty change, an interval outside 3–20 and unknown fields", async () => {
    const c = await newAccount();
    for (const body of [{}, { reflectIntervalMinutes: 2 }, { reflectIntervalMinutes: 21 }, { syncEnabled: "yes" }, { lowStockDefault: -1 }, { colour: "red" }]) {
      const r = await c.patch("/settings", body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(r.type).toContain("application/problem+json");
    }
    expect((await c.get("/settings")).json).toMatchObject({ syncEnabled: true, reflectIntervalMinutes: 5 });
  });

  it("with 在庫連動 off a POS sale is not pushed; turning it back on sends it without anyone asking", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "shopify");
    const p = await product(c, "SET-TEA", { onHand: 20 });
    await sim.control("shopify", "POST", "/listings", { items: [{ code: "SET-TEA", quantity: 0 }] });
    await drain(c.accountId, p.group.id);
    expect((await c.post(`/shops/${shop.id}/push`)).json).toMatchObject({ failed: 0 });
    expect(await sim.shows("shopify", "SET-TEA")).toBe(20);

    expect((await c.patch("/settings", { syncEnabled: false })).json.syncEnabled).toBe(false);
    await sale(c, "pos-shibuya", "P-1", [{ lineId: "1", code: "SET-TEA", quantity: 3 }]);
    await drain(c.accountId, p.group.id);
    await new Promise((r) => setTimeout(r, 2500));
    expect(await sim.shows("shopify", "SET-TEA")).toBe(20);

    expect((await c.patch("/settings", { syncEnabled: true })).json.syncEnabled).toBe(true);
    await until("Shopify's figure", () => sim.shows("shopify", "SET-TEA"), (q) => q === 17);
  });
});
