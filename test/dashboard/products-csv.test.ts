import { exports } from "cloudflare:workers";
import { parse } from "csv-parse/browser/esm/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { clientFor, drain } from "../helpers/api";
import { type Browser, login, newShop, ORIGIN, type Shop } from "./helpers";

// 商品管理's CSV menu (商品CSV / 在庫CSV / 別品番CSV, Shift_JIS or UTF-8, the grid's filters kept)
// and the Shift_JIS choice of the log pages, as a logged-in merchant uses them.

async function file(b: Browser, path: string) {
  const res = await exports.default.fetch(`${ORIGIN}${path}`, { headers: { cookie: b.cookie, "cf-connecting-ip": "192.0.2.1" }, redirect: "manual" });
  return { status: res.status, type: res.headers.get("content-type"), disposition: res.headers.get("content-disposition"), bytes: new Uint8Array(await res.arrayBuffer()) };
}

/** The CSV menu's GET form as a browser submits it with one of its buttons: hidden fields, the checked radio, the button's formaction. */
function submitMenu(html: string, button: string, encoding?: string): string {
  const form = /<details class="csv-menu">([\s\S]*?)<\/details>/.exec(html)?.[1];
  if (!form) throw new Error("no CSV menu on the page");
  const params = new URLSearchParams();
  for (const m of form.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) params.set(m[1], m[2].replace(/&amp;/g, "&"));
  const checked = /<input type="radio" name="encoding" value="([^"]+)" checked/.exec(form)?.[1];
  params.set("encoding", encoding ?? checked ?? "");
  const action = new RegExp(`<button type="submit" formaction="([^"]+)">${button}</button>`).exec(form)?.[1];
  if (!action) throw new Error(`no ${button} button in the CSV menu`);
  return `${action}?${params}`;
}

let shop: Shop;
let staff: Browser;
let teaGroup: number;
beforeAll(async () => {
  shop = await newShop();
  const api = clientFor(shop.accountId, shop.apiToken);
  const g = await api.post("/groups", { name: "茶葉" });
  teaGroup = g.json.id;
  for (const [code, name, onHand, group] of [["TEA-1", "①㈱髙﨑 煎茶", 12, "茶葉"], ["TEA-2", "玉露", 3, "茶葉"], ["CUP-1", "湯呑", 30, undefined]] as const) {
    const res = await api.post("/products", { masterCode: code, name, onHand, ...(group ? { group } : {}) });
    expect(res.status).toBe(201);
    await drain(shop.accountId, res.json.group.id);
  }
  staff = await login(shop.users.staff.email);
});

describe("商品管理 CSV menu", () => {
  it("offers 商品CSV / 在庫CSV / 別品番CSV with Shift_JIS chosen first, and keeps the grid's filters", async () => {
    const page = await staff.get(`/products?q=TEA&group=${teaGroup}`);
    expect(page.status).toBe(200);
    for (const label of ["商品CSV", "在庫CSV", "別品番CSV", "Shift_JIS（Excel用）", "UTF-8"]) expect(page.html).toContain(label);
    const href = submitMenu(page.html, "商品CSV");
    expect(href).toBe(`/products/export/products.csv?q=TEA&group=${teaGroup}&encoding=shift_jis`);
    const f = await file(staff, href);
    expect(f.status).toBe(200);
    expect(f.type).toBe("text/csv; charset=Shift_JIS");
    expect(f.disposition).toMatch(/^attachment; filename="kura-products-\d{8}\.csv"$/);
    const rows: string[][] = parse(new TextDecoder("shift_jis", { fatal: true, ignoreBOM: false }).decode(f.bytes));
    expect(rows.slice(1).map((r) => [r[0], r[1], r[2], r[3]])).toEqual([["TEA-1", "①㈱髙﨑 煎茶", "茶葉", "12"], ["TEA-2", "玉露", "茶葉", "3"]]);
  });

  it("在庫CSV in UTF-8 (with its BOM) of every product when no filter is set", async () => {
    const page = await staff.get("/products");
    expect(page.html).toContain("すべての商品を書き出します");
    const f = await file(staff, submitMenu(page.html, "在庫CSV", "utf-8"));
    expect(f.type).toBe("text/csv; charset=utf-8");
    expect([...f.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(parse(new TextDecoder().decode(f.bytes.slice(3)))).toEqual([["マスターコード", "総在庫数"], ["CUP-1", "30"], ["TEA-1", "12"], ["TEA-2", "3"]]);
  });

  it("別品番CSV: one row per product × shop (an account without shops has none)", async () => {
    const page = await staff.get("/products?status=low");
    const f = await file(staff, submitMenu(page.html, "別品番CSV"));
    expect(new TextDecoder("shift_jis").decode(f.bytes)).toBe("マスターコード,店舗,モールコード\r\n");
  });

  it("in English the menu speaks English; the file's headers stay Japanese", async () => {
    const page = await staff.get("/products?lang=en");
    for (const label of ["Products CSV", "Stock CSV", "Code mappings CSV", "Shift_JIS (for Excel)"]) expect(page.html).toContain(label);
    const f = await file(staff, submitMenu(page.html, "Products CSV", "utf-8"));
    expect(new TextDecoder().decode(f.bytes.slice(3)).split("\r\n")[0]).toBe("マスターコード,商品名,グループ,総在庫数,確保在庫,在庫少設定数,連動,セット構成");
  });

  it("a viewer sees no CSV menu and is refused the files", async () => {
    const viewer = await login(shop.users.viewer.email);
    const page = await viewer.get("/products");
    expect(page.status).toBe(200);
    expect(page.html).not.toContain("csv-menu");
    for (const kind of ["products", "stock", "mappings"]) expect((await file(viewer, `/products/export/${kind}.csv`)).status, kind).toBe(403);
  });

  it("another account's group id in the link exports nothing of theirs", async () => {
    const other = await newShop();
    const otherStaff = await login(other.users.staff.email);
    const f = await file(otherStaff, `/products/export/products.csv?group=${teaGroup}&encoding=utf-8`);
    expect(f.status).toBe(200);
    expect(parse(new TextDecoder().decode(f.bytes.slice(3)))).toHaveLength(1);
  });
});

describe("log pages: Shift_JIS beside UTF-8", () => {
  it("the 操作ログ page links both encodings with its filters, and the Shift_JIS file has no BOM", async () => {
    const page = await staff.get("/logs/operations?code=TEA-1");
    const links = [...page.html.matchAll(/href="(\/logs\/operations\.csv\?[^"]*)"/g)].map((m) => m[1].replace(/&amp;/g, "&"));
    expect(links).toEqual(["/logs/operations.csv?code=TEA-1", "/logs/operations.csv?code=TEA-1&encoding=shift_jis"]);
    const f = await file(staff, links[1]);
    expect(f.type).toBe("text/csv; charset=Shift_JIS");
    const rows: string[][] = parse(new TextDecoder("shift_jis", { fatal: true, ignoreBOM: false }).decode(f.bytes));
    expect(rows[0]).toEqual(["日時", "ユーザー", "操作", "対象", "変更前", "変更後"]);
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.slice(1).every((r) => r[3] === "TEA-1")).toBe(true);
  });
});
