import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";
import { login, newShop } from "./helpers";

// The dashboard side of issue 9: a shop's ドリフト時 choice, Kura's public URL for webhooks, and the
// お知らせ page with the day's notifications and the open drift.

const sim = useMallSim();
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("ドリフト時 and the public URL", () => {
  it("a shop's page sets its driftPolicy; the API sees it", async () => {
    const shop = await newShop();
    await sim.control("rakuten", "POST", "/reset");
    const created = await call(shop.apiToken, "POST", "/shops", { kind: "rakuten", name: "楽天", credentials: sim.credentials("rakuten"), baseUrl: sim.baseUrl("rakuten") });
    const id = created.json.id;
    const b = await login(shop.users.admin.email);
    const page = (await b.get(`/shops/${id}`)).html;
    expect(page).toContain('name="driftPolicy"');
    expect(text(page)).toContain("自動修正");
    const res = await b.post(`/shops/${id}`, { name: "楽天", importEnabled: "on", updateEnabled: "on", cancelPolicy: "restore", driftPolicy: "accept", ratio: "", salesLimit: "" });
    expect(res.status, res.html.slice(0, 300)).toBe(303);
    expect((await call(shop.apiToken, "GET", `/shops/${id}`)).json.driftPolicy).toBe("accept");
    expect((await b.get(`/shops/${id}?lang=en`)).html).toContain("Take the mall");
  });

  it("システム設定 stores the public URL, refusing one that is not a URL", async () => {
    const shop = await newShop();
    const b = await login(shop.users.owner.email);
    expect((await b.get("/settings")).html).toContain('name="publicUrl"');
    const bad = await b.post("/settings/public-url", { publicUrl: "kura.example.jp" });
    expect(bad.status).toBe(400);
    expect((await call(shop.apiToken, "GET", "/settings")).json.publicUrl).toBeNull();
    const ok = await b.post("/settings/public-url", { publicUrl: "https://kura.example.jp/" });
    expect(ok.status).toBe(303);
    expect((await call(shop.apiToken, "GET", "/settings")).json.publicUrl).toBe("https://kura.example.jp");
    expect((await b.get("/settings")).html).toContain("https://kura.example.jp/webhooks/shopify/");
    const staff = await login(shop.users.staff.email);
    expect((await staff.post("/settings/public-url", { publicUrl: "https://evil.example" })).status).toBe(403);
  });
});

describe("お知らせ", () => {
  it("lists the notifications newest first and marks one read", async () => {
    const shop = await newShop();
    const now = Date.now();
    await env.DB.prepare("INSERT INTO notifications (account_id, cause, dedupe_key, subject, message_ja, message_en, created_at) VALUES (?, 'low_stock', 'k1', 'TEA-1', '在庫少: TEA-1 の在庫数が 2 になりました', 'Low stock: TEA-1 is down to 2', ?)")
      .bind(shop.accountId, now)
      .run();
    const b = await login(shop.users.viewer.email);
    const page = (await b.get("/notifications")).html;
    expect(text(page)).toContain("在庫少: TEA-1 の在庫数が 2 になりました");
    expect(text((await b.get("/notifications?lang=en")).html)).toContain("Low stock: TEA-1 is down to 2");
    const id = (await call(shop.apiToken, "GET", "/notifications")).json.items[0].id;
    const read = await b.post(`/notifications/${id}/read`, {});
    expect(read.status).toBe(303);
    expect((await call(shop.apiToken, "GET", "/notifications?unread=true")).json.items).toEqual([]);
  });
});
