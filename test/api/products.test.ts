import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drain, newAccount, product } from "../helpers/api";

describe("products API", () => {
  it("registers a product and reads it back with its stock", async () => {
    const c = await newAccount();
    const created = await product(c, "SOAP-1", { onHand: 12, reserved: 2, lowStockThreshold: 3, syncMode: "manual" });
    expect(created).toMatchObject({ masterCode: "SOAP-1", onHand: 12, reserved: 2, lowStockThreshold: 3, syncMode: "manual", isSet: false, components: [] });
    expect(created.group.name).toBe("既定グループ");
    const got = await c.get("/products/SOAP-1");
    expect(got.json).toMatchObject({ masterCode: "SOAP-1", onHand: 12 });
  });

  it("a duplicate master code is refused with 409 and changes nothing", async () => {
    const c = await newAccount();
    await product(c, "DUP", { onHand: 5 });
    const r = await c.post("/products", { masterCode: "DUP", name: "again", onHand: 99 });
    expect(r.status).toBe(409);
    expect(r.type).toContain("application/problem+json");
    expect((await c.get("/products/DUP")).json.onHand).toBe(5);
  });

  it("registering beyond the plan's product limit is refused with a clear 403", async () => {
    const c = await newAccount({ maxProducts: 2, maxShops: 1 });
    await product(c, "A");
    await product(c, "B");
    const r = await c.post("/products", { masterCode: "C", name: "C" });
    expect(r.status).toBe(403);
    expect(r.json.detail).toContain("2");
    expect((await c.get("/products")).json.items).toHaveLength(2);
  });

  it("stock set and adjust change on_hand; an idempotency key makes a retry harmless", async () => {
    const c = await newAccount();
    await product(c, "P", { onHand: 10 });
    expect((await c.post("/products/P/stock", { mode: "adjust", quantity: -3, idempotencyKey: "k1" })).json).toEqual({ onHand: 7, duplicate: false });
    expect((await c.post("/products/P/stock", { mode: "adjust", quantity: -3, idempotencyKey: "k1" })).json).toEqual({ onHand: 7, duplicate: true });
    expect((await c.post("/products/P/stock", { mode: "set", quantity: 40, reason: "棚卸し" })).json).toEqual({ onHand: 40, duplicate: false });
    const mv = await c.get("/products/P/movements");
    expect(mv.json.items.map((m: any) => [m.reason, m.delta, m.onHandAfter])).toEqual([
      ["set", 33, 40],
      ["adjust", -3, 7],
      ["set", 10, 10],
    ]);
    await drain(c.accountId, (await c.get("/products/P")).json.group.id);
    const ops = await c.get("/logs/operations?masterCode=P");
    expect(ops.json.items.map((o: any) => o.action)).toEqual(["stock.set", "stock.adjust", "product.create"]);
    expect(ops.json.items[0]).toMatchObject({ before: { onHand: 7 }, after: { onHand: 40, reason: "棚卸し" } });
  });

  it("lists with keyset pagination, search and group filter", async () => {
    const c = await newAccount();
    const g = (await c.post("/groups", { name: "夏物" })).json;
    for (const code of ["K-05", "K-01", "K-03", "K-02", "K-04"]) await product(c, code, code === "K-03" ? { group: "夏物" } : {});
    await product(c, "OTHER", { name: "うちわ" });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await c.get(`/products?query=K-&limit=2${cursor ? `&cursor=${cursor}` : ""}`);
      seen.push(...page.json.items.map((p: any) => p.masterCode));
      cursor = page.json.nextCursor;
    } while (cursor);
    expect(seen).toEqual(["K-01", "K-02", "K-03", "K-04", "K-05"]);
    expect((await c.get(`/products?group=${g.id}`)).json.items.map((p: any) => p.masterCode)).toEqual(["K-03"]);
    expect((await c.get(`/products?query=${encodeURIComponent("うちわ")}`)).json.items.map((p: any) => p.masterCode)).toEqual(["OTHER"]);
    expect((await c.get(`/products?query=${encodeURIComponent("扇風機")}`)).json.items).toEqual([]);
  });

  it("low-stock filter lists products at or under their threshold", async () => {
    const c = await newAccount();
    await product(c, "LOW", { onHand: 2, lowStockThreshold: 2 });
    await product(c, "OK", { onHand: 9, lowStockThreshold: 2 });
    await drain(c.accountId, (await c.get("/products/LOW")).json.group.id);
    expect((await c.get("/products?status=low")).json.items.map((p: any) => p.masterCode)).toEqual(["LOW"]);
  });

  it("PATCH edits fields and DELETE removes the product", async () => {
    const c = await newAccount();
    await product(c, "ED", { onHand: 1 });
    const r = await c.patch("/products/ED", { name: "新しい名前", reserved: 1, syncMode: "stopped" });
    expect(r.json).toMatchObject({ name: "新しい名前", reserved: 1, syncMode: "stopped", onHand: 1 });
    expect((await c.del("/products/ED")).status).toBe(204);
    expect((await c.get("/products/ED")).status).toBe(404);
    const row = await env.DB.prepare("SELECT COUNT(*) AS n FROM products WHERE account_id = ?").bind(c.accountId).first();
    expect(row).toEqual({ n: 0 });
  });

  it("serves the OpenAPI document without a token", async () => {
    const c = await newAccount();
    const doc = await c.get("/openapi.json");
    expect(doc.json.openapi).toBe("3.1.0");
    for (const path of ["/products", "/products/{masterCode}/stock", "/sales", "/groups", "/logs/sales", "/operator/accounts", "/shops", "/shops/{id}/test", "/shops/{id}/pull", "/shops/{id}/push", "/shops/{id}/stock", "/products/{masterCode}/shops/{shopId}"]) expect(doc.json.paths).toHaveProperty([path]);
    expect(doc.json.paths["/sales"].post.requestBody.content["application/json"].schema.properties.lines).toBeDefined();
  });
});

describe("the start page", () => {
  it("says what Kura is in Japanese and links the API description (the dashboard's login page, for a visitor)", async () => {
    const { exports } = await import("cloudflare:workers");
    const res = await exports.default.fetch("http://kura.test/");
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('lang="ja"');
    expect(html).toContain("在庫連動");
    expect(html).toContain("/api/v1/openapi.json");
  });
});
