import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { orderPayload } from "../../sim/shopify/webhooks";
import { SIM_APP } from "../../sim/shopify/state";
import { type Client, drain, newAccount, product, until } from "../helpers/api";
import { KURA_BASE, useMallSim } from "../helpers/mall-sim";

// Shopify webhooks take a sale in at once; polling stays as the safety net. Both paths form the
// same order lines, so a webhook (delivered any number of times) and a later poll change stock once.

const sim = useMallSim();

async function sign(body: string, secret: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))));
}

async function deliver(shopId: number | string, topic: string, payload: unknown, opts: { id?: string; secret?: string; body?: string } = {}) {
  const body = JSON.stringify(payload);
  const res = await exports.default.fetch(`${KURA_BASE}/webhooks/shopify/${shopId}`, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      "x-shopify-topic": topic,
      "x-shopify-hmac-sha256": await sign(body, opts.secret ?? SIM_APP.clientSecret),
      "x-shopify-webhook-id": opts.id ?? crypto.randomUUID(),
      "x-shopify-shop-domain": "kura-demo.myshopify.com",
    },
    body: opts.body ?? body,
  });
  return { status: res.status, json: (await res.json()) as any };
}

const onHand = async (c: Client, code: string) => (await c.get(`/products/${code}`)).json.onHand as number;
const events = async (accountId: number) =>
  (await env.DB.prepare("SELECT topic, processed_at, outcome FROM webhook_events WHERE account_id = ? ORDER BY id").bind(accountId).all<{ topic: string; processed_at: number | null; outcome: string }>()).results;
const allProcessed = (accountId: number, n: number) => until(`${n} webhooks processed`, () => events(accountId), (e) => e.length === n && e.every((x) => x.processed_at !== null));

async function setup(stock = 10) {
  const c = await newAccount();
  const shop = await sim.shopOn(c, "shopify");
  const p = await product(c, "W-1", { onHand: stock });
  await drain(c.accountId, p.group.id);
  await sim.control("shopify", "POST", "/listings", { items: [{ code: "W-1", quantity: stock }] });
  return { c, shop, p };
}
const simOrder = (id: string) => sim.sims.shopify.state.orders.find((o) => String(o.id) === id)!;

describe("POST /webhooks/shopify/{shopId}", () => {
  it("a signed order applies once, delivered three times and polled afterwards", async () => {
    const { c, shop } = await setup(10);
    const order = await sim.control("shopify", "POST", "/orders", { lines: [{ code: "W-1", quantity: 2 }] });
    const payload = orderPayload(simOrder(order.orderId));
    // Shopify retries with the same id; orders/updated carries the same order under another id.
    const first = await deliver(shop.id, "orders/create", payload, { id: "wh-1" });
    expect(first).toMatchObject({ status: 200, json: { ok: true } });
    expect((await deliver(shop.id, "orders/create", payload, { id: "wh-1" })).json).toMatchObject({ ok: true, duplicate: true });
    expect((await deliver(shop.id, "orders/updated", payload, { id: "wh-2" })).status).toBe(200);
    await allProcessed(c.accountId, 2);
    await until("stock moved by the webhook", () => onHand(c, "W-1"), (n) => n === 8);

    const pulled = await c.post(`/shops/${shop.id}/pull`);
    expect(pulled.status, JSON.stringify(pulled.json)).toBe(200);
    expect(pulled.json.counts).toMatchObject({ applied: 0, duplicate: 1 });
    expect(await onHand(c, "W-1")).toBe(8);
    const sales = (await c.get("/logs/sales")).json.items.filter((s: any) => s.result === "applied");
    expect(sales).toHaveLength(1);
  });

  it("a forged body, a body signed with another secret, an unknown shop and a non-Shopify shop: the same 401, nothing written", async () => {
    const { c, shop } = await setup(10);
    const order = await sim.control("shopify", "POST", "/orders", { lines: [{ code: "W-1", quantity: 4 }] });
    const payload = orderPayload(simOrder(order.orderId));
    const forged = JSON.stringify({ ...payload, line_items: payload.line_items.map((l) => ({ ...l, quantity: 40 })) });
    const rakuten = await c.post("/shops", { kind: "rakuten", name: "楽天", credentials: sim.credentials("rakuten"), baseUrl: sim.baseUrl("rakuten") });
    const answers = [
      await deliver(shop.id, "orders/create", payload, { body: forged }),
      await deliver(shop.id, "orders/create", payload, { secret: "another-apps-secret-0123456789" }),
      await deliver(999_999_999, "orders/create", payload),
      await deliver(rakuten.json.id, "orders/create", payload),
      await deliver("not-a-shop", "orders/create", payload),
    ];
    for (const a of answers) expect(a).toEqual(answers[0]);
    expect(answers[0].status).toBe(401);
    // A missing signature as well.
    const bare = await exports.default.fetch(`${KURA_BASE}/webhooks/shopify/${shop.id}`, { method: "POST", headers: { "x-shopify-topic": "orders/create" }, body: JSON.stringify(payload) });
    expect(bare.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect(await events(c.accountId)).toEqual([]);
    expect(await onHand(c, "W-1")).toBe(10);
    expect((await c.get("/logs/sales")).json.items).toEqual([]);
  });

  it("a cancel and a refund with restock give the units back once; a refund without restock gives nothing", async () => {
    const { c, shop } = await setup(10);
    const a = await sim.control("shopify", "POST", "/orders", { lines: [{ code: "W-1", quantity: 3 }] });
    await deliver(shop.id, "orders/create", orderPayload(simOrder(a.orderId)));
    await until("sale", () => onHand(c, "W-1"), (n) => n === 7);
    await sim.control("shopify", "POST", `/orders/${a.orderId}/cancel`);
    const cancelled = orderPayload(simOrder(a.orderId));
    expect(cancelled.cancelled_at).not.toBeNull();
    await deliver(shop.id, "orders/cancelled", cancelled);
    await deliver(shop.id, "orders/cancelled", cancelled);
    await allProcessed(c.accountId, 3);
    expect(await onHand(c, "W-1")).toBe(10);

    const b = await sim.control("shopify", "POST", "/orders", { lines: [{ code: "W-1", quantity: 2 }] });
    await deliver(shop.id, "orders/create", orderPayload(simOrder(b.orderId)));
    await until("sale", () => onHand(c, "W-1"), (n) => n === 8);
    const lineId = Number(b.lineIds[0]);
    const refund = (restock: string, id: number) => ({
      id,
      order_id: Number(b.orderId),
      created_at: new Date().toISOString(),
      refund_line_items: [{ id: id + 1, line_item_id: lineId, quantity: 1, restock_type: restock, line_item: { id: lineId, sku: "W-1", quantity: 2, current_quantity: 1 } }],
    });
    await deliver(shop.id, "refunds/create", refund("no_restock", 800));
    await deliver(shop.id, "refunds/create", refund("return", 900));
    await deliver(shop.id, "refunds/create", refund("return", 900)); // redelivered under a new id
    // And the order as Shopify reports it after the refund: the same cumulative cancel.
    await deliver(shop.id, "orders/updated", { ...orderPayload(simOrder(b.orderId)), line_items: [{ id: lineId, sku: "W-1", quantity: 2, current_quantity: 1 }] });
    await allProcessed(c.accountId, 8);
    expect(await onHand(c, "W-1")).toBe(9);
    const cancels = async () => ((await c.get("/logs/sales")).json.items as any[]).filter((s) => s.kind === "cancel" && s.result === "applied").length;
    await until("two cancels in the 販売ログ", cancels, (n) => n === 2);
  });

  it("keeps only the fields it reads: the customer's name, address and e-mail are never stored", async () => {
    const { c, shop } = await setup(10);
    const order = await sim.control("shopify", "POST", "/orders", { lines: [{ code: "W-1", quantity: 1 }] });
    const payload = { ...orderPayload(simOrder(order.orderId)), email: "hanako@example.jp", customer: { first_name: "花子", last_name: "山田" }, shipping_address: { address1: "渋谷区1-2-3" } };
    expect((await deliver(shop.id, "orders/create", payload)).status).toBe(200);
    await allProcessed(c.accountId, 1);
    await until("sale", () => onHand(c, "W-1"), (n) => n === 9);
    const kept = await env.DB.prepare("SELECT body FROM webhook_events WHERE account_id = ?").bind(c.accountId).first<{ body: string }>();
    expect(kept!.body).not.toMatch(/hanako|花子|山田|渋谷/);
    expect(JSON.parse(kept!.body).line_items).toHaveLength(1);
    // A signed body that is not an order at all: acknowledged (Shopify would only retry it), not kept.
    expect((await deliver(shop.id, "orders/create", { hello: "world" })).json).toMatchObject({ ok: true, ignored: "unreadable body" });
    expect(await events(c.accountId)).toHaveLength(1);
  });

  it("app/uninstalled stops the shop (停止中)", async () => {
    const { c, shop } = await setup(10);
    expect((await deliver(shop.id, "app/uninstalled", { id: 81050000001, domain: "kura-demo.myshopify.com" })).status).toBe(200);
    await until("shop stopped", async () => (await c.get(`/shops/${shop.id}`)).json, (s) => s.status === "stopped");
    expect((await c.get(`/shops/${shop.id}`)).json.lastError).toContain("アンインストール");
  });

  it("end to end: 接続テスト subscribes, an order placed on the simulator moves Kura's stock without any pull", async () => {
    const { c, shop } = await setup(10);
    expect((await c.patch("/settings", { publicUrl: `${KURA_BASE}/` })).json.publicUrl).toBe(KURA_BASE);
    const test = await c.post(`/shops/${shop.id}/test`);
    expect(test.json, JSON.stringify(test.json)).toMatchObject({ ok: true });
    expect(test.json.reason).toContain("Webhook 登録済み (6 件)");
    const subs = (await sim.control("shopify", "GET", "/webhooks")).subscriptions as { topic: string; uri: string }[];
    expect(subs).toHaveLength(6);
    expect(new Set(subs.map((s) => s.uri))).toEqual(new Set([`${KURA_BASE}/webhooks/shopify/${shop.id}`]));

    const started = Date.now();
    await sim.control("shopify", "POST", "/orders", { lines: [{ code: "W-1", quantity: 3 }] });
    await until("stock moved by the delivered webhook", () => onHand(c, "W-1"), (n) => n === 7);
    const took = Date.now() - started;
    const deliveries = (await sim.control("shopify", "POST", "/webhooks/settle")).deliveries as { topic: string; status: number }[];
    expect(deliveries).toEqual([expect.objectContaining({ topic: "orders/create", status: 200 })]);
    // No pull took it in: the shop was never polled.
    expect((await c.get(`/shops/${shop.id}`)).json.lastImportAt).toBeNull();
    console.log(`webhook path: order on the simulator → Kura's stock moved in ${took} ms`);
  });
});
