import { env, exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { type Browser, login, newShop, ORIGIN, type Shop } from "./helpers";

// ログ pages (販売ログ, モール更新ログ, 操作ログ) and their CSV export, on rows written straight
// into D1 so that times, shops and results are exactly known.

const JST = 9 * 3_600_000;
/** An instant given as JST wall time. */
const jst = (s: string) => Date.parse(`${s}Z`) - JST;

async function addShop(accountId: number, name: string): Promise<number> {
  const row = await env.DB.prepare("INSERT INTO shops (account_id, kind, name) VALUES (?, 'rakuten', ?) RETURNING id").bind(accountId, name).first<{ id: number }>();
  return row!.id;
}

interface Sale {
  at: number;
  shopId: number | null;
  source?: string;
  orderId: string;
  code: string | null;
  qty?: number;
  result?: string;
  before?: number;
  after?: number;
}

async function addSales(accountId: number, rows: Sale[]) {
  const json = rows.map((r, i) => ({
    at: r.at, source: r.source ?? String(r.shopId), shopId: r.shopId, orderId: r.orderId, lineId: "1", kind: "sale",
    mallCode: r.code, masterCode: r.result === "unknown_code" ? null : r.code, quantity: r.qty ?? 1, before: r.before ?? null, after: r.after ?? null,
    result: r.result ?? "applied", lineKey: `${r.orderId}:${i}:${crypto.randomUUID()}`,
  }));
  await env.DB.prepare(
    `INSERT INTO sales_log (account_id, at, source, shop_id, order_id, line_id, kind, mall_code, master_code, quantity, on_hand_before, on_hand_after, result, line_key)
     SELECT ?, json_extract(value,'$.at'), json_extract(value,'$.source'), json_extract(value,'$.shopId'), json_extract(value,'$.orderId'), json_extract(value,'$.lineId'),
            json_extract(value,'$.kind'), json_extract(value,'$.mallCode'), json_extract(value,'$.masterCode'), json_extract(value,'$.quantity'),
            json_extract(value,'$.before'), json_extract(value,'$.after'), json_extract(value,'$.result'), json_extract(value,'$.lineKey')
     FROM json_each(?)`,
  ).bind(accountId, JSON.stringify(json)).run();
}

async function csv(b: Browser, path: string) {
  const res = await exports.default.fetch(`${ORIGIN}${path}`, { headers: { cookie: b.cookie, "cf-connecting-ip": "192.0.2.1" }, redirect: "manual" });
  const bytes = new Uint8Array(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get("content-type"), disposition: res.headers.get("content-disposition"), bytes, text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes) };
}

/** The data rows of a log page's table: each row's cell texts. */
function tableRows(html: string): string[][] {
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => [...m[1].matchAll(/<td[^>]*>([\s\S]*?)<\/td>/g)].map((c) => c[1]));
}

let shop: Shop;
let other: Shop;
let honten: number;
let yahoo: number;
let otherShop: number;

beforeAll(async () => {
  shop = await newShop();
  other = await newShop();
  honten = await addShop(shop.accountId, "楽天 本店");
  yahoo = await addShop(shop.accountId, "Yahoo 店");
  otherShop = await addShop(other.accountId, "他社の店");
  await addSales(shop.accountId, [
    { at: jst("2026-11-29T23:59:59"), shopId: honten, orderId: "R-OLD", code: "TEA-1", before: 10, after: 9 },
    { at: jst("2026-11-30T00:00:00"), shopId: honten, orderId: "R-1", code: "TEA-1", before: 9, after: 8 },
    { at: jst("2026-11-30T09:00:00"), shopId: null, source: "pos", orderId: "P-1", code: "NEW-9", result: "unknown_code" },
    { at: jst("2026-11-30T12:34:56"), shopId: honten, orderId: 'R-2,"gift"', code: "CUP-1", qty: 2, before: 1, after: -1 },
    { at: jst("2026-11-30T23:59:59"), shopId: yahoo, orderId: "Y-1", code: "TEA-1", before: 8, after: 7 },
    { at: jst("2026-12-01T00:00:00"), shopId: honten, orderId: "R-NEXT", code: "TEA-1", before: 7, after: 6 },
  ]);
  await addSales(other.accountId, [{ at: jst("2026-11-30T10:00:00"), shopId: otherShop, orderId: "OTHER-1", code: "TEA-1" }]);
  await env.DB.prepare(
    `INSERT INTO mall_update_log (account_id, at, shop_id, master_code, mall_code, figure, result, attempt) VALUES
     (?1, ?2, ?3, 'TEA-1', 'tea-1', 8, 'ok', 1), (?1, ?2, ?4, 'TEA-1', 'tea-1', 8, 'HTTP 500 在庫更新に失敗', 3), (?5, ?2, ?6, 'TEA-1', 'x', 99, 'OTHER ERROR', 1)`,
  ).bind(shop.accountId, jst("2026-11-30T10:00:00"), honten, yahoo, other.accountId, otherShop).run();
  await env.DB.prepare(
    `INSERT INTO operation_log (account_id, at, actor, action, target, before, after) VALUES
     (?1, ?2, ?3, 'stock.set', 'TEA-1', '{"onHand":10}', '{"onHand":15}'), (?1, ?2, 'token:7', 'product.create', 'CUP-1', NULL, '{"name":"湯呑"}'),
     (?4, ?2, 'system', 'stock.set', 'TEA-1', NULL, '{"onHand":999}')`,
  ).bind(shop.accountId, jst("2026-11-30T11:00:00"), `user:${shop.users.staff.id}`, other.accountId).run();
});

describe("販売ログ", () => {
  it("/logs leads to the 販売ログ, which lists the account's lines newest first with JST times", async () => {
    const b = await login(shop.users.viewer.email);
    const res = await b.get("/logs");
    expect([res.status, res.location]).toEqual([303, "/logs/sales"]);
    const rows = tableRows((await b.get("/logs/sales")).html);
    expect(rows.map((r) => r[2])).toEqual(["R-NEXT", "Y-1", "R-2,&quot;gift&quot;", "P-1", "R-1", "R-OLD"]);
    expect(rows[0][0]).toBe("2026-12-01 00:00:00");
    expect(rows[1][1]).toBe("Yahoo 店");
    expect(rows[3][1]).toBe("pos");
    expect(rows[3][10]).toBe("未登録コード");
  });

  it("filters by JST date range, shop and master code, showing only those rows", async () => {
    const b = await login(shop.users.viewer.email);
    const day = tableRows((await b.get("/logs/sales?from=2026-11-30&to=2026-11-30")).html).map((r) => r[2]);
    expect(day).toEqual(["Y-1", "R-2,&quot;gift&quot;", "P-1", "R-1"]);
    const hontenTea = tableRows((await b.get(`/logs/sales?from=2026-11-30&to=2026-11-30&shop=${honten}&code=TEA-1`)).html);
    expect(hontenTea.map((r) => r[2])).toEqual(["R-1"]);
    expect(hontenTea[0].slice(8, 10)).toEqual(["9", "8"]);
    const unknown = tableRows((await b.get("/logs/sales?result=unknown_code")).html).map((r) => r[2]);
    expect(unknown).toEqual(["P-1"]);
  });

  it("a wrong date is reported in Japanese next to its field, and lists nothing", async () => {
    const b = await login(shop.users.viewer.email);
    const res = await b.get("/logs/sales?from=2026-12-01&to=2026-11-30");
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/name="to"[^>]*aria-invalid="true"[^>]*>\s*<span class="field-error" id="f-to-error">終了日は開始日以降にしてください。/);
    expect(tableRows(res.html)).toEqual([]);
    expect((await b.get("/logs/sales?from=2026-02-31")).html).toContain("日付を YYYY-MM-DD の形で入力してください。");
  });

  it("pages by key: the next page continues where the last ended, with no row twice", async () => {
    const s = await newShop();
    const id = await addShop(s.accountId, "大量店");
    await addSales(s.accountId, Array.from({ length: 150 }, (_, i) => ({ at: jst("2026-11-30T08:00:00") + i * 1000, shopId: id, orderId: `O-${String(i).padStart(3, "0")}`, code: "A" })));
    const b = await login(s.users.viewer.email);
    const first = await b.get(`/logs/sales?shop=${id}`);
    const one = tableRows(first.html).map((r) => r[2]);
    expect(one).toHaveLength(100);
    expect(one[0]).toBe("O-149");
    const next = /href="(\/logs\/sales\?[^"]*before=\d+[^"]*)"/.exec(first.html)![1].replace(/&amp;/g, "&");
    expect(next).toContain(`shop=${id}`);
    const two = tableRows((await b.get(next)).html).map((r) => r[2]);
    expect(two).toHaveLength(50);
    expect(two[0]).toBe("O-049");
    expect(two.at(-1)).toBe("O-000");
  });

  it("shows nothing of another account, even when asked for its shop", async () => {
    const b = await login(shop.users.owner.email);
    const all = (await b.get("/logs/sales")).html;
    expect(all).not.toContain("OTHER-1");
    expect(all).not.toContain("他社の店");
    expect(tableRows((await b.get(`/logs/sales?shop=${otherShop}`)).html)).toEqual([]);
    const mall = (await b.get("/logs/mall-updates")).html;
    expect(mall).not.toContain("OTHER ERROR");
    expect((await b.get("/logs/operations")).html).not.toContain("999");
    const file = await csv(b, `/logs/sales.csv?shop=${otherShop}`);
    expect(file.text.split("\r\n").filter(Boolean)).toHaveLength(1);
    expect((await csv(b, "/logs/mall-updates.csv")).text).not.toContain("OTHER ERROR");
  });
});

describe("モール更新ログ and 操作ログ", () => {
  it("モール更新ログ filters failed pushes and shows the mall's error text", async () => {
    const b = await login(shop.users.viewer.email);
    const errors = tableRows((await b.get("/logs/mall-updates?result=error")).html);
    expect(errors).toEqual([["2026-11-30 10:00:00", "Yahoo 店", "TEA-1", "tea-1", "8", "HTTP 500 在庫更新に失敗", "3", ""]]);
    expect(tableRows((await b.get(`/logs/mall-updates?shop=${honten}`)).html).map((r) => r[5])).toEqual(["OK"]);
  });

  it("操作ログ names the user who acted and the action in words, and filters by target", async () => {
    const b = await login(shop.users.viewer.email);
    const rows = tableRows((await b.get("/logs/operations")).html);
    expect(rows.map((r) => r.slice(1, 3))).toEqual([["APIトークン #7", "商品登録"], ["staff さん", "在庫数の上書き"], ["運営者", "アカウント作成"]]);
    expect(tableRows((await b.get("/logs/operations?code=CUP-1")).html)).toHaveLength(1);
    const english = tableRows((await b.get("/logs/operations?lang=en")).html);
    expect(english.map((r) => r[2])).toEqual(["Product registered", "Stock set", "Account created"]);
  });
});

describe("CSV export", () => {
  it("is UTF-8 with a BOM, Japanese headers and exactly the filtered rows, quoted where needed", async () => {
    const b = await login(shop.users.staff.email);
    const page = (await b.get(`/logs/sales?from=2026-11-30&to=2026-11-30&shop=${honten}`)).html;
    const href = /href="(\/logs\/sales\.csv\?[^"]*)"/.exec(page)![1].replace(/&amp;/g, "&");
    const file = await csv(b, href);
    expect(file.status).toBe(200);
    expect(file.type).toBe("text/csv; charset=utf-8");
    expect(file.disposition).toMatch(/^attachment; filename="kura-sales-\d{8}\.csv"$/);
    expect([...file.bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const lines = file.text.slice(1).split("\r\n");
    expect(lines[0]).toBe("日時,店舗,注文番号,明細,モールコード,マスターコード,数量,区分,変更前在庫,変更後在庫,結果");
    expect(lines.slice(1)).toEqual([
      '2026-11-30 12:34:56,楽天 本店,"R-2,""gift""",1,CUP-1,CUP-1,2,販売,1,-1,反映済み',
      "2026-11-30 00:00:00,楽天 本店,R-1,1,TEA-1,TEA-1,1,販売,9,8,反映済み",
      "",
    ]);
  });

  it("writes every row of a log longer than one export page, once each", async () => {
    const s = await newShop();
    const id = await addShop(s.accountId, "大量店");
    await addSales(s.accountId, Array.from({ length: 1203 }, (_, i) => ({ at: jst("2026-11-30T08:00:00") + i, shopId: id, orderId: `O-${i}`, code: "A" })));
    const file = await csv(await login(s.users.admin.email), "/logs/sales.csv");
    const orders = file.text.split("\r\n").slice(1, -1).map((l) => l.split(",")[2]);
    expect(orders).toHaveLength(1203);
    expect(new Set(orders).size).toBe(1203);
    expect([orders[0], orders.at(-1)]).toEqual(["O-1202", "O-0"]);
  });

  it("操作ログ CSV keeps the JSON of before and after in one quoted field each", async () => {
    const b = await login(shop.users.owner.email);
    const lines = (await csv(b, "/logs/operations.csv?code=TEA-1")).text.slice(1).split("\r\n");
    expect(lines[0]).toBe("日時,ユーザー,操作,対象,変更前,変更後");
    expect(lines[1]).toBe('2026-11-30 11:00:00,staff さん,在庫数の上書き,TEA-1,"{""onHand"":10}","{""onHand"":15}"');
  });

  it("a viewer sees the log but no export link, and the export itself is 403", async () => {
    const b = await login(shop.users.viewer.email);
    const page = (await b.get("/logs/sales")).html;
    expect(page).not.toContain(".csv");
    for (const kind of ["sales", "mall-updates", "operations"]) {
      const res = await csv(b, `/logs/${kind}.csv`);
      expect(res.status).toBe(403);
      expect(res.text).not.toContain("TEA-1");
    }
  });
});
