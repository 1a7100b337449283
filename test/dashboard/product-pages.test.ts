import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, drain } from "../helpers/api";
import { type Browser, csrfOf, login, newShop, type Shop, snapshot } from "./helpers";

// 商品の登録・編集・削除, the 総在庫数 change with its 確認 step, なぜこの数? and 在庫履歴, as a
// browser uses them: real products in real StockGroups, checked through the JSON API.

const api = (shop: Shop) => ({
  get: (path: string) => call(shop.apiToken, "GET", path),
  post: (path: string, body: unknown) => call(shop.apiToken, "POST", path, body),
});

async function addShop(shop: Shop, name: string, extra: { ratio?: number; salesLimit?: number } = {}) {
  return (await env.DB.prepare("INSERT INTO shops (account_id, kind, name, ratio, sales_limit) VALUES (?, 'rakuten', ?, ?, ?) RETURNING id")
    .bind(shop.accountId, name, extra.ratio ?? null, extra.salesLimit ?? null)
    .first<number>("id"))!;
}

async function defaultGroup(shop: Shop): Promise<number> {
  return (await api(shop).get("/groups")).json.items[0].id;
}

/** The form of a product page as the browser would post it back: every named field with its value. */
function formFields(html: string): Record<string, string> {
  const form = html.slice(html.indexOf('<form method="post" action="/products/'));
  const out: Record<string, string> = { _csrf: csrfOf(html) };
  for (const m of form.matchAll(/<input([^>]*)>/g)) {
    const attrs = m[1];
    const name = /name="([^"]+)"/.exec(attrs)?.[1];
    if (!name) continue;
    const value = /value="([^"]*)"/.exec(attrs)?.[1] ?? "";
    if (/type="(checkbox|radio)"/.test(attrs) && !/ checked/.test(attrs)) continue;
    out[name] = value.replace(/&amp;/g, "&");
  }
  for (const m of form.matchAll(/<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g)) {
    out[m[1]] = /<option value="([^"]*)" selected/.exec(m[2])?.[1] ?? "";
  }
  return out;
}

async function productOnPage(b: Browser, code: string) {
  const res = await b.get(`/products/${encodeURIComponent(code)}`);
  expect(res.status).toBe(200);
  return formFields(res.html);
}

const register = (b: Browser, group: number, fields: Record<string, string>) =>
  b.post("/products/new", { group: String(group), syncMode: "auto", name: `商品 ${fields.masterCode}`, ...fields });

const operations = async (shop: Shop, action: string) =>
  (await env.DB.prepare("SELECT actor, target, before, after FROM operation_log WHERE account_id = ? AND action = ? ORDER BY id").bind(shop.accountId, action).all<Record<string, string>>()).results;

describe("商品の登録", () => {
  it("a set registered from the form appears in the grid as a set, with its components and its derived figure", async () => {
    const shop = await newShop();
    const group = await defaultGroup(shop);
    const staff = await login(shop.users.staff.email);
    expect((await staff.get("/products")).html).toContain('href="/products/new"');
    expect((await register(staff, group, { masterCode: "TEA-1", onHand: "10" })).location).toBe("/products/TEA-1?saved=created");
    expect((await register(staff, group, { masterCode: "CUP-1", onHand: "5" })).status).toBe(303);
    const res = await register(staff, group, { masterCode: "GIFT-1", name: "煎茶ギフト", "comp.code.0": "TEA-1", "comp.qty.0": "2", "comp.code.1": "CUP-1", "comp.qty.1": "1", "comp.code.2": "", "comp.qty.2": "" });
    expect(res.status).toBe(303);
    expect((await staff.get(res.location!)).html).toContain("商品を登録しました。");

    const set = (await api(shop).get("/products/GIFT-1")).json;
    expect([set.isSet, set.components, set.onHand]).toEqual([true, [{ masterCode: "CUP-1", quantity: 1 }, { masterCode: "TEA-1", quantity: 2 }], 5]);
    await drain(shop.accountId, group);
    const grid = (await staff.get("/products")).html;
    const row = grid.split("<tr>").find((r) => r.includes("<code>GIFT-1</code>"))!;
    expect(row).toContain('href="/products/GIFT-1"');
    expect(row).toContain(">セット<");
    expect(row).toContain("煎茶ギフト");
    // Every save is one 操作ログ entry naming the user.
    const created = await operations(shop, "product.create");
    expect(created.map((o) => [o.actor, o.target])).toEqual([`user:${shop.users.staff.id}`, `user:${shop.users.staff.id}`, `user:${shop.users.staff.id}`].map((a, i) => [a, ["TEA-1", "CUP-1", "GIFT-1"][i]]));
  });

  it("shows each mistake in Japanese next to its field and registers nothing", async () => {
    const shop = await newShop();
    const group = await defaultGroup(shop);
    const staff = await login(shop.users.staff.email);
    await register(staff, group, { masterCode: "TEA-1", onHand: "3" });
    const setOfSets = await register(staff, group, { masterCode: "S-1", "comp.code.0": "TEA-1", "comp.qty.0": "1" });
    expect(setOfSets.status).toBe(303);
    const before = await snapshot(shop.accountId);

    const res = await register(staff, group, {
      masterCode: "SET-2", name: "", reserved: "-1",
      "comp.code.0": "NOPE", "comp.qty.0": "1", "comp.code.1": "SET-2", "comp.qty.1": "1", "comp.code.2": "S-1", "comp.qty.2": "1", "comp.code.3": "TEA-1", "comp.qty.3": "0",
    });
    expect(res.status).toBe(400);
    const near = (field: string) => new RegExp(`name="${field.replace(/\./g, "\\.")}"[^>]*aria-invalid="true"[^>]*>\\s*<span class="field-error" id="err-${field.replace(/\./g, "\\.")}">([^<]+)<`).exec(res.html)?.[1];
    expect(near("comp.code.0")).toBe("NOPE という商品は登録されていません。");
    expect(near("comp.code.1")).toBe("セットにその商品自身は入れられません。");
    expect(near("comp.code.2")).toBe("S-1 はセット商品です。セットにセットは入れられません。");
    expect(near("comp.qty.3")).toBe("数量は 1〜999 の整数で入力してください。");
    expect(res.html).toContain("商品名を入力してください（255 文字以内）。");
    expect(res.html).toContain("0 以上の整数で入力してください（空欄も可）。");
    // What was typed stays in the form.
    expect(res.html).toContain('value="NOPE"');

    const taken = await register(staff, group, { masterCode: "TEA-1" });
    expect(taken.html).toContain("このマスターコードはすでに登録されています。");
    const badCode = await register(staff, group, { masterCode: "a b" });
    expect(badCode.html).toContain("マスターコードは半角英数記号 1〜64 文字で入力してください");
    expect(await snapshot(shop.accountId)).toEqual(before);
  });
});

describe("商品の編集", () => {
  it("group, 連動, 対象外 and 別品番 saved from the page are what the API then says, in one 操作ログ entry", async () => {
    const shop = await newShop();
    const main = await addShop(shop, "楽天 本店");
    const second = await addShop(shop, "楽天 2号店");
    const season = (await api(shop).post("/groups", { name: "季節商品" })).json.id;
    await api(shop).post("/products", { masterCode: "TEA-1", name: "煎茶", onHand: 10 });
    const admin = await login(shop.users.admin.email);

    const fields = await productOnPage(admin, "TEA-1");
    expect(fields[`shop.${main}.managed`]).toBe("1");
    delete fields[`shop.${main}.managed`]; // 対象外 on 本店
    const res = await admin.post("/products/TEA-1/save", {
      ...fields, name: "煎茶 特上", group: String(season), syncMode: "manual", lowStockThreshold: "4",
      [`shop.${second}.mallCode`]: "rk-tea-001", [`shop.${second}.manual`]: "6",
    });
    expect(res.status, res.html.slice(0, 500)).toBe(303);
    expect((await admin.get(res.location!)).html).toContain("変更を保存しました。");

    const p = (await api(shop).get("/products/TEA-1")).json;
    expect([p.name, p.group.name, p.syncMode, p.lowStockThreshold, p.onHand]).toEqual(["煎茶 特上", "季節商品", "manual", 4, 10]);
    const figures = (await api(shop).get("/products/TEA-1/figures")).json.shops;
    expect(figures.map((s: any) => [s.shopName, s.figure])).toEqual([["楽天 本店", null], ["楽天 2号店", 6]]);
    const mapped = await env.DB.prepare("SELECT shop_id, managed, mall_code, manual_figure FROM listings WHERE account_id = ? ORDER BY shop_id").bind(shop.accountId).all();
    expect(mapped.results).toEqual([
      { shop_id: main, managed: 0, mall_code: null, manual_figure: null },
      { shop_id: second, managed: 1, mall_code: "rk-tea-001", manual_figure: 6 },
    ]);
    const updates = await operations(shop, "product.update");
    expect(updates).toHaveLength(1);
    expect(updates[0].actor).toBe(`user:${shop.users.admin.id}`);
    expect(JSON.parse(updates[0].after)).toMatchObject({ name: "煎茶 特上", group: season, syncMode: "manual", shops: [{ shopId: main, managed: false }, { shopId: second, mallCode: "rk-tea-001", manualFigure: 6 }] });

    // The page draws what was saved.
    const again = await productOnPage(admin, "TEA-1");
    expect([again.group, again.syncMode, again[`shop.${main}.managed`], again[`shop.${second}.mallCode`]]).toEqual([String(season), "manual", undefined, "rk-tea-001"]);
  });

  it("a 総在庫数 change shows the movement it will make first, then makes it once; a sale in between stops it", async () => {
    const shop = await newShop();
    await api(shop).post("/products", { masterCode: "TEA-1", name: "煎茶", onHand: 12 });
    const staff = await login(shop.users.staff.email);
    const preview = await staff.get("/products/TEA-1?mode=set&to=15");
    expect(preview.html).toContain("上書き 12 → 15 = +3");
    expect((await staff.get("/products/TEA-1?mode=adjust&to=-2")).html).toContain("加算・減算 12 -2 → 10");
    expect((await staff.get("/products/TEA-1?to=abc")).html).toContain("整数で入力してください。");
    const commit = formFields(preview.html.slice(preview.html.indexOf('action="/products/TEA-1/stock"') - 30));
    expect((await staff.post("/products/TEA-1/stock", commit)).location).toBe("/products/TEA-1?saved=stock");
    expect((await api(shop).get("/products/TEA-1")).json.onHand).toBe(15);
    // 加算・減算 sent twice (back button, double click) moves stock once.
    const add = await staff.get("/products/TEA-1?mode=adjust&to=3");
    expect(add.html).toContain("加算・減算 15 +3 → 18");
    const addForm = formFields(add.html.slice(add.html.indexOf('action="/products/TEA-1/stock"') - 30));
    await staff.post("/products/TEA-1/stock", addForm);
    await staff.post("/products/TEA-1/stock", addForm);
    expect((await api(shop).get("/products/TEA-1")).json.onHand).toBe(18);

    const stale = await staff.get("/products/TEA-1?to=20");
    await api(shop).post("/sales", { source: "pos", orderId: "O-1", lines: [{ lineId: "1", code: "TEA-1", quantity: 1 }] });
    const res = await staff.post("/products/TEA-1/stock", formFields(stale.html.slice(stale.html.indexOf('action="/products/TEA-1/stock"') - 30)));
    expect(res.location).toBe("/products/TEA-1?stale=1");
    expect((await staff.get(res.location!)).html).toContain("確認のあとに販売などで在庫数が変わったため、変更しませんでした。");
    expect((await api(shop).get("/products/TEA-1")).json.onHand).toBe(17);
  });
});

describe("商品の削除", () => {
  it("asks first, then deletes; a component of a set cannot be deleted", async () => {
    const shop = await newShop();
    await api(shop).post("/products", { masterCode: "TEA-1", name: "煎茶", onHand: 1 });
    await api(shop).post("/products", { masterCode: "CUP-1", name: "湯呑み", onHand: 1 });
    await api(shop).post("/products", { masterCode: "SET-1", name: "セット", components: [{ masterCode: "CUP-1", quantity: 1 }] });
    const staff = await login(shop.users.staff.email);
    const ask = await staff.get("/products/TEA-1/delete");
    expect(ask.html).toContain("TEA-1（煎茶）を削除します。");
    const res = await staff.post("/products/TEA-1/delete");
    expect(res.location).toBe("/products?deleted=TEA-1");
    expect((await staff.get(res.location!)).html).toContain("TEA-1 を削除しました。");
    expect((await api(shop).get("/products/TEA-1")).status).toBe(404);
    expect((await operations(shop, "product.delete")).map((o) => [o.actor, o.target])).toEqual([[`user:${shop.users.staff.id}`, "TEA-1"]]);

    expect((await staff.get("/products/CUP-1/delete")).html).toContain("セット商品の構成品のため削除できません");
    expect((await staff.post("/products/CUP-1/delete")).status).toBe(409);
    expect((await api(shop).get("/products/CUP-1")).status).toBe(200);
  });
});

describe("who may", () => {
  it("a viewer reads the product page without a save button; every change is 403 and writes nothing", async () => {
    const shop = await newShop();
    const main = await addShop(shop, "楽天 本店");
    await api(shop).post("/products", { masterCode: "TEA-1", name: "煎茶", onHand: 7 });
    const group = await defaultGroup(shop);
    const viewer = await login(shop.users.viewer.email);
    const page = await viewer.get("/products/TEA-1");
    expect(page.status).toBe(200);
    expect(page.html).not.toContain("保存する");
    expect(page.html).not.toContain('href="/products/TEA-1/delete"');
    expect((await viewer.get("/products")).html).not.toContain('href="/products/new"');
    const before = await snapshot(shop.accountId);
    expect((await viewer.get("/products/new")).status).toBe(403);
    expect((await register(viewer, group, { masterCode: "NEW-1", onHand: "1" })).status).toBe(403);
    expect((await viewer.post("/products/TEA-1/save", { name: "x", group: String(group), syncMode: "stopped", [`shop.${main}.shown`]: "1" })).status).toBe(403);
    expect((await viewer.post("/products/TEA-1/stock", { mode: "set", quantity: "0", was: "7", nonce: "n" })).status).toBe(403);
    expect((await viewer.get("/products/TEA-1/delete")).status).toBe(403);
    expect((await viewer.post("/products/TEA-1/delete")).status).toBe(403);
    expect(await snapshot(shop.accountId)).toEqual(before);
    expect((await api(shop).get("/products/TEA-1")).json.onHand).toBe(7);
    expect((await api(shop).get("/products/NEW-1")).status).toBe(404);
  });

  it("another account's product code is 404 on every page and form, and changes nothing there", async () => {
    const mine = await newShop();
    const theirs = await newShop();
    await api(theirs).post("/products", { masterCode: "THEIRS-1", name: "他社の商品", onHand: 9 });
    const owner = await login(mine.users.owner.email);
    const before = await snapshot(theirs.accountId);
    for (const path of ["/products/THEIRS-1", "/products/THEIRS-1/why", "/products/THEIRS-1/history", "/products/THEIRS-1/delete"]) {
      expect((await owner.get(path)).status, path).toBe(404);
    }
    const group = String(await defaultGroup(mine));
    expect((await owner.post("/products/THEIRS-1/save", { name: "乗っ取り", group, syncMode: "stopped" })).status).toBe(404);
    expect((await owner.post("/products/THEIRS-1/stock", { mode: "set", quantity: "0", was: "9", nonce: "n" })).status).toBe(404);
    expect((await owner.post("/products/THEIRS-1/delete")).status).toBe(404);
    expect(await snapshot(theirs.accountId)).toEqual(before);
    expect((await api(theirs).get("/products/THEIRS-1")).json.onHand).toBe(9);

    // Their codes and shop ids mean nothing in a form of this account either.
    const theirShop = await addShop(theirs, "他社の店舗");
    const set = await register(owner, Number(group), { masterCode: "MINE-SET", "comp.code.0": "THEIRS-1", "comp.qty.0": "1" });
    expect(set.html).toContain("THEIRS-1 という商品は登録されていません。");
    await api(mine).post("/products", { masterCode: "MINE-1", name: "自社の商品", onHand: 1 });
    const fields = await productOnPage(owner, "MINE-1");
    const res = await owner.post("/products/MINE-1/save", { ...fields, [`shop.${theirShop}.shown`]: "1", [`shop.${theirShop}.mallCode`]: "X-1", [`shop.${theirShop}.manual`]: "5" });
    expect(res.status).toBe(303);
    const rows = await env.DB.prepare("SELECT count(*) n FROM listings WHERE shop_id = ?").bind(theirShop).first("n");
    expect(rows).toBe(0);
  });
});

describe("なぜこの数?", () => {
  it("walks SPEC §3.2 for each shop and ends at the figure sent: ratio and limit, 対象外, then 手動", async () => {
    const shop = await newShop();
    const capped = await addShop(shop, "楽天 半分店", { ratio: 50, salesLimit: 3 });
    const plain = await addShop(shop, "楽天 本店");
    await api(shop).post("/products", { masterCode: "TEA-1", name: "煎茶", onHand: 10, reserved: 2 });
    await call(shop.apiToken, "PUT", `/products/TEA-1/shops/${plain}`, { managed: false });
    const viewer = await login(shop.users.viewer.email);
    const grid = (await viewer.get("/products")).html;
    expect(grid).toContain(`href="/products/TEA-1/why?shop=${capped}"`);

    const one = (await viewer.get(`/products/TEA-1/why?shop=${capped}`)).html;
    expect(one).toContain("この店舗に送る数: 3");
    expect(one).toContain("確保在庫 2 を引きます（商品の設定）。");
    expect(one).toContain("50% を掛けて切り捨てます（店舗の設定）。");
    expect(one).toContain("上限 3 を超えないようにします（店舗の設定）。");
    expect(one).not.toContain("楽天 本店");

    const all = (await viewer.get("/products/TEA-1/why")).html;
    expect(all).toContain("この店舗ではこの商品が管理対象外のため、送信しません。");
    expect(all).toContain("この店舗には送信しません。");
    expect((await viewer.get(`/products/TEA-1/why?shop=${capped}&lang=en`)).html).toContain("Sent to this shop: 3");

    await call(shop.apiToken, "PATCH", "/products/TEA-1", { syncMode: "manual" });
    await call(shop.apiToken, "PUT", `/products/TEA-1/shops/${capped}`, { manualFigure: 7 });
    const manual = (await viewer.get(`/products/TEA-1/why?shop=${capped}`)).html;
    expect(manual).toContain("この店舗に送る数: 7");
    expect(manual).toContain("連動が「手動」なので、入力された数をそのまま送ります。");
  });
});

describe("在庫履歴", () => {
  it("lists the product's movements newest first with who caused each: a shop's sale and a person's change by name", async () => {
    const shop = await newShop();
    const main = await addShop(shop, "楽天 本店");
    const group = await defaultGroup(shop);
    const staff = await login(shop.users.staff.email);
    await register(staff, group, { masterCode: "TEA-1", onHand: "10" });
    await api(shop).post("/sales", { source: String(main), orderId: "R-100", lines: [{ lineId: "1", code: "TEA-1", quantity: 2 }] });
    await api(shop).post("/sales", { source: "pos-ginza", orderId: "P-7", lines: [{ lineId: "1", code: "TEA-1", quantity: 1 }] });
    const preview = await staff.get("/products/TEA-1?to=20");
    await staff.post("/products/TEA-1/stock", formFields(preview.html.slice(preview.html.indexOf('action="/products/TEA-1/stock"') - 30)));

    const html = (await staff.get("/products/TEA-1/history")).html;
    const rows = [...html.matchAll(/<tr><td><time[^>]*>[^<]+<\/time><\/td><td>([^<]+)<\/td><td[^>]*>([^<]+)<\/td><td[^>]*>([^<]+)<\/td><td>([^<]+)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => m.slice(1));
    expect(rows).toEqual([
      ["上書き", "+13", "20", "staff さん", "商品ページ"],
      ["販売", "-1", "7", "外部システム（pos-ginza）", "注文 P-7"],
      ["販売", "-2", "8", "楽天 本店", "注文 R-100"],
      ["上書き", "+10", "10", "staff さん", "商品登録時"],
    ]);
    expect(html).toContain("日時（日本時間）");
  });

  it("pages by keyset, newest first", async () => {
    const shop = await newShop();
    await api(shop).post("/products", { masterCode: "TEA-1", name: "煎茶", onHand: 1 });
    for (let i = 0; i < 55; i++) await call(shop.apiToken, "POST", "/products/TEA-1/stock", { mode: "adjust", quantity: 1 });
    const viewer = await login(shop.users.viewer.email);
    const first = (await viewer.get("/products/TEA-1/history")).html;
    const after = (html: string) => [...html.matchAll(/<td class="num">(-?\d+)<\/td><td>/g)].map((m) => Number(m[1]));
    expect(after(first)).toHaveLength(50);
    expect(after(first)[0]).toBe(56);
    const next = /href="(\/products\/TEA-1\/history\?before=\d+)"/.exec(first)![1];
    const second = (await viewer.get(next)).html;
    expect(after(second)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(second).not.toContain('rel="next"');
  });
});
