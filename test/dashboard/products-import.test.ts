import { env, exports } from "cloudflare:workers";
import Encoding from "encoding-japanese";
import { beforeAll, describe, expect, it } from "vitest";
import { clientFor, until } from "../helpers/api";
import { type Browser, login, newShop, ORIGIN, type Page, type Shop } from "./helpers";

// 取込み (/products/import) as a merchant uses it: choose a file Excel saved, read the report
// (progress, the bad rows with 行 / 列 / 理由, new products against the plan), then 反映する or 取消.

const HEAD = "マスターコード,商品名,グループ,総在庫数,確保在庫,在庫少設定数,連動,セット構成";
const csv = (...lines: string[]) => `${lines.join("\r\n")}\r\n`;
const sjis = (text: string) => Uint8Array.from(Encoding.convert(text, { to: "SJIS", from: "UNICODE", type: "array" }));

/** The upload form as a browser posts it: multipart, with the session's CSRF token. */
async function upload(b: Browser, bytes: Uint8Array, fields: Record<string, string>, lang?: "en"): Promise<Page> {
  const form = new FormData();
  form.set("_csrf", b.csrf);
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  form.set("file", new File([bytes], "商品.csv", { type: "text/csv" }));
  const res = await exports.default.fetch(`${ORIGIN}/products/import`, {
    method: "POST",
    headers: { cookie: lang ? `${b.cookie}; kura_lang=${lang}` : b.cookie, origin: ORIGIN, "cf-connecting-ip": "192.0.2.1" },
    body: form,
    redirect: "manual",
  });
  return { status: res.status, location: res.headers.get("location"), setCookie: [], html: await res.text() };
}

/** The report page once the import has left `phase` (validating / applying). */
async function after(b: Browser, path: string, phase: string): Promise<string> {
  const page = await until(`${path} past ${phase}`, () => b.get(path), (p) => !p.html.includes(`>${phase}</span>`), 20_000);
  expect(page.status).toBe(200);
  return page.html;
}

/** The bad rows table: each row's 行, 列, 理由. */
function badRows(html: string): string[][] {
  const body = /<table class="grid import-errors">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1].replace(/&quot;/g, '"').replace(/&amp;/g, "&")));
}

const count = (html: string, id: string) => />([\d,]+)</.exec(html.slice(html.indexOf(`id="${id}"`)))?.[1];

let shop: Shop;
let staff: Browser;
const codes = async (s: Shop) => (await clientFor(s.accountId, s.apiToken).get("/products?limit=100")).json.items.map((p: { masterCode: string }) => p.masterCode);

beforeAll(async () => {
  shop = await newShop();
  staff = await login(shop.users.staff.email);
});

describe("取込み", () => {
  it("the form offers the file kinds, 自動判定 / Shift_JIS / UTF-8, 上書き / 加算・減算, carries the CSRF token, and is linked from the CSV menu", async () => {
    const grid = await staff.get("/products");
    expect(grid.html).toContain('href="/products/import"');
    const page = await staff.get("/products/import");
    expect(page.status).toBe(200);
    for (const label of ["商品CSV", "在庫CSV", "別品番紐づけCSV", "自動判定", "Shift_JIS（Excel）", "UTF-8", "上書き", "加算・減算"]) expect(page.html).toContain(label);
    expect(page.html).toContain('enctype="multipart/form-data"');
    expect(page.html).toContain(`name="_csrf" value="${staff.csrf}"`);
  });

  it("a Shift_JIS file with two bad rows: the report lists exactly those lines (行, 列, 理由); 反映する registers the rest", async () => {
    const file = sjis(csv(HEAD, "IM-1,①㈱髙﨑 煎茶,,10,,,,", "IM-BAD,悪い数,,十,,,,", "IM-2,玉露,,3,,,,", ",コードなし,,1,,,,", "IM-3,番茶,,7,,,,"));
    const up = await upload(staff, file, { kind: "products", encoding: "auto", stockMode: "set" });
    expect(up.status, up.html.slice(0, 300)).toBe(303);
    const path = up.location!;
    expect(path).toMatch(/^\/products\/import\/\d+$/);
    const first = await staff.get(path);
    // While it is checked the page refreshes itself; once checked it stops.
    if (first.html.includes(">検証中</span>")) expect(first.html).toContain('<meta http-equiv="refresh" content="2"/>');
    const html = await after(staff, path, "検証中");
    expect(html).toContain(">検証済み</span>");
    expect(html).not.toContain('http-equiv="refresh"');
    expect(html).toContain("Shift_JIS");
    expect([count(html, "rows-valid"), count(html, "rows-invalid"), count(html, "new-products")]).toEqual(["3", "2", "3"]);
    expect(badRows(html)).toEqual([
      ["3", "総在庫数", "0 以上の整数ではありません: 「十」"],
      ["5", "マスターコード", "マスターコードがありません"],
    ]);
    // The same report in English.
    const en = await staff.get(`${path}?lang=en`);
    expect(badRows(en.html)[0]).toEqual(["3", "総在庫数", 'not a whole number of 0 or more: "十"']);

    expect(await codes(shop)).toEqual([]);
    const applied = await staff.post(`${path}/apply`);
    expect(applied.status).toBe(303);
    const done = await after(staff, path, "反映中");
    expect(done).toContain(">反映済み</span>");
    expect(done).toContain("新しく登録した商品");
    expect(await codes(shop)).toEqual(["IM-1", "IM-2", "IM-3"]);
    expect((await clientFor(shop.accountId, shop.apiToken).get("/products/IM-1")).json).toMatchObject({ name: "①㈱髙﨑 煎茶", onHand: 10 });
    // Pressing 反映する again changes nothing.
    expect((await staff.post(`${path}/apply`)).status).toBe(303);
    expect(await codes(shop)).toEqual(["IM-1", "IM-2", "IM-3"]);
  });

  it("over the plan: 何も登録しない registers nothing, 入る分だけ登録 exactly what fits", async () => {
    const small = await newShop();
    await env.DB.prepare("UPDATE accounts SET max_products = 2 WHERE id = ?").bind(small.accountId).run();
    const b = await login(small.users.staff.email);
    const up = await upload(b, sjis(csv("マスターコード,商品名,総在庫数", "PL-1,一,1", "PL-2,二,2", "PL-3,三,3")), { kind: "products", encoding: "shift_jis", stockMode: "set" });
    const html = await after(b, up.location!, "検証中");
    expect([count(html, "new-products"), count(html, "plan-room")]).toEqual(["3", "2"]);
    expect(html).toContain("新しい商品 3 件のうち、プランに入るのは 2 件です。");
    expect(html).toContain("入る分だけ登録する（ファイルの順に 2 件）");
    expect(html).toContain("何も登録しない");

    const nothing = await b.post(`${up.location}/apply`, { onPlanLimit: "nothing" });
    expect(nothing.status).toBe(409);
    expect(nothing.html).toContain("何も反映していません");
    expect(await codes(small)).toEqual([]);

    expect((await b.post(`${up.location}/apply`, { onPlanLimit: "fit" })).status).toBe(303);
    const done = await after(b, up.location!, "反映中");
    expect(done).toContain(">反映済み</span>");
    expect(await codes(small)).toEqual(["PL-1", "PL-2"]);
  });

  it("取消 before 反映する changes nothing, and the import is listed as 取消済み", async () => {
    const up = await upload(staff, sjis(csv("マスターコード,総在庫数", "IM-1,999")), { kind: "stock", encoding: "auto", stockMode: "adjust" });
    const path = up.location!;
    const html = await after(staff, path, "検証中");
    expect(html).toContain("加算・減算");
    expect((await staff.post(`${path}/cancel`)).status).toBe(303);
    const cancelled = await staff.get(path);
    expect(cancelled.html).toContain(">取消済み</span>");
    expect(cancelled.html).not.toContain(`action="${path}/apply"`);
    expect((await clientFor(shop.accountId, shop.apiToken).get("/products/IM-1")).json.onHand).toBe(10);
    const list = await staff.get("/products/import");
    expect(list.html).toContain(`href="${path}"`);
    expect(list.html).toContain("取消済み");
  });

  it("a file refused as a whole (no file, an unknown column) is said on the form, in Japanese or English", async () => {
    const none = await upload(staff, new Uint8Array(0), { kind: "products" });
    expect(none.status).toBe(400);
    expect(none.html).toContain("CSVファイルを選んでください。");
    const bad = await upload(staff, sjis(csv("マスターコード,色", "X-1,赤")), { kind: "products", encoding: "auto", stockMode: "set" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("見出し行に誤りがあります");
    expect(bad.html).toContain("不明な列です: 「色」");
    const en = await upload(staff, sjis(csv("マスターコード,色", "X-1,赤")), { kind: "products" }, "en");
    expect(en.html).toContain("The header row is wrong");
    expect(en.html).toContain("unknown column: &quot;色&quot;");
  });

  it("another account's import is not found; a viewer cannot upload", async () => {
    const up = await upload(staff, sjis(csv("マスターコード,総在庫数", "IM-2,1")), { kind: "stock" });
    const other = await newShop();
    const stranger = await login(other.users.owner.email);
    expect((await stranger.get(up.location!)).status).toBe(404);
    expect((await stranger.post(`${up.location}/apply`)).status).toBe(404);
    const viewer = await login(shop.users.viewer.email);
    expect((await viewer.get("/products/import")).status).toBe(403);
    expect((await upload(viewer, sjis(csv("マスターコード,総在庫数", "IM-2,1")), { kind: "stock" })).status).toBe(403);
  });
});
