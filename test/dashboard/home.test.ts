import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call, drain } from "../helpers/api";
import { login, newShop, type Shop } from "./helpers";

// ホーム: today's attention counts (each a link to its list), today's sales per shop, and the
// sync lag chart of the last 24 hours.

const HOUR = 3_600_000;

async function addProduct(shop: Shop, masterCode: string, extra: Record<string, unknown>) {
  const res = await call(shop.apiToken, "POST", "/products", { masterCode, name: masterCode, ...extra });
  expect(res.status).toBe(201);
  await drain(shop.accountId, res.json.group.id);
}

async function addShop(accountId: number, name: string, status: "ok" | "retrying" | "stopped"): Promise<number> {
  // モール更新 off: these shops have no mall behind them, so nothing may try to push to them.
  const row = await env.DB.prepare("INSERT INTO shops (account_id, kind, name, status, update_enabled) VALUES (?, 'rakuten', ?, ?, 0) RETURNING id")
    .bind(accountId, name, status)
    .first<{ id: number }>();
  return row!.id;
}

async function addSale(accountId: number, shopId: number, orderId: string, quantity: number, at: number) {
  await env.DB.prepare(
    `INSERT INTO sales_log (account_id, at, source, shop_id, order_id, line_id, kind, master_code, quantity, result, line_key)
     VALUES (?, ?, ?, ?, ?, '1', 'sale', 'A', ?, 'applied', ?)`,
  ).bind(accountId, at, String(shopId), shopId, orderId, quantity, `${orderId}:${crypto.randomUUID()}`).run();
}

async function addLag(accountId: number, shopId: number, samples: [number, number][]) {
  const stub = env.SHOP_SYNC.getByName(`${accountId}:${shopId}`);
  await runInDurableObject(stub, (_instance, state) => {
    for (const [at, ms] of samples) state.storage.sql.exec("INSERT INTO lag (at, ms) VALUES (?, ?)", at, ms);
  });
}

const countOf = (html: string, key: string) => new RegExp(`<span class="count" data-count="${key.replace(".", "\\.")}">([^<]*)</span>`).exec(html)?.[1];

/** The rows of today's sales table: [shop, orders, units]. */
function salesRows(html: string): string[][] {
  const table = /<table class="grid sales-today">[\s\S]*?<tbody>([\s\S]*?)<\/tbody>/.exec(html)?.[1] ?? "";
  return [...table.matchAll(/<tr><th scope="row">([^<]*)<\/th><td class="num">([^<]*)<\/td><td class="num">([^<]*)<\/td><\/tr>/g)].map((m) => m.slice(1));
}

describe("ホーム", () => {
  it("shows what needs attention today, each count a link to its list", async () => {
    const shop = await newShop();
    await addProduct(shop, "NEG-1", { onHand: 1 });
    await addProduct(shop, "LOW-1", { onHand: 2, lowStockThreshold: 5 });
    await addProduct(shop, "LOW-2", { onHand: 0, lowStockThreshold: 0 });
    await addProduct(shop, "OK-1", { onHand: 50, lowStockThreshold: 5 });
    const sale = await call(shop.apiToken, "POST", "/sales", { source: "pos", orderId: "P-1", lines: [{ lineId: "1", code: "NEG-1", quantity: 3 }, { lineId: "2", code: "NOPE-1", quantity: 1 }, { lineId: "3", code: "NOPE-2", quantity: 1 }] });
    expect(sale.status).toBe(200);
    const group = (await call(shop.apiToken, "GET", "/groups")).json.items[0].id;
    await drain(shop.accountId, group);
    await addShop(shop.accountId, "楽天 本店", "ok");
    await addShop(shop.accountId, "Yahoo 店", "stopped");
    const failing = await addShop(shop.accountId, "Amazon 店", "ok");
    await env.DB.prepare("INSERT INTO listings (account_id, product_id, shop_id, managed, last_result, updated_at) SELECT account_id, id, ?, 1, 'HTTP 500', 0 FROM products WHERE account_id = ? AND master_code = 'OK-1'")
      .bind(failing, shop.accountId)
      .run();
    // Another account's troubles appear nowhere.
    const other = await newShop();
    await addProduct(other, "THEIR-NEG", { onHand: 0, lowStockThreshold: 3 });
    await addShop(other.accountId, "他社 停止店", "stopped");

    const html = (await (await login(shop.users.viewer.email)).get("/")).html;
    expect(countOf(html, "home.stoppedShops")).toBe("1");
    expect(countOf(html, "home.errorShops")).toBe("1");
    expect(countOf(html, "home.negative")).toBe("1");
    expect(countOf(html, "home.unmatched")).toBe("2");
    expect(countOf(html, "home.unreflected")).toBe("1");
    expect(countOf(html, "home.lowStock")).toBe("2"); // LOW-1 and LOW-2 (at its threshold); NEG-1 has none
    expect(html).toContain('<span class="names">Yahoo 店</span>');
    expect(html).toContain('<span class="names">Amazon 店</span>');
    expect(html).not.toContain("他社 停止店");
    for (const href of ["/attention/negative", "/attention/unmatched", "/attention/unreflected", "/attention/low-stock"]) expect(html).toContain(`href="${href}"`);
  });

  it("lists the sales taken in today (JST day) per shop, with the day's total", async () => {
    const shop = await newShop();
    const a = await addShop(shop.accountId, "楽天 本店", "ok");
    await addShop(shop.accountId, "Yahoo 店", "ok");
    const now = Date.now();
    const jstMidnight = Math.floor((now + 9 * HOUR) / (24 * HOUR)) * 24 * HOUR - 9 * HOUR;
    await addSale(shop.accountId, a, "R-1", 2, now);
    await addSale(shop.accountId, a, "R-2", 1, jstMidnight);
    await addSale(shop.accountId, a, "R-YESTERDAY", 5, jstMidnight - 1);
    const other = await newShop();
    const theirs = await addShop(other.accountId, "他社の店", "ok");
    await addSale(other.accountId, theirs, "X-1", 9, now);

    const html = (await (await login(shop.users.staff.email)).get("/")).html;
    expect(salesRows(html)).toEqual([["楽天 本店", "2", "3"], ["Yahoo 店", "0", "0"]]);
    expect(html).toMatch(/<tfoot><tr><th scope="row">合計<\/th><td class="num">2<\/td><td class="num">3<\/td><\/tr><\/tfoot>/);
    expect(html).not.toContain("他社の店");
  });

  it("draws the hourly sync lag of the last 24 hours with labelled axes, or says there is none", async () => {
    const shop = await newShop();
    const viewer = await login(shop.users.viewer.email);
    expect((await viewer.get("/")).html).toContain("過去24時間に送信の記録がないため、グラフはまだありません。");

    const a = await addShop(shop.accountId, "楽天 本店", "ok");
    const b = await addShop(shop.accountId, "Yahoo 店", "ok");
    const hour = Math.floor(Date.now() / HOUR) * HOUR;
    await addLag(shop.accountId, a, [[hour - 2 * HOUR + 10, 1000], [hour - 2 * HOUR + 20, 3000], [hour + 5, 400], [hour - 25 * HOUR, 99_000]]);
    await addLag(shop.accountId, b, [[hour + 6, 2000]]);
    const html = (await viewer.get("/")).html;
    expect(html).not.toContain("グラフはまだありません");
    expect(html).toContain("時刻（日本時間）");
    expect(html).toContain("遅延（秒）");
    const jstHour = (ms: number) => new Date(ms + 9 * HOUR).getUTCHours();
    const points = [...html.matchAll(/<title>(\d+時台: [^<]*)<\/title>/g)].map((m) => m[1]);
    expect(points).toEqual([`${jstHour(hour - 2 * HOUR)}時台: p50 3 秒, p95 3 秒（2 件）`, `${jstHour(hour)}時台: p50 2 秒, p95 2 秒（2 件）`]);
    // The sample older than 24 hours is not drawn: the highest p95 is 3 s, not 99 s.
    expect(html).toContain("最大 p95 は 3 秒");
  });

  it("has the same left margin as the 商品管理 grid", async () => {
    const shop = await newShop();
    const b = await login(shop.users.owner.email);
    const mainOf = (html: string) => /<main id="main"[^>]*>/.exec(html)?.[0];
    expect(mainOf((await b.get("/")).html)).toBe(mainOf((await b.get("/products")).html));
  });
});
