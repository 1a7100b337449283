import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newAccount, product } from "../helpers/api";

describe("a shop's health in the API", () => {
  it("正常, then 一時エラー while a 対象 listing's last push failed, and 停止中 when stopped", async () => {
    const c = await newAccount();
    const shop = (await c.post("/shops", { kind: "rakuten", name: "楽天", credentials: { serviceSecret: "s", licenseKey: "l" } })).json;
    expect(shop).toMatchObject({ failingListings: 0, health: "ok", healthLabel: "正常" });

    await product(c, "H-1");
    await product(c, "H-2");
    const ids = await env.DB.prepare("SELECT id FROM products WHERE account_id = ? ORDER BY id").bind(c.accountId).all<{ id: number }>();
    const listing = env.DB.prepare("INSERT INTO listings (account_id, product_id, shop_id, managed, last_result, updated_at) VALUES (?, ?, ?, ?, ?, 0)");
    await env.DB.batch([
      listing.bind(c.accountId, ids.results[0].id, shop.id, 1, "SKU not found"),
      // 対象外 listings do not count, whatever their last result.
      listing.bind(c.accountId, ids.results[1].id, shop.id, 0, "SKU not found"),
    ]);

    const one = (await c.get(`/shops/${shop.id}`)).json;
    expect(one).toMatchObject({ status: "ok", failingListings: 1, health: "error", healthLabel: "一時エラー" });
    expect((await c.get("/shops")).json.items).toEqual([one]);

    await env.DB.prepare("UPDATE shops SET status = 'stopped' WHERE id = ?").bind(shop.id).run();
    expect((await c.get(`/shops/${shop.id}`)).json).toMatchObject({ failingListings: 1, health: "stopped", healthLabel: "停止中" });
  });
});
