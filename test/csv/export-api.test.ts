import { env, exports } from "cloudflare:workers";
import { parse } from "csv-parse/browser/esm/sync";
import Encoding from "encoding-japanese";
import { beforeAll, describe, expect, it } from "vitest";
import { call, type Client, drain, newAccount, OPERATOR, product, sale } from "../helpers/api";

// GET /api/v1/exports/<kind>.csv as an API client (or Excel, after a download) reads it: the
// bytes of each encoding, the columns of src/csv/columns.ts, filters, paging, and who may export.

interface Download {
  status: number;
  type: string;
  disposition: string;
  bytes: Uint8Array;
  json: any;
}

async function download(token: string, path: string): Promise<Download> {
  const res = await exports.default.fetch(`http://kura.test/api/v1/exports/${path}`, { headers: { authorization: `Bearer ${token}` } });
  const bytes = new Uint8Array(await res.arrayBuffer());
  const type = res.headers.get("content-type") ?? "";
  return { status: res.status, type, disposition: res.headers.get("content-disposition") ?? "", bytes, json: type.includes("json") ? JSON.parse(new TextDecoder().decode(bytes)) : null };
}

const BOM = [0xef, 0xbb, 0xbf];
/** A UTF-8 file's records (the BOM checked and dropped). */
function utf8Rows(d: Download): string[][] {
  expect(d.status, new TextDecoder().decode(d.bytes).slice(0, 300)).toBe(200);
  expect([...d.bytes.slice(0, 3)]).toEqual(BOM);
  return parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(d.bytes.slice(3)), { relax_column_count: false });
}
function sjisRows(d: Download): string[][] {
  expect(d.status).toBe(200);
  return parse(new TextDecoder("shift_jis", { fatal: true, ignoreBOM: false }).decode(d.bytes));
}

async function addShop(accountId: number, name: string, kind = "rakuten"): Promise<number> {
  const row = await env.DB.prepare("INSERT INTO shops (account_id, kind, name) VALUES (?, ?, ?) RETURNING id").bind(accountId, kind, name).first<{ id: number }>();
  return row!.id;
}

const JST_DAY = () => new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10).replace(/-/g, "");
const PRODUCT_HEADER = ["マスターコード", "商品名", "グループ", "総在庫数", "確保在庫", "在庫少設定数", "連動", "セット構成"];

describe("products export: bytes and encodings", () => {
  let c: Client;
  beforeAll(async () => {
    c = await newAccount();
    const p = await product(c, "JP-1", { name: "①㈱髙﨑テスト", onHand: 7 });
    await drain(c.accountId, p.group.id);
  });

  it("Shift_JIS: ①㈱髙﨑 come out as their CP932 bytes (NEC and IBM extensions), no BOM", async () => {
    const d = await download(c.token, "products.csv?encoding=shift_jis");
    expect(d.status).toBe(200);
    expect(d.type).toBe("text/csv; charset=Shift_JIS");
    const expected = `${PRODUCT_HEADER.join(",")}\r\nJP-1,①㈱髙﨑テスト,既定グループ,7,,,自動,\r\n`;
    expect([...d.bytes]).toEqual(Encoding.convert(expected, { to: "SJIS", from: "UNICODE", type: "array" }));
    // ① is NEC row 13 (0x8740), ㈱ 0x878A; 髙 and 﨑 are IBM extensions (NEC-selected rows 89–92).
    const hex = [...d.bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(hex).toContain("8740878aeee0ed95");
    // Excel (and the platform's decoder, which the import uses) reads the same text back.
    expect(new TextDecoder("shift_jis", { fatal: true, ignoreBOM: false }).decode(d.bytes)).toBe(expected);
  });

  it("UTF-8: starts with a BOM, says so in Content-Type, and names the file for today (JST)", async () => {
    const d = await download(c.token, "products.csv");
    expect(d.type).toBe("text/csv; charset=utf-8");
    expect(d.disposition).toBe(`attachment; filename="kura-products-${JST_DAY()}.csv"`);
    const rows = utf8Rows(d);
    expect(rows).toEqual([PRODUCT_HEADER, ["JP-1", "①㈱髙﨑テスト", "既定グループ", "7", "", "", "自動", ""]]);
    const text = new TextDecoder().decode(d.bytes);
    expect(text.endsWith("\r\n")).toBe(true);
  });

  it("Shift_JIS: a character CP932 cannot hold is written as one \"?\", and 〜 as CP932's ～", async () => {
    const a = await newAccount();
    await product(a, "EMOJI-1", { name: "緑茶🍵春〜夏?" });
    const d = await download(a.token, "products.csv?encoding=shift_jis");
    const rows = sjisRows(d);
    // The emoji (two UTF-16 units) is one "?"; the "?" the merchant typed stays.
    expect(rows[1][1]).toBe("緑茶?春～夏?");
  });

  it("an unknown encoding is a 400 problem, not a file", async () => {
    const d = await download(c.token, "products.csv?encoding=euc-jp");
    expect(d.status).toBe(400);
    expect(d.type).toContain("application/problem+json");
    expect(d.json.detail).toContain("encoding");
  });
});

describe("products export: cells and columns", () => {
  let c: Client;
  let honten: number;
  let yahoo: number;
  beforeAll(async () => {
    c = await newAccount();
    expect((await c.post("/groups", { name: "茶葉" })).status).toBe(201);
    honten = await addShop(c.accountId, "楽天本店");
    yahoo = await addShop(c.accountId, "Yahoo!店", "yahoo");
    const tea = await product(c, "TEA-1", { name: '煎茶, "特選" 100g', onHand: 12, group: "茶葉", reserved: 2, lowStockThreshold: 15 });
    await product(c, "CUP-1", { name: "湯呑", onHand: 30, group: "茶葉", syncMode: "manual" });
    await product(c, "GIFT-1", { name: "贈答セット", group: "茶葉", components: [{ masterCode: "TEA-1", quantity: 2 }, { masterCode: "CUP-1", quantity: 1 }] });
    // A name with a line break, as an older catalogue may hold (the API refuses control characters).
    await env.DB.prepare("UPDATE products SET name = ? WHERE account_id = ? AND master_code = 'CUP-1'").bind("湯呑\n(白)", c.accountId).run();
    expect((await c.put(`/products/TEA-1/shops/${honten}`, { mallCode: "rk-tea-1" })).status).toBe(200);
    expect((await c.put(`/products/CUP-1/shops/${yahoo}`, { managed: false })).status).toBe(200);
    await drain(c.accountId, tea.group.id);
  });

  it("commas, quotes and line breaks in cells are quoted (RFC 4180) and read back intact", async () => {
    const d = await download(c.token, "products.csv");
    const text = new TextDecoder().decode(d.bytes.slice(3));
    expect(text).toContain('"煎茶, ""特選"" 100g"');
    expect(text).toContain('"湯呑\n(白)"');
    const rows = utf8Rows(d);
    expect(rows.map((r) => r[1])).toEqual(["商品名", "湯呑\n(白)", "贈答セット", '煎茶, "特選" 100g']);
  });

  it("per-shop columns: 管理 and モールコード for every shop, in shop id order", async () => {
    const rows = utf8Rows(await download(c.token, "products.csv"));
    expect(rows[0]).toEqual([...PRODUCT_HEADER, "楽天本店:管理", "楽天本店:モールコード", "Yahoo!店:管理", "Yahoo!店:モールコード"]);
    expect(rows[1]).toEqual(["CUP-1", "湯呑\n(白)", "茶葉", "30", "", "", "手動", "", "対象", "", "対象外", ""]);
    expect(rows[3]).toEqual(["TEA-1", '煎茶, "特選" 100g', "茶葉", "12", "2", "15", "自動", "", "対象", "rk-tea-1", "対象", ""]);
    expect(honten).toBeLessThan(yahoo);
  });

  it("a set: its components as CODE*qty, and no 総在庫数 of its own", async () => {
    const rows = utf8Rows(await download(c.token, "products.csv"));
    expect(rows[2]).toEqual(["GIFT-1", "贈答セット", "茶葉", "", "", "", "自動", "CUP-1*1;TEA-1*2", "対象", "", "対象", ""]);
  });

  it("stock file: マスターコード and 総在庫数, sets left out", async () => {
    const rows = utf8Rows(await download(c.token, "stock.csv"));
    expect(rows).toEqual([["マスターコード", "総在庫数"], ["CUP-1", "30"], ["TEA-1", "12"]]);
  });

  it("mappings file: one row per master code × shop, empty where the mall's default code applies; shopId keeps one shop", async () => {
    const all = utf8Rows(await download(c.token, "mappings.csv"));
    expect(all).toEqual([
      ["マスターコード", "店舗", "モールコード"],
      ["CUP-1", "楽天本店", ""], ["CUP-1", "Yahoo!店", ""],
      ["GIFT-1", "楽天本店", ""], ["GIFT-1", "Yahoo!店", ""],
      ["TEA-1", "楽天本店", "rk-tea-1"], ["TEA-1", "Yahoo!店", ""],
    ]);
    const one = utf8Rows(await download(c.token, `mappings.csv?shopId=${honten}`));
    expect(one.slice(1).map((r) => r.join("|"))).toEqual(["CUP-1|楽天本店|", "GIFT-1|楽天本店|", "TEA-1|楽天本店|rk-tea-1"]);
  });

  it("filters narrow the rows: search (code prefix, name substring), group, 状態", async () => {
    const codes = async (q: string) => utf8Rows(await download(c.token, `products.csv?${q}`)).slice(1).map((r) => r[0]);
    expect(await codes("q=TEA")).toEqual(["TEA-1"]);
    expect(await codes(`q=${encodeURIComponent("贈答")}`)).toEqual(["GIFT-1"]);
    expect(await codes(`q=${encodeURIComponent("特選")}`)).toEqual(["TEA-1"]);
    expect(await codes(`group=${encodeURIComponent("既定グループ")}`)).toEqual([]);
    expect(await codes(`group=${encodeURIComponent("茶葉")}`)).toEqual(["CUP-1", "GIFT-1", "TEA-1"]);
    expect(await codes("status=low")).toEqual(["TEA-1"]); // 12 ≤ 15; a set is never 在庫少
  });

  it("an unknown group or a shop of another account is a problem, not an empty file", async () => {
    const g = await download(c.token, "products.csv?group=nope");
    expect(g.status).toBe(400);
    expect(g.json.detail).toContain("nope");
    const other = await newAccount();
    const theirs = await addShop(other.accountId, "他社の店");
    expect((await download(c.token, `mappings.csv?shopId=${theirs}`)).status).toBe(404);
  });
});

describe("a large export, other accounts, and who may export", () => {
  let big: Client;
  const N = 1200;
  const code = (i: number) => `BULK-${String(i).padStart(5, "0")}`;
  beforeAll(async () => {
    big = await newAccount({ maxProducts: 2000, maxShops: 5 });
    for (let start = 0; start < N; start += 600) {
      const items = Array.from({ length: 600 }, (_, k) => ({ masterCode: code(start + k), name: `一括 ${start + k}`, onHand: start + k }));
      const res = await big.post("/products/bulk", { items });
      expect(res.status, JSON.stringify(res.json).slice(0, 200)).toBe(201);
    }
    const one = await big.get(`/products/${code(0)}`);
    await drain(big.accountId, one.json.group.id);
  });

  it("1,200 products (three pages of 500) come out complete and in master-code order, with their stock", async () => {
    const rows = utf8Rows(await download(big.token, "products.csv"));
    expect(rows).toHaveLength(N + 1);
    expect(rows.slice(1).map((r) => r[0])).toEqual(Array.from({ length: N }, (_, i) => code(i)));
    expect(rows[1000]).toEqual([code(999), "一括 999", "既定グループ", "999", "", "", "自動", ""]);
    const sjis = sjisRows(await download(big.token, "stock.csv?encoding=shift_jis"));
    expect(sjis).toHaveLength(N + 1);
    expect(sjis[N]).toEqual([code(N - 1), String(N - 1)]);
  });

  it("another account's export holds only its own rows, whatever filter it tries", async () => {
    const other = await newAccount();
    await product(other, "MINE-1", { name: "自社商品" });
    const rows = utf8Rows(await download(other.token, "products.csv"));
    expect(rows.slice(1).map((r) => r[0])).toEqual(["MINE-1"]);
    expect(utf8Rows(await download(other.token, "products.csv?q=BULK")).slice(1)).toEqual([]);
    expect(utf8Rows(await download(other.token, "mappings.csv")).slice(1)).toEqual([]);
    // The big account never sees MINE-1 either.
    const theirs = utf8Rows(await download(big.token, "products.csv?q=MINE"));
    expect(theirs.slice(1)).toEqual([]);
  });

  it("a read-only token (the API's viewer) is refused with a problem; a read-write token exports; no token is 401", async () => {
    const ro = await call(OPERATOR, "POST", `/operator/accounts/${big.accountId}/tokens`, { name: "閲覧のみ", scopes: ["read"] });
    expect(ro.status).toBe(201);
    for (const kind of ["products", "stock", "mappings", "sales-log", "mall-updates-log", "operations-log"]) {
      const d = await download(ro.json.apiToken, `${kind}.csv`);
      expect(d.status, kind).toBe(403);
      expect(d.type, kind).toContain("application/problem+json");
      expect(d.json.detail, kind).toContain("write");
      expect((await download(big.token, `${kind}.csv`)).status, kind).toBe(200);
    }
    const none = await exports.default.fetch("http://kura.test/api/v1/exports/products.csv");
    expect(none.status).toBe(401);
  });
});

describe("log exports", () => {
  let c: Client;
  beforeAll(async () => {
    c = await newAccount();
    const p = await product(c, "TEA-1", { name: "煎茶", onHand: 10 });
    await product(c, "CUP-1", { name: "湯呑", onHand: 5 });
    expect((await sale(c, "pos-shibuya", "R-1", [{ lineId: "1", code: "TEA-1", quantity: 2 }])).status).toBe(200);
    expect((await sale(c, "pos-shibuya", "R-2", [{ lineId: "1", code: "CUP-1", quantity: 1 }])).status).toBe(200);
    expect((await sale(c, "pos-shibuya", "R-3", [{ lineId: "1", code: "NOPE-9", quantity: 1 }])).status).toBe(200);
    await drain(c.accountId, p.group.id);
  });

  it("販売ログ: the page's columns, newest first, in Shift_JIS; master code and result filters narrow it", async () => {
    const rows = sjisRows(await download(c.token, "sales-log.csv?encoding=shift_jis"));
    expect(rows[0]).toEqual(["日時", "店舗", "注文番号", "明細", "モールコード", "マスターコード", "数量", "区分", "変更前在庫", "変更後在庫", "結果"]);
    // The rows of the 販売ログ, in its order (newest entry first), as the JSON API lists them.
    const listed = (await c.get("/logs/sales?limit=50")).json.items.map((e: { orderId: string }) => e.orderId);
    expect(listed.sort()).toEqual(["R-1", "R-2", "R-3"]);
    expect(rows.slice(1).map((r) => r[2])).toEqual((await c.get("/logs/sales?limit=50")).json.items.map((e: { orderId: string }) => e.orderId));
    expect(rows.find((r) => r[2] === "R-1")!.slice(5, 10)).toEqual(["TEA-1", "2", "販売", "10", "8"]);
    const tea = utf8Rows(await download(c.token, "sales-log.csv?masterCode=TEA-1"));
    expect(tea.slice(1).map((r) => r[2])).toEqual(["R-1"]);
    const unknown = utf8Rows(await download(c.token, "sales-log.csv?result=unknown_code"));
    expect(unknown.slice(1).map((r) => r[2])).toEqual(["R-3"]);
    expect(utf8Rows(await download(c.token, "sales-log.csv?from=2020-01-01&to=2020-01-31")).slice(1)).toEqual([]);
  });

  it("モール更新ログ: shop and result filters, an error's text in its cell, a shop of another account refused", async () => {
    const rakuten = await addShop(c.accountId, "楽天本店");
    const yahoo = await addShop(c.accountId, "Yahoo!店", "yahoo");
    const at = Date.parse("2026-11-30T01:00:00Z"); // 10:00 JST
    await env.DB.prepare(
      `INSERT INTO mall_update_log (account_id, at, shop_id, master_code, mall_code, figure, result, attempt) VALUES
       (?, ?, ?, 'TEA-1', 'rk-tea-1', 8, 'ok', 1), (?, ?, ?, 'TEA-1', 'tea-1', 8, 'item: 在庫数が不正です, "code" 400', 2)`,
    ).bind(c.accountId, at, rakuten, c.accountId, at + 1000, yahoo).run();
    const all = utf8Rows(await download(c.token, "mall-updates-log.csv?from=2026-11-30&to=2026-11-30"));
    expect(all[0]).toEqual(["送信日時", "店舗", "マスターコード", "モールコード", "送信在庫数", "結果", "試行回数", "モール確認日時"]);
    expect(all.slice(1).map((r) => r.slice(1, 7))).toEqual([
      ["Yahoo!店", "TEA-1", "tea-1", "8", 'item: 在庫数が不正です, "code" 400', "2"],
      ["楽天本店", "TEA-1", "rk-tea-1", "8", "OK", "1"],
    ]);
    expect(all[2][0]).toBe("2026-11-30 10:00:00");
    expect(utf8Rows(await download(c.token, `mall-updates-log.csv?shopId=${rakuten}`)).slice(1).map((r) => r[1])).toEqual(["楽天本店"]);
    expect(utf8Rows(await download(c.token, "mall-updates-log.csv?result=error")).slice(1).map((r) => r[1])).toEqual(["Yahoo!店"]);
    // A mall's error text that Excel would run as a formula is written as text.
    await env.DB.prepare("INSERT INTO mall_update_log (account_id, at, shop_id, master_code, figure, result, attempt) VALUES (?, ?, ?, 'CUP-1', -2, ?, 1)")
      .bind(c.accountId, at + 2000, yahoo, '=HYPERLINK("http://evil.example","x")').run();
    const cup = utf8Rows(await download(c.token, "mall-updates-log.csv?masterCode=CUP-1"));
    expect(cup[1].slice(4, 6)).toEqual(["-2", `'=HYPERLINK("http://evil.example","x")`]);
    const other = await newAccount();
    expect((await download(other.token, `mall-updates-log.csv?shopId=${rakuten}`)).status).toBe(404);
    expect(utf8Rows(await download(other.token, "mall-updates-log.csv")).slice(1)).toEqual([]);
  });

  it("操作ログ exports too; a date that is not one is a 400 problem naming the field", async () => {
    const ops = utf8Rows(await download(c.token, "operations-log.csv"));
    expect(ops[0]).toEqual(["日時", "ユーザー", "操作", "対象", "変更前", "変更後"]);
    expect(ops.slice(1).some((r) => r[3] === "TEA-1")).toBe(true);
    const bad = await download(c.token, "operations-log.csv?from=2026-13-45");
    expect(bad.status).toBe(400);
    expect(bad.json.detail).toContain("from");
    const backwards = await download(c.token, "sales-log.csv?from=2026-02-01&to=2026-01-01");
    expect(backwards.status).toBe(400);
  });
});
