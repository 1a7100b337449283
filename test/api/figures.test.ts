import { describe, expect, it } from "vitest";
import { drain, newAccount, product } from "../helpers/api";

const creds = { serviceSecret: "SP-x", licenseKey: "SL-x" };

describe("GET /products/{code}/figures — why is this N?", () => {
  it("shows each shop's figure with the documented steps, for a product and for a set", async () => {
    const c = await newAccount();
    const g = (await c.post("/groups", { name: "ギフト", reserved: 2, ratio: 50 })).json;
    const main = (await c.post("/shops", { kind: "rakuten", name: "楽天", credentials: creds })).json;
    const capped = (await c.post("/shops", { kind: "rakuten", name: "楽天 2号店", credentials: creds, salesLimit: 3 })).json;
    const off = (await c.post("/shops", { kind: "rakuten", name: "止めた店", credentials: creds, updateEnabled: false })).json;
    await product(c, "CUP", { onHand: 21, group: g.id });
    await product(c, "SAUCER", { onHand: 9, group: g.id, reserved: 0 });
    await product(c, "CUP-SET", { group: g.id, components: [{ masterCode: "CUP", quantity: 2 }, { masterCode: "SAUCER", quantity: 1 }] });
    await c.put(`/products/SAUCER/shops/${main.id}`, { managed: false });

    const cup = (await c.get("/products/CUP/figures")).json.shops;
    // (21 − 2) × 50% = 9.5 → 9; capped shop: min(9, 3) = 3; モール更新 off: nothing.
    expect(cup.map((s: any) => [s.shopId, s.figure])).toEqual([[main.id, 9], [capped.id, 3], [off.id, null]]);
    expect(cup[0].trace.map((t: any) => [t.step, t.value])).toEqual([["base", 21], ["reserved", 19], ["ratio", 9], ["clamp", 9]]);

    // 対象外 on the main shop.
    expect((await c.get("/products/SAUCER/figures")).json.shops[0]).toMatchObject({ shopId: main.id, figure: null });

    // Set base: min(floor((21 − 2) / 2), floor((9 − 0) / 1)) = 9, then its own rules: (9 − 2) × 50% = 3.
    const set = (await c.get("/products/CUP-SET/figures")).json.shops;
    expect(set[0].trace.map((t: any) => [t.step, t.value])).toEqual([["base", 9], ["reserved", 7], ["ratio", 3], ["clamp", 3]]);
    expect((await c.get("/products/CUP-SET")).json.onHand).toBe(9);
    await drain(c.accountId, g.id);
    expect((await c.get("/products?query=CUP-SET")).json.items[0].onHand).toBe(9);
  });
});
