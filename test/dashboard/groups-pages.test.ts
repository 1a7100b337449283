import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, drain } from "../helpers/api";
import { login, newShop, snapshot } from "./helpers";

// 商品グループ as a merchant uses it: create a group with its rules, edit them, move a product
// into it by master code — and the limits: validation, roles and other accounts.

const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");
const groupsOf = async (token: string) => (await call(token, "GET", "/groups")).json.items as { id: number; name: string; reserved: number | null; ratio: number | null; salesLimit: number | null }[];

describe("商品グループ", () => {
  it("creates a group with 確保在庫 / 在庫比率 / 販売制限 and lists it", async () => {
    const shop = await newShop();
    const b = await login(shop.users.staff.email);
    const res = await b.post("/groups", { name: "人気商品", reserved: "5", ratio: "80", salesLimit: "" });
    expect(res.status, res.html.slice(0, 300)).toBe(303);
    const list = text((await b.get(res.location!)).html);
    expect(list).toContain("グループ「人気商品」を作成しました");
    expect(list).toMatch(/人気商品 5 80 — 0/);
    expect((await groupsOf(shop.apiToken)).find((g) => g.name === "人気商品")).toMatchObject({ reserved: 5, ratio: 80, salesLimit: null });
    const op = await env.DB.prepare("SELECT actor FROM operation_log WHERE account_id = ? AND action = 'group.create'").bind(shop.accountId).first();
    expect(op).toEqual({ actor: `user:${shop.users.staff.id}` });
  });

  it("refuses a ratio over 100 and a taken name, beside the field, writing nothing", async () => {
    const shop = await newShop();
    const b = await login(shop.users.owner.email);
    const before = await snapshot(shop.accountId);
    const bad = await b.post("/groups", { name: "比率", ratio: "120" });
    expect(bad.status).toBe(400);
    expect(bad.html).toMatch(/<label for="new-ratio">在庫比率 \(%\)<\/label><input[^>]*aria-invalid="true"[^>]*\/><p class="field-error"[^>]*>0〜100 の整数で入力してください</);
    const taken = (await groupsOf(shop.apiToken))[0].name;
    const dup = await b.post("/groups", { name: taken });
    expect(dup.status).toBe(400);
    expect(dup.html).toContain("同じ名前のグループがあります");
    expect(await snapshot(shop.accountId)).toEqual(before);
  });

  it("edits a group's rules, and the products' figures follow", async () => {
    const shop = await newShop();
    const b = await login(shop.users.staff.email);
    const p = (await call(shop.apiToken, "POST", "/products", { masterCode: "TEA-1", name: "ほうじ茶", onHand: 10 })).json;
    await drain(shop.accountId, p.group.id);
    const res = await b.post(`/groups/${p.group.id}`, { name: p.group.name, reserved: "3", ratio: "50", salesLimit: "2" });
    expect(res.status, res.html.slice(0, 300)).toBe(303);
    expect((await b.get(res.location!)).html).toContain("保存しました");
    expect((await groupsOf(shop.apiToken)).find((g) => g.id === p.group.id)).toMatchObject({ reserved: 3, ratio: 50, salesLimit: 2 });
    // The group's rules are what the products' figures are computed from (SPEC §3.2).
    const grid = text((await b.get("/products")).html);
    expect(grid).toContain("TEA-1");
    expect(grid).toMatch(/TEA-1 ほうじ茶 既定グループ 3 /); // 確保在庫 3, from the group
  });

  it("moves a product to another group by its master code", async () => {
    const shop = await newShop();
    const b = await login(shop.users.staff.email);
    const p = (await call(shop.apiToken, "POST", "/products", { masterCode: "Cup-1", name: "湯呑み", onHand: 4 })).json;
    await drain(shop.accountId, p.group.id);
    const g = (await call(shop.apiToken, "POST", "/groups", { name: "器" })).json;
    const unknown = await b.post(`/groups/${g.id}/move`, { masterCode: "cup-1" }); // codes are case-sensitive
    expect(unknown.status).toBe(400);
    expect(unknown.html).toMatch(/<p class="field-error"[^>]*>このマスターコードの商品はありません</);
    const moved = await b.post(`/groups/${g.id}/move`, { masterCode: "Cup-1" });
    expect(moved.status, moved.html.slice(0, 300)).toBe(303);
    const page = text((await b.get(moved.location!)).html);
    expect(page).toContain("Cup-1 をこのグループへ移動しました");
    expect(page).toMatch(/このグループの商品 Cup-1 湯呑み/);
    const after = (await call(shop.apiToken, "GET", "/products/Cup-1")).json;
    expect(after.group).toEqual({ id: g.id, name: "器" });
    expect(after.onHand).toBe(4); // its stock went with it
  });

  it("viewers get 403 on every change and nothing is written; another account's group is 404", async () => {
    const shop = await newShop();
    const other = await newShop();
    const theirs = (await groupsOf(other.apiToken))[0];
    const mine = (await groupsOf(shop.apiToken))[0];
    expect((await call(shop.apiToken, "POST", "/products", { masterCode: "TEA-1", name: "茶", onHand: 1 })).status).toBe(201);
    const viewer = await login(shop.users.viewer.email);
    expect((await viewer.get("/groups")).status).toBe(200);
    expect((await viewer.get("/groups")).html).not.toContain('action="/groups"');
    const before = await snapshot(shop.accountId);
    for (const [path, form] of [
      ["/groups", { name: "x" }],
      [`/groups/${mine.id}`, { name: "x", reserved: "1" }],
      [`/groups/${mine.id}/move`, { masterCode: "TEA-1" }],
    ] as const) {
      expect((await viewer.post(path, form)).status, path).toBe(403);
    }
    expect(await snapshot(shop.accountId)).toEqual(before);

    const owner = await login(shop.users.owner.email);
    const otherBefore = await snapshot(other.accountId);
    expect((await owner.get(`/groups/${theirs.id}`)).status).toBe(404);
    expect((await owner.post(`/groups/${theirs.id}`, { name: "乗っ取り", reserved: "9" })).status).toBe(404);
    expect((await owner.post(`/groups/${theirs.id}/move`, { masterCode: "TEA-1" })).status).toBe(404);
    expect(await snapshot(other.accountId)).toEqual(otherBefore);
    expect((await call(shop.apiToken, "GET", "/products/TEA-1")).json.group.id).toBe(mine.id);
  });
});
