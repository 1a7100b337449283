import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { runTask } from "../../src/sync/tasks";
import { drain, newAccount, product, until } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";
import { login, newShop } from "../dashboard/helpers";

// An au PAY マーケット shop as the merchant sees it through Kura: 接続テスト with the API key's
// expiry, 停止中 with the reason in Japanese when the key has lapsed or the source IP is not
// registered, and the sync engine carrying a sale on another shop to au PAY and back.

const sim = useMallSim();
const DAY = 86_400_000;

describe("an au PAY マーケット shop", () => {
  it("接続テスト OK shows the key's expiry (90 days after issue) and warns two weeks ahead", async () => {
    const c = await newAccount();
    const issued = Date.now() - 80 * DAY;
    const shop = await sim.shopOn(c, "aupay", { credentials: { ...sim.credentials("aupay"), apiKeyIssuedAt: issued } });
    const test = await c.post(`/shops/${shop.id}/test`);
    expect(test.json).toMatchObject({ ok: true, expiresAt: new Date(issued + 90 * DAY).toISOString() });
    const seen = (await c.get(`/shops/${shop.id}`)).json;
    expect(seen).toMatchObject({ status: "ok", lastTest: { ok: true }, credentialsExpireAt: new Date(issued + 90 * DAY).toISOString() });
    expect(seen.warnings).toHaveLength(1);
    expect(seen.warnings[0]).toMatchObject({ code: "credentials_expiring" });
    expect(seen.warnings[0].daysLeft).toBeGreaterThanOrEqual(9);
    expect(seen.warnings[0].daysLeft).toBeLessThanOrEqual(10);
  });

  it("an expired API key stops the shop (停止中) with the reason in Japanese", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "aupay");
    expect((await c.post(`/shops/${shop.id}/test`)).json).toMatchObject({ ok: true });
    await sim.control("aupay", "POST", "/key", { expired: true });
    const test = await c.post(`/shops/${shop.id}/test`);
    expect(test.json).toMatchObject({ ok: false, errorClass: "auth" });
    expect(test.json.reason).toContain("APIキーの有効期限が切れています");
    const seen = (await c.get(`/shops/${shop.id}`)).json;
    expect(seen.status).toBe("stopped");
    expect(seen.lastTest.reason ?? seen.lastError).toContain("APIキーの有効期限が切れています");
  });

  it("a source IP not registered in Wow!manager stops the shop with the reason in Japanese; registered again, 接続テスト resumes it", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "aupay");
    await sim.control("aupay", "POST", "/ip", { registered: false });
    const test = await c.post(`/shops/${shop.id}/test`);
    expect(test.json).toMatchObject({ ok: false, errorClass: "auth" });
    expect(test.json.reason).toContain("接続元IPアドレスが登録されていません");
    expect((await c.get(`/shops/${shop.id}`)).json.status).toBe("stopped");
    await sim.control("aupay", "POST", "/ip", { registered: true });
    expect((await c.post(`/shops/${shop.id}/test`)).json).toMatchObject({ ok: true });
    expect((await c.get(`/shops/${shop.id}`)).json.status).toBe("ok");
  });

  it("a sale on Yahoo reaches au PAY, and an au PAY sale reaches Yahoo, through the sync engine, within au PAY's budget", async () => {
    const c = await newAccount();
    const au = await sim.shopOn(c, "aupay");
    const yahoo = await sim.shopOn(c, "yahoo");
    const p = await product(c, "AU-9", { onHand: 20 });
    await sim.control("aupay", "POST", "/listings", { items: [{ code: "AU-9", quantity: 0 }] });
    await sim.control("yahoo", "POST", "/listings", { items: [{ code: "AU-9", quantity: 0 }] });
    await drain(c.accountId, p.group.id);
    await until("au PAY in step", () => sim.shows("aupay", "AU-9"), (q) => q === 20, 20_000);
    await until("Yahoo in step", () => sim.shows("yahoo", "AU-9"), (q) => q === 20, 20_000);

    await sim.control("yahoo", "POST", "/orders", { lines: [{ code: "AU-9", quantity: 3 }] });
    await runTask(env, { kind: "pull", accountId: c.accountId, shopId: yahoo.id });
    await until("au PAY shows the Yahoo sale", () => sim.shows("aupay", "AU-9"), (q) => q === 17, 20_000);

    const o = await sim.control("aupay", "POST", "/orders", { lines: [{ code: "AU-9", quantity: 2 }] });
    expect(await sim.shows("aupay", "AU-9")).toBe(15); // the customer's order lowered au PAY's own figure
    await runTask(env, { kind: "pull", accountId: c.accountId, shopId: au.id });
    expect((await c.post(`/shops/${au.id}/pull`)).status).toBe(200); // polled twice: counted once
    expect((await c.get("/products/AU-9")).json.onHand).toBe(15);
    await until("Yahoo shows the au PAY sale", () => sim.shows("yahoo", "AU-9"), (q) => q === 15, 20_000);

    // The buyer cancels on au PAY: found by re-polling, restored once.
    await sim.control("aupay", "POST", `/orders/${o.orderId}/cancel`);
    expect((await c.post(`/shops/${au.id}/pull`)).json.counts).toMatchObject({ applied: 1 });
    expect((await c.post(`/shops/${au.id}/pull`)).json.counts).toMatchObject({ applied: 0 });
    expect((await c.get("/products/AU-9")).json.onHand).toBe(17);
    await until("Yahoo shows the cancel", () => sim.shows("yahoo", "AU-9"), (q) => q === 17, 20_000);
    await until("au PAY shows Kura's figure", () => sim.shows("aupay", "AU-9"), (q) => q === 17, 20_000);

    const traffic = (await sim.control("aupay", "GET", "/traffic")) as { requests: number; maxInFlight: number; overBudget: number };
    expect(traffic.requests).toBeGreaterThan(3);
    expect(traffic.maxInFlight).toBe(1);
    expect(traffic.overBudget).toBe(0);
  }, 90_000);

  it("モール設定 asks for 店舗ID, the APIキー (hidden) and its issue date, explains the relay, and the shop it adds passes 接続テスト", async () => {
    const b = await login((await newShop()).users.admin.email);
    const page = (await b.get("/shops/new?kind=aupay")).html;
    expect(page).toContain('<label for="cred-shopId">店舗ID</label>');
    expect(page).toMatch(/<input[^>]*name="cred.apiKey"[^>]*type="password"/);
    expect(page).toMatch(/<input[^>]*name="cred.apiKeyIssuedAt"[^>]*type="date"/);
    expect(page).toContain("接続元 IP アドレス");
    await sim.control("aupay", "POST", "/reset");
    const creds = sim.credentials("aupay") as { shopId: string; apiKey: string };
    const res = await b.post("/shops", {
      kind: "aupay",
      name: "au PAY 店",
      "cred.shopId": creds.shopId,
      "cred.apiKey": creds.apiKey,
      "cred.apiKeyIssuedAt": "2026-11-20",
      baseUrl: sim.baseUrl("aupay"),
      importEnabled: "on",
      updateEnabled: "on",
      cancelPolicy: "restore",
    });
    expect(res.status, res.html.slice(0, 500)).toBe(303);
    const id = Number(/^\/shops\/(\d+)/.exec(res.location ?? "")![1]);
    expect((await b.get(`/shops/${id}`)).html).not.toContain(creds.apiKey);
    const tested = await b.post(`/shops/${id}/test`);
    expect(tested.status).toBe(303);
    const row = await env.DB.prepare("SELECT last_test_ok, credentials_expire_at FROM shops WHERE id = ?").bind(id).first<{ last_test_ok: number; credentials_expire_at: number }>();
    // 2026-11-20 00:00 JST + 90 days.
    expect(row).toEqual({ last_test_ok: 1, credentials_expire_at: Date.UTC(2026, 10, 19, 15) + 90 * DAY });
  });
});
