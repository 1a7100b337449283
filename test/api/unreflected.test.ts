import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drain, newAccount, product, sale, until } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";

const sim = useMallSim();

describe("未反映変更: GET/POST /unreflected", () => {
  it("lists a product waiting while 在庫連動 is off, with the shop, and nothing once it is sent", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "shopify");
    const p = await product(c, "UR-1", { onHand: 9 });
    await sim.control("shopify", "POST", "/listings", { items: [{ code: "UR-1", quantity: 0 }] });
    await drain(c.accountId, p.group.id);
    await until("caught up", async () => (await c.get("/unreflected")).json.items, (i) => i.length === 0);

    await c.patch("/settings", { syncEnabled: false });
    await sale(c, "pos", "U-1", [{ lineId: "1", code: "UR-1", quantity: 2 }]);
    await drain(c.accountId, p.group.id);
    const list = await until("listed", async () => (await c.get("/unreflected")).json, (j) => j.items.length === 1);
    expect(list).toEqual({
      truncated: false,
      items: [{ masterCode: "UR-1", name: "商品 UR-1", shops: [{ shopId: shop.id, shopName: "shopify 店", reason: "waiting", error: null }] }],
    });

    await c.patch("/settings", { syncEnabled: true });
    await until("sent", async () => (await c.get("/unreflected")).json.items, (i) => i.length === 0);
    expect(await sim.shows("shopify", "UR-1")).toBe(7);
  });

  it("a listing the mall refused is listed with the error; POST sends it at once, ahead of the retry", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "shopify");
    const p = await product(c, "UR-2", { onHand: 9 });
    await sim.control("shopify", "POST", "/listings", { items: [{ code: "UR-2", quantity: 0 }] });
    await drain(c.accountId, p.group.id);
    await until("first push", () => sim.shows("shopify", "UR-2"), (q) => q === 9);
    await until("caught up", async () => (await c.get("/unreflected")).json.items, (i) => i.length === 0);

    // The mall shows 3 and refused Kura's last push; nothing is queued to send again yet.
    await sim.control("shopify", "POST", "/listings", { items: [{ code: "UR-2", quantity: 3 }] });
    await env.DB.prepare("UPDATE listings SET mall_figure = 3, last_result = 'HTTP 500 from the mall' WHERE shop_id = ? AND product_id = (SELECT id FROM products WHERE account_id = ? AND master_code = 'UR-2')")
      .bind(shop.id, c.accountId)
      .run();
    const list = (await c.get("/unreflected")).json;
    expect(list.items).toEqual([
      { masterCode: "UR-2", name: "商品 UR-2", shops: [{ shopId: shop.id, shopName: "shopify 店", reason: "error", error: "HTTP 500 from the mall" }] },
    ]);

    const r = await c.post("/unreflected", { codes: ["UR-2", "NO-SUCH"] });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ marked: ["UR-2"], unknown: ["NO-SUCH"], shops: 1 });
    await until("mall figure", () => sim.shows("shopify", "UR-2"), (q) => q === 9, 3000);
    await until("cleared", async () => (await c.get("/unreflected")).json.items, (i) => i.length === 0);
    expect((await c.get("/logs/operations")).json.items.some((o: any) => o.action === "sync.urgent")).toBe(true);
  });

  it("refuses an empty list and codes that are none of the account's products", async () => {
    const c = await newAccount();
    expect((await c.post("/unreflected", { codes: [] })).status).toBe(400);
    expect((await c.post("/unreflected", {})).status).toBe(400);
    const r = await c.post("/unreflected", { codes: ["NOPE"] });
    expect(r.status).toBe(400);
    expect(r.type).toContain("application/problem+json");
  });
});
