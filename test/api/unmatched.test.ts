import { describe, expect, it } from "vitest";
import { newAccount, product, sale } from "../helpers/api";

describe("未登録コード: GET /sales/unmatched, POST /sales/unmatched/{id}/apply, /apply-all", () => {
  it("a POS sale of an unknown code is listed; once the product exists, applying it lowers stock once", async () => {
    const c = await newAccount();
    const r = await sale(c, "pos-shibuya", "R-1", [{ lineId: "1", code: "NEW-TEA", quantity: 2 }]);
    expect(r.json.lines[0].result).toBe("unknown_code");

    const list = await c.get("/sales/unmatched");
    expect(list.status).toBe(200);
    expect(list.json.items).toHaveLength(1);
    const line = list.json.items[0];
    expect(line).toMatchObject({ source: "pos-shibuya", shopId: null, orderId: "R-1", lineId: "1", code: "NEW-TEA", quantity: 2, kind: "sale" });

    // Still unknown: applying reports it and it stays listed.
    const early = await c.post(`/sales/unmatched/${line.id}/apply`);
    expect(early.status).toBe(200);
    expect(early.json).toMatchObject({ resolved: 0, stillUnmatched: [line.id] });
    expect((await c.get("/sales/unmatched")).json.items).toHaveLength(1);

    await product(c, "NEW-TEA", { onHand: 10 });
    const applied = await c.post(`/sales/unmatched/${line.id}/apply`);
    expect(applied.status).toBe(200);
    expect(applied.json).toMatchObject({ resolved: 1, stillUnmatched: [], lines: [{ id: line.id, result: "applied", onHand: 8 }] });
    expect((await c.get("/products/NEW-TEA")).json.onHand).toBe(8);
    expect((await c.get("/sales/unmatched")).json.items).toEqual([]);

    // Applying again finds nothing to apply, and the POS re-sending the line changes nothing either.
    expect((await c.post(`/sales/unmatched/${line.id}/apply`)).status).toBe(404);
    expect((await c.post("/sales/unmatched/apply-all")).json).toMatchObject({ resolved: 0, lines: [] });
    expect((await sale(c, "pos-shibuya", "R-1", [{ lineId: "1", code: "NEW-TEA", quantity: 2 }])).json.lines[0].result).toBe("duplicate");
    expect((await c.get("/products/NEW-TEA")).json.onHand).toBe(8);

    const ops = await c.get("/logs/operations");
    expect(ops.json.items.some((o: any) => o.action === "sales.unmatched_apply")).toBe(true);
  });

  it("apply-all resolves what now matches and reports what still matches nothing; lists newest first with a cursor", async () => {
    const c = await newAccount();
    await sale(c, "pos", "A", [{ lineId: "1", code: "X-1", quantity: 1 }]);
    await sale(c, "pos", "B", [{ lineId: "1", code: "X-2", quantity: 3 }]);
    await sale(c, "erp", "C", [{ lineId: "1", code: "X-1", quantity: 1 }]);

    const page1 = await c.get("/sales/unmatched?limit=2");
    expect(page1.json.items.map((l: any) => l.orderId)).toEqual(["C", "B"]);
    const page2 = await c.get(`/sales/unmatched?limit=2&cursor=${encodeURIComponent(page1.json.nextCursor)}`);
    expect(page2.json.items.map((l: any) => l.orderId)).toEqual(["A"]);
    expect(page2.json.nextCursor).toBeNull();

    await product(c, "X-1", { onHand: 5 });
    const all = await c.post("/sales/unmatched/apply-all");
    expect(all.status).toBe(200);
    expect(all.json.resolved).toBe(2);
    expect(all.json.stillUnmatched).toHaveLength(1);
    expect((await c.get("/products/X-1")).json.onHand).toBe(3);
    expect((await c.get("/sales/unmatched")).json.items.map((l: any) => l.code)).toEqual(["X-2"]);

    await c.post("/sales/unmatched/apply-all");
    expect((await c.get("/products/X-1")).json.onHand).toBe(3);
  });

  it("a shop's line is applied under the shop's own key: the same order line from that shop is then a duplicate", async () => {
    const c = await newAccount();
    const created = await c.post("/shops", { kind: "shopify", name: "Shopify", updateEnabled: false, credentials: { shopDomain: "x.myshopify.com", accessToken: "t" } });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    const shop = created.json;
    await sale(c, String(shop.id), "#1001", [{ lineId: "L1", code: "SH-1", quantity: 1 }]);
    const line = (await c.get("/sales/unmatched")).json.items[0];
    expect(line).toMatchObject({ source: String(shop.id), shopId: shop.id, orderId: "#1001", code: "SH-1" });
    await product(c, "SH-1", { onHand: 4 });
    expect((await c.post(`/sales/unmatched/${line.id}/apply`)).json).toMatchObject({ resolved: 1, lines: [{ result: "applied", onHand: 3 }] });
    expect((await sale(c, String(shop.id), "#1001", [{ lineId: "L1", code: "SH-1", quantity: 1 }])).json.lines[0].result).toBe("duplicate");
    expect((await c.get("/products/SH-1")).json.onHand).toBe(3);
  });

  it("another account's line answers 404", async () => {
    const a = await newAccount();
    const b = await newAccount();
    await sale(a, "pos", "Z", [{ lineId: "1", code: "NOPE", quantity: 1 }]);
    const id = (await a.get("/sales/unmatched")).json.items[0].id;
    expect((await b.post(`/sales/unmatched/${id}/apply`)).status).toBe(404);
    expect((await b.get("/sales/unmatched")).json.items).toEqual([]);
  });
});
