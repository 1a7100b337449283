import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drain, newAccount, product, sale } from "../helpers/api";

describe("POST /sales", () => {
  it("200 concurrent sales of one product end exactly at start − 200, and replaying them changes nothing", async () => {
    const c = await newAccount();
    await product(c, "TEA-01", { onHand: 500 });
    const send = () =>
      Promise.all(Array.from({ length: 200 }, (_, i) => sale(c, "pos-shibuya", `R-${i}`, [{ lineId: "1", code: "TEA-01", quantity: 1 }])));
    const first = await send();
    expect(first.every((r) => r.status === 200 && r.json.lines[0].result === "applied")).toBe(true);
    expect((await c.get("/products/TEA-01")).json.onHand).toBe(300);

    const again = await send();
    expect(again.every((r) => r.json.lines[0].result === "duplicate")).toBe(true);
    expect((await c.get("/products/TEA-01")).json.onHand).toBe(300);
  });

  it("a cancel restores exactly what its sale took, once; partial cancels are cumulative", async () => {
    const c = await newAccount();
    await product(c, "CUP", { onHand: 10 });
    await sale(c, "pos", "O1", [{ lineId: "a", code: "CUP", quantity: 4 }]);
    expect((await sale(c, "pos", "O1", [{ lineId: "a", code: "CUP", quantity: 1 }], "cancel")).json.lines[0]).toMatchObject({ result: "applied", onHand: 7 });
    // The same cumulative figure again: nothing more comes back.
    expect((await sale(c, "pos", "O1", [{ lineId: "a", code: "CUP", quantity: 1 }], "cancel")).json.lines[0]).toMatchObject({ result: "duplicate", onHand: 7 });
    // Cancelling more than was sold restores only what was sold.
    expect((await sale(c, "pos", "O1", [{ lineId: "a", code: "CUP", quantity: 9 }], "cancel")).json.lines[0]).toMatchObject({ result: "applied", onHand: 10 });
  });

  it("a cancel of a line never taken in is recorded and changes nothing", async () => {
    const c = await newAccount();
    await product(c, "CUP", { onHand: 10 });
    const r = await sale(c, "pos", "NEVER", [{ lineId: "1", code: "CUP", quantity: 2 }], "cancel");
    expect(r.json.lines[0]).toMatchObject({ result: "unmatched", onHand: 10 });
    const p = await c.get("/products/CUP");
    await drain(c.accountId, p.json.group.id);
    const log = await c.get("/logs/sales?masterCode=CUP");
    expect(log.json.items[0]).toMatchObject({ orderId: "NEVER", kind: "cancel", result: "unmatched", onHandBefore: 10, onHandAfter: 10 });
  });

  it("a sale is never refused: stock goes negative and the line says oversold", async () => {
    const c = await newAccount();
    await product(c, "LAST", { onHand: 1 });
    const r = await sale(c, "pos", "O2", [{ lineId: "1", code: "LAST", quantity: 3 }]);
    expect(r.json.lines[0]).toMatchObject({ result: "applied", onHand: -2, oversold: true });
    await drain(c.accountId, (await c.get("/products/LAST")).json.group.id);
    expect((await c.get("/products?status=negative")).json.items.map((p: any) => p.masterCode)).toEqual(["LAST"]);
  });

  it("an unknown code is kept once as 未登録コード and touches no stock", async () => {
    const c = await newAccount();
    await product(c, "KNOWN", { onHand: 5 });
    const lines = [
      { lineId: "1", code: "KNOWN", quantity: 1 },
      { lineId: "2", code: "MYSTERY", quantity: 2 },
    ];
    const r = await sale(c, "pos", "O3", lines);
    expect(r.json.lines.map((l: any) => l.result)).toEqual(["applied", "unknown_code"]);
    await sale(c, "pos", "O3", lines);
    const rows = await env.DB.prepare("SELECT mall_code, result FROM sales_log WHERE account_id = ? AND result = 'unknown_code'").bind(c.accountId).all();
    expect(rows.results).toEqual([{ mall_code: "MYSTERY", result: "unknown_code" }]);
    expect((await c.get("/products/KNOWN")).json.onHand).toBe(4);
  });

  it("a sale after its product was deleted and re-created under the same code reaches the new product", async () => {
    const c = await newAccount();
    await product(c, "REBORN", { onHand: 10 });
    expect((await sale(c, "pos", "B1", [{ lineId: "1", code: "REBORN", quantity: 1 }])).json.lines[0]).toMatchObject({ result: "applied", onHand: 9 });
    expect((await c.del("/products/REBORN")).status).toBe(204);
    await product(c, "REBORN", { onHand: 5 });
    expect((await sale(c, "pos", "B3", [{ lineId: "1", code: "REBORN", quantity: 2 }])).json.lines[0]).toMatchObject({ result: "applied", onHand: 3 });
    expect((await c.get("/products/REBORN")).json.onHand).toBe(3);
    // And a code that is gone for good is kept as 未登録コード, as any unknown code is.
    expect((await c.del("/products/REBORN")).status).toBe(204);
    expect((await sale(c, "pos", "B4", [{ lineId: "1", code: "REBORN", quantity: 1 }])).json.lines[0].result).toBe("unknown_code");
    const kept = await env.DB.prepare("SELECT order_id FROM sales_log WHERE account_id = ? AND result = 'unknown_code'").bind(c.accountId).all();
    expect(kept.results).toEqual([{ order_id: "B4" }]);
  });

  it("a numeric source must be one of the account's shops", async () => {
    const c = await newAccount();
    await product(c, "X", { onHand: 1 });
    const r = await sale(c, "999", "O", [{ lineId: "1", code: "X", quantity: 1 }]);
    expect(r.status).toBe(400);
    expect(r.json.detail).toContain("not a shop");
  });
});
