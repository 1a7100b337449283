import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { login, newShop, snapshot } from "./helpers";

const api = (token: string) => exports.default.fetch("https://kura.test/api/v1/products", { headers: { authorization: `Bearer ${token}` } }).then((r) => r.status);

describe("APIトークン page", () => {
  it("creates a token shown once, lists it without its secret, and a revoke stops it at once here", async () => {
    const shop = await newShop();
    const admin = await login(shop.users.admin.email);
    const page = await admin.get("/tokens");
    expect(page.html).toContain("最長 30 秒以内");
    const created = await admin.post("/tokens", { name: "倉庫システム", scope: "read" });
    expect(created.status).toBe(200);
    const token = /id="new-token">([^<]+)</.exec(created.html)![1];
    expect(token).toMatch(/^kura_/);
    expect(await api(token)).toBe(200);
    const list = (await admin.get("/tokens")).html;
    expect(list).toContain("倉庫システム");
    expect(list).not.toContain(token);
    const id = [...list.matchAll(/action="\/tokens\/(\d+)\/revoke"/g)].map((m) => Number(m[1])).pop()!;
    expect((await admin.post(`/tokens/${id}/revoke`)).status).toBe(303);
    expect(await api(token)).toBe(401);
    expect((await admin.get("/tokens")).html).toContain("取り消し済み");
  });

  it("refuses a token without a scope, and another account's token cannot be revoked", async () => {
    const a = await newShop();
    const b = await newShop();
    const ownerA = await login(a.users.owner.email);
    expect((await ownerA.post("/tokens", { name: "x" })).html).toContain("権限を1つ以上選んでください");
    const before = await snapshot(b.accountId);
    const bTokenId = (before.tokens[0] as { id: number }).id;
    expect((await ownerA.post(`/tokens/${bTokenId}/revoke`)).status).toBe(404);
    expect(await snapshot(b.accountId)).toEqual(before);
    expect(await api(b.apiToken)).toBe(200);
  });
});
