import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drain, newAccount, product, sale, until } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";

// SPEC §3.3: a figure that reaches 0 is the push that prevents an oversell. It goes out at once,
// by itself: StockGroup drain → kura-push → the shop's ShopSync → the mall, no cron, no button.

const sim = useMallSim();

const mallShows = async (code: string) =>
  ((await sim.control("rakuten", "GET", "/listings")).items as { code: string; quantity: number }[]).find((i) => i.code === code)?.quantity;

describe("sold-out figures are pushed at once (SPEC §3.3)", () => {
  it("a POS sale of the last unit reaches the mall as 0 within seconds, without any push being asked for", async () => {
    const c = await newAccount();
    await sim.control("rakuten", "POST", "/reset");
    const shop = (await c.post("/shops", { kind: "rakuten", name: "楽天", credentials: sim.credentials("rakuten"), baseUrl: sim.baseUrl("rakuten") })).json;
    const p = await product(c, "LAST-ONE", { onHand: 1 });
    await sim.control("rakuten", "POST", "/listings", { items: [{ code: "last-one:normal-inventory", quantity: 1 }] });
    await drain(c.accountId, p.group.id);
    expect((await c.post(`/shops/${shop.id}/push`)).status).toBe(200);

    await sale(c, "pos", "O-1", [{ lineId: "1", code: "LAST-ONE", quantity: 1 }]);
    await until("Rakuten's figure", () => mallShows("last-one:normal-inventory"), (q) => q === 0);
  });

  it("a sale that empties a product brings the outbox drain forward; other changes are batched", async () => {
    const c = await newAccount();
    const a = await product(c, "TWO-LEFT", { onHand: 2 });
    await drain(c.accountId, a.group.id);
    const stub = env.STOCK.getByName(`${c.accountId}:${a.group.id}`);
    const alarmIn = () => runInDurableObject(stub, async (_, state) => ((await state.storage.getAlarm()) ?? Infinity) - Date.now());

    await sale(c, "pos", "N-1", [{ lineId: "1", code: "TWO-LEFT", quantity: 1 }]);
    expect(await alarmIn()).toBeGreaterThan(500);
    await sale(c, "pos", "N-2", [{ lineId: "1", code: "TWO-LEFT", quantity: 1 }]);
    expect(await alarmIn()).toBeLessThan(200);
  });

  it("a component selling out makes its set due at once too; a shop that takes no updates is left alone", async () => {
    const c = await newAccount();
    const creds = sim.credentials("rakuten");
    const on = (await c.post("/shops", { kind: "rakuten", name: "更新する店", credentials: creds, baseUrl: sim.baseUrl("rakuten") })).json;
    const off = (await c.post("/shops", { kind: "rakuten", name: "更新しない店", credentials: creds, baseUrl: sim.baseUrl("rakuten"), updateEnabled: false })).json;
    const part = await product(c, "PART", { onHand: 2 });
    await product(c, "BOX", { components: [{ masterCode: "PART", quantity: 2 }] });
    const ids = await env.DB.prepare("SELECT id, master_code FROM products WHERE account_id = ?").bind(c.accountId).all<{ id: number; master_code: string }>();
    const idOf = (code: string) => ids.results.find((r) => r.master_code === code)!.id;
    const { runTask } = await import("../../src/sync/tasks");
    await runTask(env, { kind: "stock-changed", accountId: c.accountId, groupId: part.group.id, productIds: [idOf("PART")], soldOut: [idOf("PART")] });
    const dirty = (shopId: number) =>
      runInDurableObject(env.SHOP_SYNC.getByName(`${c.accountId}:${shopId}`), async (_, state) =>
        state.storage.sql.exec<{ product_id: number; due_at: number }>("SELECT product_id, due_at FROM dirty ORDER BY product_id").toArray(),
      );
    const rows = await dirty(on.id);
    expect(rows.map((r) => r.product_id).sort()).toEqual([idOf("PART"), idOf("BOX")].sort());
    for (const r of rows) expect(r.due_at).toBeLessThanOrEqual(Date.now());
    expect(await dirty(off.id)).toEqual([]);
  });
});

describe("the drain tells the shops itself", () => {
  it("a last unit sold is due on every shop by the time its drain is over, before any queue batch", async () => {
    const c = await newAccount();
    // 在庫連動 off: the shops keep what they are told instead of sending it, so it can be looked at.
    expect((await c.patch("/settings", { syncEnabled: false })).status).toBe(200);
    const creds = sim.credentials("rakuten");
    const a = (await c.post("/shops", { kind: "rakuten", name: "店 A", credentials: creds, baseUrl: sim.baseUrl("rakuten") })).json;
    const b = (await c.post("/shops", { kind: "rakuten", name: "店 B", credentials: creds, baseUrl: sim.baseUrl("rakuten") })).json;
    const p = await product(c, "FAST-1", { onHand: 1 });
    await drain(c.accountId, p.group.id);
    const dirty = (shopId: number) =>
      runInDurableObject(env.SHOP_SYNC.getByName(`${c.accountId}:${shopId}`), async (_, state) =>
        state.storage.sql.exec<{ product_id: number; due_at: number }>("SELECT product_id, due_at FROM dirty").toArray(),
      );
    // Whatever the product's creation marked is cleared, so only the sale can mark it again.
    for (const s of [a, b]) await runInDurableObject(env.SHOP_SYNC.getByName(`${c.accountId}:${s.id}`), async (_, state) => void state.storage.sql.exec("DELETE FROM dirty"));

    await sale(c, "pos", "F-1", [{ lineId: "1", code: "FAST-1", quantity: 1 }]);
    await drain(c.accountId, p.group.id);
    // The kura-push consumer waits up to a second to fill its batch: had the marking gone through
    // it alone, nothing would be due yet.
    const now = Date.now();
    const id = (await env.DB.prepare("SELECT id FROM products WHERE account_id = ? AND master_code = 'FAST-1'").bind(c.accountId).first<{ id: number }>())!.id;
    for (const s of [a, b]) {
      const rows = await dirty(s.id);
      expect(rows.map((r) => r.product_id)).toEqual([id]);
      expect(rows[0].due_at).toBeLessThanOrEqual(now);
    }
  });
});
