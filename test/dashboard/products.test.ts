import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { login, newShop } from "./helpers";

// The grid only reads D1, so its fixtures are written straight into D1: no StockGroup or ShopSync
// runs behind the test's back and every cell state is exactly what the rows say.

async function run(sql: string, ...args: unknown[]) {
  return env.DB.prepare(sql).bind(...args).run();
}

async function fixture() {
  const shop = await newShop();
  const a = shop.accountId;
  const def = await env.DB.prepare("SELECT id FROM groups WHERE account_id = ? AND is_default = 1").bind(a).first<number>("id");
  const season = (await env.DB.prepare("INSERT INTO groups (account_id, name, reserved, ratio) VALUES (?, '季節商品', 2, 90) RETURNING id").bind(a).first<number>("id"))!;
  const shopId = async (name: string, ratio: number | null) =>
    (await env.DB.prepare("INSERT INTO shops (account_id, kind, name, ratio) VALUES (?, 'rakuten', ?, ?) RETURNING id").bind(a, name, ratio).first<number>("id"))!;
  const main = await shopId("楽天 本店", null);
  const half = await shopId("楽天 半分店", 50);
  const product = async (code: string, name: string, group: number, onHand: number | null, extra = "", extraArgs: unknown[] = []) => {
    const id = (await env.DB.prepare(`INSERT INTO products (account_id, master_code, name, group_id${extra ? `, ${extra}` : ""}) VALUES (?, ?, ?, ?${extraArgs.map(() => ", ?").join("")}) RETURNING id`)
      .bind(a, code, name, group, ...extraArgs)
      .first<number>("id"))!;
    if (onHand !== null) await run("INSERT INTO stock (product_id, account_id, on_hand, version, updated_at) VALUES (?, ?, ?, 1, ?)", id, a, onHand, Date.now() - 60_000);
    return id;
  };
  const tea = await product("TEA-1", "煎茶", def!, 10, "reserved", [2]);
  const cup = await product("CUP-1", "湯呑み 藍", def!, 5);
  const neg = await product("NEG-1", "羊羹", season, -3);
  const low = await product("LOW-1", "最中", season, 4, "low_stock_threshold", [5]);
  const set = await product("SET-1", "煎茶と湯呑み", def!, null, "is_set", [1]);
  await run("INSERT INTO set_components (account_id, set_id, component_id, quantity) VALUES (?, ?, ?, 2), (?, ?, ?, 1)", a, set, tea, a, set, cup);
  const listing = (p: number, s: number, managed: number, sent: number | null, result: string | null) =>
    run("INSERT INTO listings (account_id, product_id, shop_id, managed, last_sent_figure, mall_figure, last_sent_at, last_result) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", a, p, s, managed, sent, sent, sent === null ? null : Date.now(), result);
  await listing(tea, main, 1, 8, "ok"); // (10 − 2) = 8: in step
  await listing(tea, half, 1, 8, "ok"); // floor(8 × 50%) = 4, the mall shows 8: 未反映
  await listing(cup, main, 0, null, null); // 対象外
  await listing(cup, half, 1, 2, "商品が見つかりません (SKU not found)"); // refused: エラー
  return { shop, main, half, season };
}

/** The cells of one row, as "class:text" per column after the name (group, 総在庫数, 確保在庫, shops…). */
function row(html: string, code: string): string[] {
  const tr = html.split("<tr>").find((r) => r.includes(`<code>${code}</code>`));
  if (!tr) return [];
  return [...tr.matchAll(/<td( class="([^"]*)")?[^>]*>(.*?)<\/td>/g)].map((m) => `${m[2] ?? ""}:${m[3].replace(/<span class="sr">.*?<\/span>/g, "").replace(/<[^>]+>/g, "")}`);
}

function codes(html: string): string[] {
  return [...html.matchAll(/<th scope="row"><a href="[^"]*"><code>([^<]+)<\/code>/g)].map((m) => m[1]);
}

describe("商品管理 grid", () => {
  it("shows each product with 総在庫数, 確保在庫 and the figure each shop is sent, marking 対象外, 未反映, エラー and マイナス在庫", async () => {
    const f = await fixture();
    const viewer = await login(f.shop.users.viewer.email);
    const res = await viewer.get("/products");
    expect(res.status).toBe(200);
    const html = res.html;
    expect(html).toContain("登録商品数 5 / 1,000");
    expect(html).toContain(">楽天 本店<");
    expect(html).toContain(">楽天 半分店<");
    // name, group, 総在庫数, 確保在庫, 楽天 本店, 楽天 半分店
    expect(row(html, "TEA-1")).toEqual(["name:煎茶", ":既定グループ", "num:10", "num:2", "num:8", "num cell-unsynced:4"]);
    expect(row(html, "CUP-1")).toEqual(["name:湯呑み 藍", ":既定グループ", "num:5", "num:0", "num cell-excluded:—", "num cell-error:2"]);
    // Group 季節商品: 確保在庫 2 (from the group), 在庫比率 90%; −3 is sent as 0, never hidden on Kura's side.
    expect(row(html, "NEG-1")).toEqual(["name:羊羹", ":季節商品", "num negative:-3マイナス在庫", "num:2", "num cell-unsynced:0", "num cell-unsynced:0"]);
    expect(row(html, "LOW-1")[2]).toBe("num:4在庫少");
    // Set: min(floor((10 − 2) / 2), floor(5 / 1)) = 4; its own rules: 4 on the main shop, 2 on the half one.
    expect(row(html, "SET-1").slice(2)).toEqual(["num:4", "num:0", "num cell-unsynced:4", "num cell-unsynced:2"]);
    expect(html).toContain('title="エラー: 商品が見つかりません (SKU not found)"');
    expect(html).toContain('title="未反映: モールは 8"');
    expect(codes(html)).toEqual(["CUP-1", "LOW-1", "NEG-1", "SET-1", "TEA-1"]);
  });

  it("searches by code or name, filters by group and 状態, and sorts", async () => {
    const f = await fixture();
    const b = await login(f.shop.users.viewer.email);
    expect(codes((await b.get("/products?q=TEA")).html)).toEqual(["TEA-1"]);
    expect(codes((await b.get(`/products?q=${encodeURIComponent("湯呑み")}`)).html)).toEqual(["CUP-1", "SET-1"]);
    expect(codes((await b.get(`/products?group=${f.season}`)).html)).toEqual(["LOW-1", "NEG-1"]);
    expect(codes((await b.get("/products?status=negative")).html)).toEqual(["NEG-1"]);
    expect(codes((await b.get("/products?status=low")).html)).toEqual(["LOW-1"]);
    expect(codes((await b.get("/products?status=error")).html)).toEqual(["CUP-1"]);
    expect(codes((await b.get("/products?sort=-code")).html)).toEqual(["TEA-1", "SET-1", "NEG-1", "LOW-1", "CUP-1"]);
    // Names in code point order (SQLite's BINARY collation): 最中 湯呑み 藍 煎茶 煎茶と湯呑み 羊羹
    expect(codes((await b.get("/products?sort=name")).html)).toEqual(["LOW-1", "CUP-1", "TEA-1", "SET-1", "NEG-1"]);
    // Nonsense in the query string is ignored, not an error.
    expect((await b.get("/products?sort=drop&group=abc&status=x&after=%%%")).status).toBe(200);
  });

  it("pages with a keyset cursor that keeps the filters, in either order, without skipping or repeating a row", async () => {
    const shop = await newShop();
    const def = await env.DB.prepare("SELECT id FROM groups WHERE account_id = ? AND is_default = 1").bind(shop.accountId).first<number>("id");
    // 120 products, names repeating every 7 so that sorting by name must break ties by code.
    const values = Array.from({ length: 120 }, (_, i) => `(${shop.accountId}, 'P-${String(i).padStart(3, "0")}', '名前 ${i % 7}', ${def})`);
    await env.DB.exec(`INSERT INTO products (account_id, master_code, name, group_id) VALUES ${values.join(", ")}`);
    const b = await login(shop.users.staff.email);
    for (const sort of ["code", "-name"]) {
      const seen: string[] = [];
      let url: string | null = `/products?sort=${sort}&q=P-`;
      while (url) {
        const html: string = (await b.get(url)).html;
        seen.push(...codes(html));
        url = /href="(\/products\?[^"]+)" rel="next"/.exec(html)?.[1].replace(/&amp;/g, "&") ?? null;
        if (url) expect(url).toContain("q=P-");
      }
      expect(seen.length, sort).toBe(120);
      expect(new Set(seen).size, sort).toBe(120);
      if (sort === "code") expect(seen).toEqual([...seen].sort());
    }
  });

  it("shows one account's products only", async () => {
    const f = await fixture();
    const other = await newShop();
    const html = (await (await login(other.users.owner.email)).get("/products")).html;
    expect(codes(html)).toEqual([]);
    expect(html).toContain("登録商品数 0 / 1,000");
    expect(html).not.toContain("楽天 本店");
    void f;
  });
});
