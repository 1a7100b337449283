import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, newAccount, OPERATOR, product } from "../helpers/api";

describe("control characters are refused, naming the field", () => {
  it("in master codes, mall codes, order and line ids, and names", async () => {
    const c = await newAccount();
    await product(c, "CC-1", { onHand: 5 });
    const shop = (await c.post("/shops", { kind: "rakuten", name: "楽天", credentials: { serviceSecret: "s", licenseKey: "l" } })).json;
    const line = { lineId: "1", code: "CC-1", quantity: 1 };
    const cases: [string, string, unknown, string][] = [
      ["POST", "/products", { masterCode: "CC\u0001", name: "x" }, "masterCode"],
      ["POST", "/products", { masterCode: "CC-2", name: "名前\u0007" }, "name"],
      ["POST", "/products", { masterCode: "CC-2", name: "名前\n" }, "name"], // not trimmed away silently
      ["PATCH", "/products/CC-1", { name: "a\u007Fb" }, "name"],
      ["POST", "/groups", { name: "グループ\t" }, "name"],
      ["POST", "/shops", { kind: "rakuten", name: "店\u0000", credentials: { serviceSecret: "s", licenseKey: "l" } }, "name"],
      ["PATCH", `/shops/${shop.id}`, { name: "店\r\n" }, "name"],
      ["PUT", `/products/CC-1/shops/${shop.id}`, { mallCode: "sku\u001F1" }, "mallCode"],
      ["POST", "/sales", { source: "pos", orderId: "R-1\n", lines: [line] }, "orderId"],
      ["POST", "/sales", { source: "pos", orderId: "R-1", lines: [{ ...line, lineId: "1\u0000" }] }, "lines.0.lineId"],
      ["POST", "/sales", { source: "pos", orderId: "R-1", lines: [{ ...line, code: "CC-1\u001B" }] }, "lines.0.code"],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await call(c.token, method, path, body);
      expect(r.status, `${method} ${path} ${JSON.stringify(body)}`).toBe(400);
      expect(r.json.detail, `${method} ${path}`).toMatch(new RegExp(`(^|; )${field.replace(".", "\\.")}: .*control characters`));
    }
    expect((await c.get("/products/CC-1")).json.onHand).toBe(5);
  });

  it("codes are otherwise kept exactly as sent: case and spaces included", async () => {
    const c = await newAccount();
    await product(c, "Sku-Case", { onHand: 5 });
    const shop = (await c.post("/shops", { kind: "amazon", name: "Amazon", credentials: { sellerId: "A1", clientId: "c", clientSecret: "s", refreshToken: "Atzr|x" } })).json;
    const res = await c.put(`/products/Sku-Case/shops/${shop.id}`, { mallCode: " Tea Box 80g " });
    expect(res.status, JSON.stringify(res.json)).toBe(200);
    expect(res.json).toMatchObject({ mallCode: " Tea Box 80g ", effectiveMallCode: " Tea Box 80g " });
    expect((await c.get("/products/sku-case")).status).toBe(404);
  });
});

describe("Cache-Control: no-store on every /api answer", () => {
  it("successes, token minting and errors alike", async () => {
    const c = await newAccount();
    const fetchApi = (path: string, init?: RequestInit) => exports.default.fetch(`http://kura.test${path}`, init);
    const auth = { authorization: `Bearer ${c.token}` };
    const answers = [
      await fetchApi("/api/v1/products", { headers: auth }),
      await fetchApi("/api/v1/products"), // 401
      await fetchApi("/api/v1/products/NOPE", { headers: auth }), // 404
      await fetchApi("/api/v1/nowhere", { headers: auth }), // no route
      await fetchApi("/api/v1/products?limit=0", { headers: auth }), // 400
      await fetchApi("/api/v1/openapi.json"),
      await fetchApi("/api/docs"),
      await fetchApi(`/api/v1/operator/accounts/${c.accountId}/tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${OPERATOR}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "pos" }),
      }),
      await fetchApi("/api/v1/operator/accounts", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }), // 401
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 401, 404, 404, 400, 200, 200, 201, 401]);
    for (const r of answers) expect(r.headers.get("cache-control"), r.url).toBe("no-store");
  });
});

describe("API tokens of the caller's account", () => {
  async function mint(accountId: number, name: string, scopes = ["read", "write"]) {
    const r = await call(OPERATOR, "POST", `/operator/accounts/${accountId}/tokens`, { name, scopes });
    expect(r.status).toBe(201);
    return r.json as { id: number; apiToken: string };
  }

  it("GET /tokens lists them without any secret", async () => {
    const c = await newAccount();
    const pos = await mint(c.accountId, "POS 渋谷");
    const r = await c.get("/tokens");
    expect(r.status).toBe(200);
    expect(r.json.items.map((t: any) => t.name)).toEqual(["初期トークン", "POS 渋谷"]);
    expect(r.json.items[1]).toMatchObject({ id: pos.id, scopes: ["read", "write"], revokedAt: null });
    const text = JSON.stringify(r.json);
    expect(text).not.toContain(pos.apiToken);
    expect(text).not.toContain(c.token);
    expect(text).not.toMatch(/hash|apiToken/i);
  });

  it("DELETE /tokens/{id} revokes at once, even a token this isolate has cached", async () => {
    const c = await newAccount();
    const pos = await mint(c.accountId, "POS");
    expect((await call(pos.apiToken, "GET", "/products")).status).toBe(200); // now cached
    const r = await c.del(`/tokens/${pos.id}`);
    expect(r.status).toBe(204);
    expect((await call(pos.apiToken, "GET", "/products")).status).toBe(401);
    expect((await c.get("/tokens")).json.items.find((t: any) => t.id === pos.id).revokedAt).toEqual(expect.any(String));
    expect((await c.del(`/tokens/${pos.id}`)).status).toBe(204); // again: harmless
    expect((await c.get("/products")).status).toBe(200); // the caller's own token is untouched
  });

  it("another account's token is 404 and keeps working; a read-only token cannot revoke", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const bTok = await mint(b.accountId, "B");
    expect((await a.del(`/tokens/${bTok.id}`)).status).toBe(404);
    expect((await a.del("/tokens/99999999")).status).toBe(404);
    expect((await call(bTok.apiToken, "GET", "/products")).status).toBe(200);
    const ro = await mint(a.accountId, "read only", ["read"]);
    expect((await call(ro.apiToken, "DELETE", `/tokens/${ro.id}`)).status).toBe(403);
  });
});
