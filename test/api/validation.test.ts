import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, drain, newAccount, OPERATOR, product } from "../helpers/api";

async function snapshot(accountId: number) {
  const tables = ["products", "groups", "set_components", "operation_log", "sales_log", "stock"];
  const out: Record<string, unknown> = {};
  for (const t of tables) out[t] = (await env.DB.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE account_id = ?`).bind(accountId).first())?.n;
  out.accounts = (await env.DB.prepare("SELECT COUNT(*) AS n FROM accounts").first())?.n;
  return out;
}

describe("bad input is refused with 4xx problem+json and writes nothing", () => {
  it("every endpoint", async () => {
    const c = await newAccount();
    const created = await product(c, "OK-1", { onHand: 3 });
    await drain(c.accountId, created.group.id);
    const before = await snapshot(c.accountId);
    const bad: [string, string, unknown, number][] = [
      ["POST", "/operator/accounts", { name: "", owner: { email: "no", password: "x" } }, 400],
      ["POST", "/products", { masterCode: "has space", name: "x" }, 400],
      ["POST", "/products", { masterCode: "A/B", name: "x" }, 400],
      ["POST", "/products", { masterCode: "OK-2", name: "x", onHand: 1.5 }, 400],
      ["POST", "/products", { masterCode: "OK-2", name: "x", syncMode: "sometimes" }, 400],
      ["POST", "/products", { masterCode: "OK-2", name: "x", group: "存在しない" }, 400],
      ["POST", "/products", { masterCode: "OK-2", name: "x", components: [{ masterCode: "NOPE", quantity: 1 }] }, 400],
      ["POST", "/products", "{not json", 400],
      ["PATCH", "/products/OK-1", {}, 400],
      ["PATCH", "/products/OK-1", { reserved: -1 }, 400],
      ["PATCH", "/products/OK-1", { components: [{ masterCode: "OK-1", quantity: 1 }] }, 400],
      ["PATCH", "/products/NOPE", { name: "x" }, 404],
      ["DELETE", "/products/NOPE", undefined, 404],
      ["POST", "/products/OK-1/stock", { mode: "add", quantity: 1 }, 400],
      ["POST", "/products/OK-1/stock", { mode: "set", quantity: "5" }, 400],
      ["POST", "/products/NOPE/stock", { mode: "set", quantity: 5 }, 404],
      ["POST", "/sales", { source: "pos", orderId: "1", lines: [] }, 400],
      ["POST", "/sales", { source: "pos", orderId: "1", lines: [{ lineId: "1", code: "OK-1", quantity: 0 }] }, 400],
      ["POST", "/sales", { source: "pos", orderId: "1", lines: [{ lineId: "1", code: "OK-1", quantity: 1 }, { lineId: "1", code: "OK-1", quantity: 1 }] }, 400],
      ["POST", "/sales", { source: "bad source!", orderId: "1", lines: [{ lineId: "1", code: "OK-1", quantity: 1 }] }, 400],
      ["POST", "/sales", { source: "pos", orderId: "1", kind: "refund", lines: [{ lineId: "1", code: "OK-1", quantity: 1 }] }, 400],
      ["POST", "/groups", { name: "g", ratio: 150 }, 400],
      ["POST", "/groups", { name: "既定グループ" }, 409],
      ["PATCH", "/groups/999999", { name: "x" }, 404],
      ["GET", "/products?limit=0", undefined, 400],
      ["GET", "/products?status=weird", undefined, 400],
      ["GET", "/products?cursor=%%%", undefined, 400],
      ["GET", "/logs/sales?from=yesterday", undefined, 400],
      ["GET", "/products/NOPE", undefined, 404],
      ["GET", "/products/NOPE/movements", undefined, 404],
      ["GET", "/products/NOPE/figures", undefined, 404],
      ["GET", "/nowhere", undefined, 404],
    ];
    for (const [method, path, body, status] of bad) {
      const token = path.startsWith("/operator") ? OPERATOR : c.token;
      const r = await call(token, method, path, body);
      expect(r.status, `${method} ${path} → ${JSON.stringify(r.json)}`).toBe(status);
      expect(r.type, `${method} ${path}`).toContain("application/problem+json");
      expect(typeof r.json.detail, `${method} ${path}`).toBe("string");
    }
    expect(await snapshot(c.accountId)).toEqual(before);
    expect((await c.get("/products/OK-1")).json.onHand).toBe(3);
  });

  it("without a valid token every route answers 401", async () => {
    for (const [method, path] of [["GET", "/products"], ["POST", "/sales"], ["GET", "/groups"], ["GET", "/logs/sales"], ["POST", "/operator/accounts"]]) {
      const body = method === "GET" ? undefined : {};
      expect((await call(null, method, path, body)).status).toBe(401);
      expect((await call("kura_not-a-real-token", method, path, body)).status).toBe(401);
    }
  });

  it("an account token cannot use the operator API", async () => {
    const c = await newAccount();
    expect((await call(c.token, "POST", "/operator/accounts", { name: "x", owner: { email: "a@b.jp", password: "0123456789" } })).status).toBe(401);
  });
});
