import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drain, newAccount, product, sale } from "../helpers/api";

describe("moving products between groups", () => {
  it("a move between groups under concurrent sales loses and doubles nothing", async () => {
    const c = await newAccount();
    const g2 = (await c.post("/groups", { name: "移動先" })).json;
    const p = await product(c, "MOVER", { onHand: 1000 });
    const g1 = p.group.id;

    const sales = Array.from({ length: 150 }, (_, i) => sale(c, "mall", `M-${i}`, [{ lineId: "1", code: "MOVER", quantity: 1 }]));
    const move = c.patch("/products/MOVER", { group: g2.id });
    const res = await Promise.all([...sales, move]);
    const moveRes = res.pop()!;
    expect(moveRes.status, JSON.stringify(moveRes.json)).toBe(200);
    expect(moveRes.json.group.id).toBe(g2.id);
    expect(res.every((r) => r.json.lines[0].result === "applied")).toBe(true);

    // Replays after the move reach the new group and are recognised as duplicates.
    const replay = await Promise.all(Array.from({ length: 150 }, (_, i) => sale(c, "mall", `M-${i}`, [{ lineId: "1", code: "MOVER", quantity: 1 }])));
    expect(replay.every((r) => r.json.lines[0].result === "duplicate")).toBe(true);

    expect((await c.get("/products/MOVER")).json.onHand).toBe(850);
    const to = { accountId: c.accountId, groupId: g2.id };
    const from = { accountId: c.accountId, groupId: g1 };
    const newObj = env.STOCK.getByName(`${c.accountId}:${g2.id}`);
    expect(await newObj.checkInvariant(to)).toEqual([]);
    expect((await newObj.getStock(to)).map((r) => [r.masterCode, r.onHand])).toEqual([["MOVER", 850]]);
    expect(await env.STOCK.getByName(`${c.accountId}:${g1}`).getStock(from)).toEqual([]);
    // The ledger moved with the product: its history still sums to on_hand.
    const mv = await c.get("/products/MOVER/movements?limit=500");
    expect(mv.json.items.reduce((s: number, m: any) => s + m.delta, 0)).toBe(850);

    await drain(c.accountId, g1);
    await drain(c.accountId, g2.id);
    const row = await env.DB.prepare("SELECT on_hand FROM stock WHERE account_id = ?").bind(c.accountId).first();
    expect(row).toEqual({ on_hand: 850 });
  });

  it("a set moves together with its components, and a cancel after the move restores exactly", async () => {
    const c = await newAccount();
    const g2 = (await c.post("/groups", { name: "セット用" })).json;
    await product(c, "A", { onHand: 20 });
    await product(c, "S", { components: [{ masterCode: "A", quantity: 2 }] });
    await sale(c, "mall", "O1", [{ lineId: "1", code: "S", quantity: 3 }]);
    const moved = await c.patch("/products/A", { group: g2.id });
    expect(moved.status).toBe(200);
    expect((await c.get("/products/S")).json.group.id).toBe(g2.id);
    expect((await sale(c, "mall", "O1", [{ lineId: "1", code: "S", quantity: 3 }], "cancel")).json.lines[0]).toMatchObject({ result: "applied", onHand: 10 });
    expect((await c.get("/products/A")).json.onHand).toBe(20);
  });
});
