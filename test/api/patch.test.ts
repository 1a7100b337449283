import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Client, newAccount, product } from "../helpers/api";

// A PATCH (and the listing PUT) changes exactly the fields sent: nothing else moves, an empty
// change is refused, and a body that is not JSON is never read as an empty one.

async function send(token: string, method: string, path: string, body: string, contentType: string) {
  const res = await exports.default.fetch(`http://kura.test/api/v1${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": contentType },
    body,
  });
  return { status: res.status, type: res.headers.get("content-type") ?? "", json: (await res.json()) as any };
}

const operationRows = async (accountId: number) =>
  (await env.DB.prepare("SELECT COUNT(*) AS n FROM operation_log WHERE account_id = ?").bind(accountId).first<{ n: number }>())!.n;

async function shop(c: Client) {
  const res = await c.post("/shops", {
    kind: "rakuten",
    name: "楽天 本店",
    credentials: { serviceSecret: "SP-secret", licenseKey: "SL-licence" },
    importEnabled: false,
    updateEnabled: false,
    cancelPolicy: "ignore",
    ratio: 50,
    salesLimit: 3,
    baseUrl: "http://127.0.0.1:8790/rakuten",
  });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json;
}

const SETTINGS = ["name", "importEnabled", "updateEnabled", "cancelPolicy", "ratio", "salesLimit", "baseUrl"] as const;
const settingsOf = (s: any) => Object.fromEntries(SETTINGS.map((k) => [k, s[k]]));

describe("PATCH /shops/{id}", () => {
  it("changing the name keeps every other setting", async () => {
    const c = await newAccount();
    const s = await shop(c);
    const res = await c.patch(`/shops/${s.id}`, { name: "楽天 2号店" });
    expect(res.status).toBe(200);
    expect(settingsOf(res.json)).toEqual({ ...settingsOf(s), name: "楽天 2号店" });
    expect(settingsOf((await c.get(`/shops/${s.id}`)).json)).toEqual({ ...settingsOf(s), name: "楽天 2号店" });
  });

  it("replacing the credentials keeps every setting (取込み/モール更新 stay off, キャンセル時 stays 戻さない)", async () => {
    const c = await newAccount();
    const s = await shop(c);
    const res = await c.patch(`/shops/${s.id}`, { credentials: { serviceSecret: "SP-new", licenseKey: "SL-new" } });
    expect(res.status).toBe(200);
    expect(settingsOf(res.json)).toEqual(settingsOf(s));
    expect(res.json.credentials).toEqual({ configured: true });
  });

  it("an empty change is 400 and writes no operation-log row", async () => {
    const c = await newAccount();
    const s = await shop(c);
    const before = await operationRows(c.accountId);
    for (const body of [{}, { unknownField: 1 }]) {
      const res = await c.patch(`/shops/${s.id}`, body);
      expect(res.status).toBe(400);
      expect(res.type).toContain("application/problem+json");
      expect(res.json.detail).toContain("nothing to change");
    }
    expect(await operationRows(c.accountId)).toBe(before);
  });

  it("a body that is not JSON is 415, never read as an empty change", async () => {
    const c = await newAccount();
    const s = await shop(c);
    const before = await operationRows(c.accountId);
    const bodies: [string, string][] = [
      ['{"name":"x"}', "text/plain"],
      ["name=x", "application/x-www-form-urlencoded"],
      ["<shop><name>x</name></shop>", "application/xml"],
    ];
    for (const [body, type] of bodies) {
      const res = await send(c.token, "PATCH", `/shops/${s.id}`, body, type);
      expect(res.status, type).toBe(415);
      expect(res.type).toContain("application/problem+json");
      expect(res.json.detail).toContain("application/json");
    }
    expect(settingsOf((await c.get(`/shops/${s.id}`)).json)).toEqual(settingsOf(s));
    expect(await operationRows(c.accountId)).toBe(before);
  });
});

describe("PATCH /products/{code}", () => {
  it("changing the name keeps 確保在庫, 在庫少設定数, 連動 and the group", async () => {
    const c = await newAccount();
    const g = (await c.post("/groups", { name: "贈答" })).json;
    const p = await product(c, "KEEP-1", { onHand: 4, reserved: 2, lowStockThreshold: 3, syncMode: "manual", group: g.id });
    const res = await c.patch("/products/KEEP-1", { name: "新しい名前" });
    expect(res.status).toBe(200);
    const { name: _, updatedAt: __, ...rest } = p;
    expect(res.json).toMatchObject({ ...rest, name: "新しい名前" });
  });
});

describe("PATCH /groups/{id}", () => {
  it("changing the name keeps 確保在庫, 在庫比率 and 販売制限", async () => {
    const c = await newAccount();
    const g = (await c.post("/groups", { name: "季節", reserved: 5, ratio: 80, salesLimit: 7 })).json;
    const res = await c.patch(`/groups/${g.id}`, { name: "季節限定" });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ name: "季節限定", reserved: 5, ratio: 80, salesLimit: 7 });
    expect((await c.patch(`/groups/${g.id}`, {})).status).toBe(400);
  });
});

describe("PUT /products/{code}/shops/{shopId}", () => {
  it("switching a listing to 対象外 keeps its 別品番紐づけ and 手動 figure", async () => {
    const c = await newAccount();
    const s = await shop(c);
    await product(c, "MAP-1", { onHand: 1 });
    const set = await c.put(`/products/MAP-1/shops/${s.id}`, { managed: true, mallCode: "Map 1 (Amazon SKU)", manualFigure: 9 });
    expect(set.status, JSON.stringify(set.json)).toBe(200);
    const res = await c.put(`/products/MAP-1/shops/${s.id}`, { managed: false });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ managed: false, mallCode: "Map 1 (Amazon SKU)", manualFigure: 9 });
    // null still clears, on purpose.
    expect((await c.put(`/products/MAP-1/shops/${s.id}`, { mallCode: null })).json).toMatchObject({ managed: false, mallCode: null, manualFigure: 9 });
    expect((await c.put(`/products/MAP-1/shops/${s.id}`, {})).status).toBe(400);
  });
});

describe("every JSON route refuses another content type with 415 problem+json", () => {
  it("POST, PATCH and PUT bodies", async () => {
    const c = await newAccount();
    const s = await shop(c);
    await product(c, "CT-1", { onHand: 1 });
    const g = (await c.get("/groups")).json.items[0];
    const routes: [string, string][] = [
      ["POST", "/products"],
      ["PATCH", "/products/CT-1"],
      ["POST", "/products/CT-1/stock"],
      ["PUT", `/products/CT-1/shops/${s.id}`],
      ["POST", "/sales"],
      ["POST", "/groups"],
      ["PATCH", `/groups/${g.id}`],
      ["POST", "/shops"],
      ["PATCH", `/shops/${s.id}`],
    ];
    for (const [method, path] of routes) {
      const res = await send(c.token, method, path, "name=x", "application/x-www-form-urlencoded");
      expect(res.status, `${method} ${path}`).toBe(415);
      expect(res.type, `${method} ${path}`).toContain("application/problem+json");
    }
    const op = await exports.default.fetch("http://kura.test/api/v1/operator/accounts", {
      method: "POST",
      headers: { authorization: `Bearer ${env.OPERATOR_TOKEN}`, "content-type": "text/plain" },
      body: "{}",
    });
    expect(op.status).toBe(415);
  });
});
