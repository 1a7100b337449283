import { describe, expect, it } from "vitest";
import { newAccount, product, sale } from "../helpers/api";

describe("tenancy", () => {
  it("account A can never read or change account B's data", async () => {
    const a = await newAccount();
    const b = await newAccount();
    await product(b, "B-SECRET", { onHand: 7 });
    const bGroup = (await b.get("/groups")).json.items[0];

    expect((await a.get("/products/B-SECRET")).status).toBe(404);
    expect((await a.get("/products/B-SECRET/movements")).status).toBe(404);
    expect((await a.get("/products/B-SECRET/figures")).status).toBe(404);
    expect((await a.patch("/products/B-SECRET", { name: "pwned" })).status).toBe(404);
    expect((await a.post("/products/B-SECRET/stock", { mode: "set", quantity: 0 })).status).toBe(404);
    expect((await a.del("/products/B-SECRET")).status).toBe(404);
    expect((await a.get(`/groups/${bGroup.id}`)).status).toBe(404);
    expect((await a.patch(`/groups/${bGroup.id}`, { reserved: 5 })).status).toBe(404);
    expect((await a.get("/products")).json.items).toEqual([]);
    // A sale naming B's code from A's token is an unknown code in A, and B's stock is untouched.
    expect((await sale(a, "pos", "X", [{ lineId: "1", code: "B-SECRET", quantity: 3 }])).json.lines[0].result).toBe("unknown_code");
    // A cannot put products in B's group.
    expect((await a.post("/products", { masterCode: "A1", name: "a", group: bGroup.id })).status).toBe(400);
    expect((await a.get("/logs/sales")).json.items.every((r: any) => r.mallCode !== "B-SECRET" || r.result === "unknown_code")).toBe(true);
    expect((await b.get("/logs/sales")).json.items).toEqual([]);

    const bView = await b.get("/products/B-SECRET");
    expect(bView.json).toMatchObject({ name: "商品 B-SECRET", onHand: 7 });
    // The same master code can exist in both accounts independently.
    await product(a, "B-SECRET", { onHand: 1 });
    expect((await b.get("/products/B-SECRET")).json.onHand).toBe(7);
  });
});
