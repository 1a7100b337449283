import { describe, expect, it } from "vitest";
import { newAccount, product } from "../helpers/api";

// Registering a catalogue at once (a shop moving to Kura, the benchmarks): all or nothing, within
// the plan, each product's opening stock a movement in its group's ledger.

describe("POST /products/bulk", () => {
  it("registers a thousand products in one call, each with its opening stock and group", async () => {
    const c = await newAccount({ maxProducts: 2000, maxShops: 5 });
    expect((await c.post("/groups", { name: "茶葉" })).status).toBe(201);
    const items = Array.from({ length: 1000 }, (_, i) => ({ masterCode: `BK-${i + 1}`, name: `一括 ${i + 1}`, onHand: i, ...(i % 2 ? { group: "茶葉" } : {}) }));
    const res = await c.post("/products/bulk", { items });
    expect(res.status, JSON.stringify(res.json).slice(0, 300)).toBe(201);
    expect(res.json.created).toBe(1000);
    const one = await c.get("/products/BK-778");
    expect(one.json).toMatchObject({ masterCode: "BK-778", onHand: 777, group: { name: "茶葉" } });
    expect((await c.get("/products/BK-1")).json).toMatchObject({ onHand: 0, group: { name: "既定グループ" } });
    const moves = await c.get("/products/BK-778/movements");
    expect(moves.json.items).toHaveLength(1);
    const ops = await c.get("/logs/operations?limit=5");
    expect(JSON.stringify(ops.json)).toContain("product.bulk_create");
  });

  it("all or nothing: a code already registered, a code twice, a set, or more than the plan allows saves none", async () => {
    const c = await newAccount({ maxProducts: 5, maxShops: 5 });
    await product(c, "OLD-1", { onHand: 1 });
    const taken = await c.post("/products/bulk", { items: [{ masterCode: "NEW-1", name: "a" }, { masterCode: "OLD-1", name: "b" }] });
    expect(taken.status).toBe(409);
    expect(taken.json.detail).toContain("OLD-1");
    const twice = await c.post("/products/bulk", { items: [{ masterCode: "NEW-1", name: "a" }, { masterCode: "NEW-1", name: "b" }] });
    expect(twice.status).toBe(400);
    const set = await c.post("/products/bulk", { items: [{ masterCode: "SET-1", name: "s", components: [{ masterCode: "OLD-1", quantity: 2 }] }] });
    expect(set.status).toBe(400);
    const over = await c.post("/products/bulk", { items: Array.from({ length: 5 }, (_, i) => ({ masterCode: `N-${i}`, name: "n" })) });
    expect(over.status).toBe(403);
    expect(over.json.detail).toContain("4");
    const list = await c.get("/products?limit=100");
    expect(list.json.items.map((p: { masterCode: string }) => p.masterCode)).toEqual(["OLD-1"]);
  });
});
