import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import { getShop } from "../../src/db/queries/shops";
import { runTask } from "../../src/sync/tasks";
import { pushShop } from "../../src/sync/shop-sync";
import { planPush } from "../../src/sync/push-plan";
import { MallError } from "../../src/malls/types";
import { meterD1 } from "../helpers/d1-meter";
import { type Client, drain, newAccount, product, sale, until } from "../helpers/api";
import { forgetAfterTest, useMallSim } from "../helpers/mall-sim";

// The sync engine as a merchant sees it: every change reaches every shop within seconds by
// itself, through one ShopSync per shop that never talks to its mall twice at once and never
// faster than the mall's budget.

const sim = useMallSim();


describe("the sync engine", () => {
  it("a POS sale reaches every shop within seconds, with nobody pressing a button", async () => {
    const c = await newAccount();
    const kinds = ["rakuten", "yahoo", "shopify"] as const;
    const code = { rakuten: "tea-9:normal-inventory", yahoo: "TEA-9", shopify: "TEA-9" };
    const shops = [];
    for (const k of kinds) shops.push(await sim.shopOn(c, k));
    const p = await product(c, "TEA-9", { onHand: 20 });
    for (const k of kinds) await sim.control(k, "POST", "/listings", { items: [{ code: code[k], quantity: 0 }] });
    await drain(c.accountId, p.group.id);
    for (const s of shops) expect((await c.post(`/shops/${s.id}/push`)).json).toMatchObject({ failed: 0 });

    await sale(c, "pos-shibuya", "P-1", [{ lineId: "1", code: "TEA-9", quantity: 3 }]);
    for (const k of kinds) await until(`${k} figure`, () => sim.shows(k, code[k]), (q) => q === 17);
  });

  it("on BASE (one item a second) a sold-out figure goes before the ordinary changes already waiting", async () => {
    const c = await newAccount();
    await sim.control("base", "POST", "/reset");
    // BASE item ids as master codes: the default mapping finds them.
    const codes = Array.from({ length: 12 }, (_, i) => String(9301 + i));
    await sim.control("base", "POST", "/listings", { items: codes.map((code) => ({ code, quantity: 0 })) });
    const shop = (await c.post("/shops", { kind: "base", name: "BASE 店", credentials: sim.credentials("base"), baseUrl: sim.baseUrl("base") })).json;
    forgetAfterTest(c, shop.id);
    for (const [i, code] of codes.entries()) await product(c, code, { onHand: i === 11 ? 1 : 20 });
    await until("BASE in step", async () => (await c.get(`/shops/${shop.id}`)).json, (s) => s.unreflected === 0 && s.lastPushAt !== null, 60_000);

    // Ten ordinary changes wait (about ten seconds of BASE's budget)…
    await sale(c, "pos", "P-ORD", codes.slice(0, 10).map((code, i) => ({ lineId: String(i + 1), code, quantity: 1 })));
    await until("the first of them on BASE", async () => (await sim.control("base", "GET", "/listings")).items, (items: { quantity: number }[]) => items.some((i) => i.quantity === 19), 20_000);
    // …and the last unit of another product is sold: BASE must stop selling it next, not last.
    await sale(c, "pos", "P-LAST", [{ lineId: "1", code: codes[11], quantity: 1 }]);
    await until("BASE shows it sold out", () => sim.shows("base", codes[11]), (q) => q === 0, 20_000);
    const listed = (await sim.control("base", "GET", "/listings")).items as { code: string; quantity: number }[];
    const ordinaryDone = listed.filter((l) => codes.slice(0, 10).includes(l.code) && l.quantity === 19).length;
    expect(ordinaryDone).toBeLessThanOrEqual(5);
    for (const code of codes.slice(0, 10)) await until(`${code} on BASE`, () => sim.shows("base", code), (q) => q === 19, 20_000);
  }, 120_000);

  /**
   * A Yahoo shop in step with 8 products of 30 and `extra` (its own on-hand), then eight orders and
   * their pull under way: it asks for each order's details, one request a second on the order API.
   */
  async function yahooLongPull(c: Client, prefix: string, extra: { code: string; onHand: number }) {
    const shop = await sim.shopOn(c, "yahoo");
    const codes = Array.from({ length: 8 }, (_, i) => `${prefix}-${i + 1}`);
    await sim.control("yahoo", "POST", "/listings", { items: [...codes, extra.code].map((code) => ({ code, quantity: 0 })) });
    await product(c, extra.code, { onHand: extra.onHand });
    for (const code of codes) await product(c, code, { onHand: 30 });
    await until("Yahoo in step", () => sim.shows("yahoo", extra.code), (q) => q === extra.onHand, 30_000);
    for (const code of codes) await until(`${code} on Yahoo`, () => sim.shows("yahoo", code), (q) => q === 30, 30_000);
    for (const code of codes) await sim.control("yahoo", "POST", "/orders", { lines: [{ code, quantity: 1 }] });
    let ended = 0;
    const pull = runTask(env, { kind: "pull", accountId: c.accountId, shopId: shop.id }).then(() => (ended = Date.now()));
    await new Promise((r) => setTimeout(r, 1500));
    return { shop, pull, ended: () => ended };
  }

  it("on Yahoo a sold-out figure goes between a long pull's order requests, not after the pull", async () => {
    const c = await newAccount();
    const long = await yahooLongPull(c, "YO", { code: "YO-LAST", onHand: 1 });
    // The last unit sells at the shop's till while the pull is under way.
    await sale(c, "pos", "P-YO-LAST", [{ lineId: "1", code: "YO-LAST", quantity: 1 }]);
    await until("Yahoo shows it sold out", () => sim.shows("yahoo", "YO-LAST"), (q) => q === 0, 20_000);
    const soldOutSeen = Date.now();
    expect(long.ended() === 0 || long.ended() > soldOutSeen).toBe(true);
    await long.pull;
    expect((await c.get("/products/YO-1")).json.onHand).toBe(29);
    const traffic = (await sim.control("yahoo", "GET", "/traffic")) as { maxInFlight: number; overBudget: number };
    expect(traffic.maxInFlight).toBe(1);
    expect(traffic.overBudget).toBe(0);
  }, 90_000);

  it("on Yahoo an ordinary change goes between a long pull's order requests too: the order API has its own budget", async () => {
    const c = await newAccount();
    const long = await yahooLongPull(c, "YC", { code: "YC-TILL", onHand: 20 });
    await sale(c, "pos", "P-YC-TILL", [{ lineId: "1", code: "YC-TILL", quantity: 3 }]);
    await until("Yahoo shows the sale", () => sim.shows("yahoo", "YC-TILL"), (q) => q === 17, 20_000);
    const seen = Date.now();
    expect(long.ended() === 0 || long.ended() > seen).toBe(true);
    await long.pull;
    expect((await c.get("/products/YC-1")).json.onHand).toBe(29);
    const traffic = (await sim.control("yahoo", "GET", "/traffic")) as { maxInFlight: number; overBudget: number };
    expect(traffic.maxInFlight).toBe(1);
    expect(traffic.overBudget).toBe(0);
  }, 90_000);

  it("a sale on a mall under a 販売制限 cap is taken in by the pull and the mall is put back at the cap by itself", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "yahoo", { salesLimit: 5 });
    const p = await product(c, "CAP-9", { onHand: 40 });
    await sim.control("yahoo", "POST", "/listings", { items: [{ code: "CAP-9", quantity: 0 }] });
    await drain(c.accountId, p.group.id);
    expect((await c.post(`/shops/${shop.id}/push`)).json).toMatchObject({ sent: 1, failed: 0 });
    await sim.control("yahoo", "POST", "/orders", { lines: [{ code: "CAP-9", quantity: 2 }] });
    expect(await sim.shows("yahoo", "CAP-9")).toBe(3);

    await runTask(env, { kind: "pull", accountId: c.accountId, shopId: shop.id });
    expect((await c.get("/products/CAP-9")).json.onHand).toBe(38);
    await until("Yahoo's figure", () => sim.shows("yahoo", "CAP-9"), (q) => q === 5);
  });

  it("one conversation with a shop at a time, within its budget, however many pushes and pulls are asked for at once", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "base");
    const codes = ["B-1", "B-2", "B-3", "B-4", "B-5"];
    const mallIds = ["6001", "6002", "6003", "6004", "6005"];
    for (const [i, code] of codes.entries()) {
      await product(c, code, { onHand: 10 + i });
      await c.put(`/products/${code}/shops/${shop.id}`, { managed: true, mallCode: mallIds[i] });
    }
    await sim.control("base", "POST", "/listings", { items: mallIds.map((code) => ({ code, quantity: 0 })) });
    const ref = { accountId: c.accountId, shopId: shop.id };
    const stub = env.SHOP_SYNC.getByName(`${c.accountId}:${shop.id}`);
    // Everything at once: the scheduled pull, two manual pushes, and every product due now.
    const ids = await env.DB.prepare("SELECT id FROM products WHERE account_id = ?").bind(c.accountId).all<{ id: number }>();
    await Promise.all([
      stub.markDirty(ref, ids.results.map((r) => r.id), { urgent: ids.results.map((r) => r.id) }),
      runTask(env, { kind: "pull", accountId: c.accountId, shopId: shop.id }),
      c.post(`/shops/${shop.id}/push`),
      c.post(`/shops/${shop.id}/push`),
    ]);
    for (const [i, code] of mallIds.entries()) await until(`BASE ${code}`, () => sim.shows("base", code), (q) => q === 10 + i, 20_000);
    const traffic = (await sim.control("base", "GET", "/traffic")) as { requests: number; maxInFlight: number; overBudget: number };
    expect(traffic.requests).toBeGreaterThanOrEqual(5);
    expect(traffic.maxInFlight).toBe(1);
    expect(traffic.overBudget).toBe(0);
  });

  it("with 100,000 products and 10 changed, a push reads tens of D1 rows, not the catalogue", async () => {
    const c = await newAccount({ maxProducts: 200_000, maxShops: 5 });
    const shop = await sim.shopOn(c, "rakuten");
    const changed: string[] = [];
    for (let i = 0; i < 10; i++) changed.push((await product(c, `HOT-${i}`, { onHand: 50 })).masterCode);
    // The rest of a large catalogue, already in step on the shop (SQL: the API would take minutes).
    const group = await env.DB.prepare("SELECT id FROM groups WHERE account_id = ? LIMIT 1").bind(c.accountId).first<{ id: number }>();
    await env.DB.prepare(
      `INSERT INTO products (account_id, group_id, master_code, name, sync_mode, is_set, created_at, updated_at)
       WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000)
       SELECT ?1, ?2, 'BULK-' || i, 'まとめ ' || i, 'auto', 0, 0, 0 FROM n`,
    ).bind(c.accountId, group!.id).run();
    await env.DB.prepare(
      `INSERT INTO listings (account_id, product_id, shop_id, managed, last_sent_figure, last_sent_at, mall_figure, last_result, updated_at)
       SELECT account_id, id, ?2, 1, 0, 0, 0, 'ok', 0 FROM products WHERE account_id = ?1 AND master_code LIKE 'BULK-%'`,
    ).bind(c.accountId, shop.id).run();
    await sim.control("rakuten", "POST", "/listings", { items: changed.map((code) => ({ code: `${code.toLowerCase()}:normal-inventory`, quantity: 0 })) });
    const ids = await env.DB.prepare("SELECT id FROM products WHERE account_id = ? AND master_code LIKE 'HOT-%'").bind(c.accountId).all<{ id: number }>();

    const meter = meterD1(env.DB);
    const shopRow = (await getShop(createDb(env.DB), c.accountId, shop.id))!;
    const out = await pushShop(env, createDb(meter.db), shopRow, { productIds: ids.results.map((r) => r.id) });
    expect(out.filter((o) => o.ok)).toHaveLength(10);
    expect(meter.rowsRead, JSON.stringify(meter.log, null, 1)).toBeLessThan(200);
  });

  it("a push Kura cannot record (its shop deleted while the call was out) says so in words; the SQL stays in the log", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "yahoo");
    await product(c, "GONE-1", { onHand: 4 });
    const db = createDb(env.DB);
    const shopRow = (await getShop(db, c.accountId, shop.id))!;
    const planned = await planPush(env, db, shopRow, { all: true });
    expect(planned.map((d) => d.masterCode)).toEqual(["GONE-1"]);
    await env.DB.prepare("DELETE FROM shops WHERE id = ?").bind(shop.id).run();
    const err = await pushShop(env, db, shopRow, { planned }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MallError);
    expect((err as MallError).errorClass).toBe("transient");
    expect((err as MallError).message).toContain("内部のデータベース");
    expect((err as MallError).message).not.toMatch(/INSERT|params|json_each/);
  });
});

