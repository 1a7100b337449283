import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newAccount, product, sale } from "../helpers/api";

describe("set products (セット商品)", () => {
  it("selling a set lowers every component by qty × set quantity; its own figure is derived", async () => {
    const c = await newAccount();
    await product(c, "A", { onHand: 30 });
    await product(c, "B", { onHand: 10 });
    const set = await product(c, "SET-AB", { components: [{ masterCode: "A", quantity: 3 }, { masterCode: "B", quantity: 1 }] });
    expect(set).toMatchObject({ isSet: true, onHand: 10 });
    const r = await sale(c, "pos", "S1", [{ lineId: "1", code: "SET-AB", quantity: 2 }]);
    expect(r.json.lines[0]).toMatchObject({ result: "applied", onHand: 8 });
    expect((await c.get("/products/A")).json.onHand).toBe(24);
    expect((await c.get("/products/B")).json.onHand).toBe(8);
    // Cancelling the set restores each component exactly.
    await sale(c, "pos", "S1", [{ lineId: "1", code: "SET-AB", quantity: 2 }], "cancel");
    expect((await c.get("/products/A")).json.onHand).toBe(30);
    expect((await c.get("/products/B")).json.onHand).toBe(10);
  });

  it("concurrent sales of a set and of its components end exact and consistent", async () => {
    const c = await newAccount();
    await product(c, "A", { onHand: 1000 });
    await product(c, "B", { onHand: 1000 });
    await product(c, "S", { components: [{ masterCode: "A", quantity: 2 }, { masterCode: "B", quantity: 1 }] });
    const reqs = [];
    for (let i = 0; i < 60; i++) {
      reqs.push(sale(c, "mall", `S-${i}`, [{ lineId: "1", code: "S", quantity: 1 }]));
      reqs.push(sale(c, "mall", `A-${i}`, [{ lineId: "1", code: "A", quantity: 1 }]));
      reqs.push(sale(c, "mall", `B-${i}`, [{ lineId: "1", code: "B", quantity: 2 }]));
    }
    const res = await Promise.all(reqs);
    expect(res.every((r) => r.json.lines[0].result === "applied")).toBe(true);
    const a = (await c.get("/products/A")).json.onHand;
    const b = (await c.get("/products/B")).json.onHand;
    expect(a).toBe(1000 - 60 * 2 - 60); // 820
    expect(b).toBe(1000 - 60 - 120); // 820
    expect((await c.get("/products/S")).json.onHand).toBe(Math.min(Math.floor(a / 2), b));
    const stub = env.STOCK.getByName(`${c.accountId}:${(await c.get("/products/A")).json.group.id}`);
    expect(await stub.checkInvariant({ accountId: c.accountId, groupId: (await c.get("/products/A")).json.group.id })).toEqual([]);
  });

  it("sets and components must share a group, and sets are one level deep", async () => {
    const c = await newAccount();
    await c.post("/groups", { name: "別グループ" });
    await product(c, "A", { onHand: 5, group: "別グループ" });
    await product(c, "B", { onHand: 5 });
    const cross = await c.post("/products", { masterCode: "S1", name: "s", components: [{ masterCode: "A", quantity: 1 }] });
    expect(cross.status).toBe(409);
    expect(cross.json.detail).toContain("share one group");
    await product(c, "S2", { components: [{ masterCode: "B", quantity: 1 }] });
    const nested = await c.post("/products", { masterCode: "S3", name: "s", components: [{ masterCode: "S2", quantity: 1 }] });
    expect(nested.status).toBe(400);
    const withStock = await c.post("/products", { masterCode: "S4", name: "s", onHand: 3, components: [{ masterCode: "B", quantity: 1 }] });
    expect(withStock.status).toBe(400);
    expect((await c.get("/products/S1")).status).toBe(404);
    // A component in use cannot be deleted.
    expect((await c.del("/products/B")).status).toBe(409);
    // A set's stock cannot be set directly.
    expect((await c.post("/products/S2/stock", { mode: "set", quantity: 3 })).status).toBe(409);
  });
});
