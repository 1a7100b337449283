import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Client, clientFor, drain, until } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";
import { type Browser, login, newShop, type Shop, snapshot } from "./helpers";

// The lists that need action (在庫少一覧, マイナス在庫, 未反映変更, 未登録コード), each used as a
// merchant would: read the list, press the row's button, see the stock or the mall change.

const sim = useMallSim();

const clientOf = (shop: Shop): Client => clientFor(shop.accountId, shop.apiToken);

async function product(c: Client, masterCode: string, extra: Record<string, unknown> = {}) {
  const res = await c.post("/products", { masterCode, name: `商品 ${masterCode}`, ...extra });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  await drain(c.accountId, res.json.group.id);
  return res.json;
}

const onHand = async (c: Client, code: string) => (await c.get(`/products/${code}`)).json.onHand;

/** The form fields of one posted form on a page, read from its hidden and named inputs. */
function fieldsOf(html: string, action: string): Record<string, string> {
  const form = new RegExp(`<form[^>]*action="${action.replace(/[/.?]/g, "\\$&")}"[^>]*>([\\s\\S]*?)</form>`).exec(html)?.[1] ?? "";
  const out: Record<string, string> = {};
  for (const m of form.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) out[m[1]] = m[2];
  return out;
}

async function unknownLine(accountId: number, shopId: number, orderId: string, code: string, quantity: number): Promise<number> {
  const row = await env.DB.prepare(
    `INSERT INTO sales_log (account_id, at, source, shop_id, order_id, line_id, kind, mall_code, quantity, result, line_key)
     VALUES (?, ?, ?, ?, ?, '1', 'sale', ?, ?, 'unknown_code', ?) RETURNING id`,
  ).bind(accountId, Date.now(), String(shopId), shopId, orderId, code, quantity, `shop:${shopId}|${orderId}|1|sale`).first<{ id: number }>();
  return row!.id;
}

describe("在庫少一覧 and マイナス在庫", () => {
  it("list the account's low and oversold products, and the row's 反映 sets the figure", async () => {
    const shop = await newShop();
    const c = clientOf(shop);
    await product(c, "LOW-1", { onHand: 2, lowStockThreshold: 5 });
    await product(c, "OK-1", { onHand: 50, lowStockThreshold: 5 });
    await product(c, "NEG-1", { onHand: 1 });
    await c.post("/sales", { source: "pos", orderId: "N-1", lines: [{ lineId: "1", code: "NEG-1", quantity: 3 }] });
    const g = (await c.get("/groups")).json.items[0].id;
    await drain(shop.accountId, g);
    const otherAccount = clientOf(await newShop());
    await product(otherAccount, "THEIR-LOW", { onHand: 0, lowStockThreshold: 9 });

    const staff = await login(shop.users.staff.email);
    const low = (await staff.get("/attention/low-stock")).html;
    expect(low).toContain("LOW-1");
    expect(low).not.toContain("OK-1");
    expect(low).not.toContain("THEIR-LOW");
    const neg = (await staff.get("/attention/negative")).html;
    expect(neg).toMatch(/NEG-1[\s\S]*?<td class="num negative">-2<\/td>/);
    expect(neg).not.toContain("LOW-1");

    const fields = fieldsOf(low, "/products/stock");
    const res = await staff.post("/products/stock", { ...fields, "q:LOW-1": "30", only: "LOW-1" });
    expect(res.status).toBe(303);
    expect(res.location).toBe("/products?status=low&saved=1");
    expect(await onHand(c, "LOW-1")).toBe(30);
    await drain(shop.accountId, g);
    expect((await staff.get("/attention/low-stock")).html).not.toContain("LOW-1");
  });

  it("a viewer sees the list without inputs", async () => {
    const shop = await newShop();
    await product(clientOf(shop), "LOW-2", { onHand: 0, lowStockThreshold: 1 });
    const html = (await (await login(shop.users.viewer.email)).get("/attention/low-stock")).html;
    expect(html).toContain("LOW-2");
    expect(html).not.toContain('name="q:LOW-2"');
  });
});

describe("未反映変更", () => {
  it("lists a product the mall refused; 選択した商品を今すぐ反映 sends its figure to the shop at once, logged with the user", async () => {
    const shop = await newShop();
    const c = clientOf(shop);
    const s = await sim.shopOn(c, "shopify");
    await sim.control("shopify", "POST", "/listings", { items: [{ code: "UR-1", quantity: 0 }] });
    await product(c, "UR-1", { onHand: 9 });
    await until("first push", () => sim.shows("shopify", "UR-1"), (q) => q === 9);
    await until("caught up", async () => (await c.get("/unreflected")).json.items, (i) => i.length === 0);
    // The mall shows 3 and refused Kura's last push; nothing is queued to send again yet.
    await sim.control("shopify", "POST", "/listings", { items: [{ code: "UR-1", quantity: 3 }] });
    await env.DB.prepare("UPDATE listings SET mall_figure = 3, last_result = 'HTTP 500 from the mall' WHERE shop_id = ?").bind(s.id).run();

    const staff = await login(shop.users.staff.email);
    const page = (await staff.get("/attention/unreflected")).html;
    expect(page).toContain("UR-1");
    expect(page).toContain("shopify 店: エラー: HTTP 500 from the mall");
    expect(page).toContain('<input type="checkbox" name="code" value="UR-1"');

    const res = await staff.post("/attention/unreflected", { code: "UR-1" });
    expect([res.status, res.location]).toEqual([303, "/attention/unreflected?sent=1"]);
    await until("mall figure", () => sim.shows("shopify", "UR-1"), (q) => q === 9, 3000);
    const op = await env.DB.prepare("SELECT actor FROM operation_log WHERE account_id = ? AND action = 'sync.urgent'").bind(shop.accountId).first("actor");
    expect(op).toBe(`user:${shop.users.staff.id}`);
    expect((await staff.get(res.location!)).html).toContain("1 件の商品を今すぐ反映するよう依頼しました");
  });

  it("nothing selected is reported; another account's code sends nothing; a viewer is refused and nothing is written", async () => {
    const shop = await newShop();
    const other = await newShop();
    await product(clientOf(other), "THEIRS", { onHand: 1 });
    const staff = await login(shop.users.staff.email);
    const none = await staff.post("/attention/unreflected", {});
    expect(none.location).toBe("/attention/unreflected?error=none");
    expect((await staff.get(none.location!)).html).toContain("反映する商品を1つ以上選んでください。");
    expect((await staff.post("/attention/unreflected", { code: "THEIRS" })).location).toBe("/attention/unreflected?sent=0");
    const viewer = await login(shop.users.viewer.email);
    const before = await snapshot(shop.accountId);
    const otherBefore = await snapshot(other.accountId);
    expect((await viewer.post("/attention/unreflected", { code: "THEIRS" })).status).toBe(403);
    expect(await snapshot(shop.accountId)).toEqual(before);
    expect(await snapshot(other.accountId)).toEqual(otherBefore);
    expect((await staff.get("/attention/unreflected")).html).not.toContain("THEIRS");
  });
});

describe("未登録コード", () => {
  async function setup() {
    const shop = await newShop();
    const c = clientOf(shop);
    const s = await sim.shopOn(c, "shopify");
    const p = await product(c, "TEA-1", { onHand: 10 });
    const id = await unknownLine(shop.accountId, s.id, "SO-1", "MALL-TEA", 2);
    return { shop, c, s, p, id, staff: await login(shop.users.staff.email) };
  }

  it("a line mapped to a master code is applied and lowers stock once, however often it is applied", async () => {
    const { shop, c, s, p, id, staff } = await setup();
    const page = (await staff.get("/attention/unmatched")).html;
    expect(page).toContain("MALL-TEA");
    expect(page).toContain(`action="/attention/unmatched/${id}/map"`);
    // Or register a product under the unknown code: the form comes with the code filled in.
    expect(page).toContain(`href="/products/new?code=MALL-TEA"`);
    expect((await staff.get("/products/new?code=MALL-TEA")).html).toMatch(/name="masterCode"[^>]*value="MALL-TEA"|value="MALL-TEA"[^>]*name="masterCode"/);

    const res = await staff.post(`/attention/unmatched/${id}/map`, { masterCode: "TEA-1" });
    expect([res.status, res.location]).toEqual([303, "/attention/unmatched?applied=1&still=0"]);
    expect(await onHand(c, "TEA-1")).toBe(8);
    const listing = "SELECT mall_code FROM listings WHERE shop_id = ? AND product_id = (SELECT id FROM products WHERE account_id = ? AND master_code = 'TEA-1')";
    expect(await env.DB.prepare(listing).bind(s.id, shop.accountId).first("mall_code")).toBe("MALL-TEA");
    const after = (await staff.get(res.location!)).html;
    expect(after).toContain("1 件の明細を在庫に反映しました。");
    expect(after).not.toContain("MALL-TEA");

    // Applied again — the row's button, 全て適用, or the line reopened by a race — stock moves no more.
    expect((await staff.post(`/attention/unmatched/${id}/apply`)).status).toBe(404);
    expect((await staff.post("/attention/unmatched/apply-all")).location).toBe("/attention/unmatched?applied=0&still=0");
    await env.DB.prepare("UPDATE sales_log SET resolved_at = NULL WHERE id = ?").bind(id).run();
    expect((await staff.post(`/attention/unmatched/${id}/apply`)).status).toBe(303);
    expect(await onHand(c, "TEA-1")).toBe(8);
    await drain(shop.accountId, p.group.id);
    const ops = await env.DB.prepare("SELECT action FROM operation_log WHERE account_id = ? AND actor = ? ORDER BY id").bind(shop.accountId, `user:${shop.users.staff.id}`).all();
    expect(ops.results.map((r) => r.action)).toEqual(["listing.update", "sales.unmatched_apply", "sales.unmatched_apply"]);
  });

  it("an unknown master code is reported next to the field, in Japanese, and changes nothing", async () => {
    const { shop, c, id, staff } = await setup();
    const otherShop = await newShop();
    await product(clientOf(otherShop), "THEIR-TEA", { onHand: 5 });
    for (const code of ["NOPE", "THEIR-TEA"]) {
      const before = await snapshot(shop.accountId);
      const res = await staff.post(`/attention/unmatched/${id}/map`, { masterCode: code });
      expect(res.status).toBe(400);
      expect(res.html).toMatch(new RegExp(`id="map-${id}-code"[^>]*value="${code}"[^>]*aria-invalid="true"[\\s\\S]*?<span class="field-error" id="map-${id}-code-error">マスターコード「${code}」の商品はありません。</span>`));
      expect(await snapshot(shop.accountId)).toEqual(before);
    }
    expect(await onHand(c, "TEA-1")).toBe(10);
  });

  it("全て適用 takes in every line that now matches; the rest stay listed", async () => {
    const shop = await newShop();
    const c = clientOf(shop);
    await c.post("/sales", { source: "pos", orderId: "P-1", lines: [{ lineId: "1", code: "NEW-9", quantity: 3 }, { lineId: "2", code: "STILL-X", quantity: 1 }] });
    await product(c, "NEW-9", { onHand: 10 });
    const staff = await login(shop.users.staff.email);
    const page = (await staff.get("/attention/unmatched")).html;
    expect(page).toContain("マスターコード「NEW-9」で商品を登録してから");
    const res = await staff.post("/attention/unmatched/apply-all");
    expect(res.location).toBe("/attention/unmatched?applied=1&still=1");
    expect(await onHand(c, "NEW-9")).toBe(7);
    const after = (await staff.get(res.location!)).html;
    expect(after).toContain("STILL-X");
    expect(after).toContain("1 件はまだどの商品にも一致しないため");
  });

  it("another account's line is not listed and cannot be mapped or applied; a viewer cannot act", async () => {
    const { shop, c, id } = await setup();
    const intruder = await newShop();
    await product(clientOf(intruder), "TEA-1", { onHand: 10 });
    const them: Browser = await login(intruder.users.owner.email);
    expect((await them.get("/attention/unmatched")).html).not.toContain("MALL-TEA");
    expect((await them.post(`/attention/unmatched/${id}/map`, { masterCode: "TEA-1" })).status).toBe(404);
    expect((await them.post(`/attention/unmatched/${id}/apply`)).status).toBe(404);
    const viewer = await login(shop.users.viewer.email);
    const before = await snapshot(shop.accountId);
    expect((await viewer.get("/attention/unmatched")).html).not.toContain(`action="/attention/unmatched/${id}/map"`);
    expect((await viewer.post(`/attention/unmatched/${id}/map`, { masterCode: "TEA-1" })).status).toBe(403);
    expect((await viewer.post("/attention/unmatched/apply-all")).status).toBe(403);
    expect(await snapshot(shop.accountId)).toEqual(before);
    expect(await onHand(c, "TEA-1")).toBe(10);
    expect(await env.DB.prepare("SELECT resolved_at FROM sales_log WHERE id = ?").bind(id).first("resolved_at")).toBeNull();
  });
});
