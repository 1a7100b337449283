import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { clientFor } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";
import { login, newShop, PASSWORD, request, sessionCookie } from "../dashboard/helpers";
import { connect, consent, credentialsOf, kuraPath, refused, setCredentials, shopIdOf, shopRow, start, text, written } from "./helpers";

// 連携する for Shopify: the merchant names the shop, consents on the (simulated) shop admin, and
// comes back with an expiring offline token stored encrypted, 接続テスト run; the adapter then
// renews the token itself. A callback whose signature, shop, timestamp or state is wrong writes nothing.

const sim = useMallSim();
const DOMAIN = "kura-demo.myshopify.com";

async function merchant() {
  await sim.control("shopify", "POST", "/reset");
  const account = await newShop();
  return { account, b: await login(account.users.admin.email) };
}

describe("Shopify 連携する", () => {
  it("connects a shop end to end: consent, token stored encrypted, 接続テスト OK, refreshed after expiry", async () => {
    const { account, b } = await merchant();
    const authorize = await start(b, "shopify", { shopDomain: DOMAIN, name: "Shopify 本店" });
    const u = new URL(authorize);
    expect(u.origin + u.pathname).toBe("https://sim.test/shopify/admin/oauth/authorize");
    expect(u.searchParams.get("scope")).toBe("read_products,write_inventory,read_orders,read_locations");
    expect(u.searchParams.get("redirect_uri")).toBe("https://kura.test/shops/connect/shopify/callback");
    const callback = await consent(authorize);
    for (const k of ["code", "hmac", "host", "shop", "state", "timestamp"]) expect(new URL(callback).searchParams.get(k), k).toBeTruthy();
    const page = await b.get(kuraPath(callback));
    expect(page.status, page.html.slice(0, 300)).toBe(303);
    const id = shopIdOf(page.location);
    expect(page.location).toBe(`/shops/${id}?done=connected#test`);
    expect(text((await b.get(page.location!)).html)).toContain("連携しました。接続テストは OK です。");

    const row = await shopRow(id);
    expect(row).toMatchObject({ account_id: account.accountId, kind: "shopify", name: "Shopify 本店", last_test_ok: 1, status: "ok" });
    const creds = await credentialsOf(id);
    expect(creds).toMatchObject({ shopDomain: DOMAIN, clientId: "kura-sim-client-id" });
    expect(creds.accessToken).toMatch(/^shpat_/);
    expect(creds.refreshToken).toMatch(/^shprt_/);
    expect(creds.accessTokenExpiresAt).toBeGreaterThan(Date.now() + 3500_000);
    // Encrypted at rest: neither token nor the app secret appears in the row.
    const raw = JSON.stringify(row);
    for (const secret of [creds.accessToken, creds.refreshToken, creds.clientSecret]) expect(raw).not.toContain(secret);
    // Refreshing ahead of the expiry shows the refresh token's date, 90 days on.
    expect(row.credentials_expire_at).toBeGreaterThan(Date.now() + 89 * 86_400_000);

    // The access token runs out: the next 接続テスト renews it and stores the rotated pair.
    await setCredentials(id, { ...creds, accessTokenExpiresAt: Date.now() - 1000 });
    const test = await b.post(`/shops/${id}/test`);
    expect(test.status).toBe(303);
    expect((await shopRow(id)).last_test_ok).toBe(1);
    const after = await credentialsOf(id);
    expect(after.accessToken).not.toBe(creds.accessToken);
    expect(after.refreshToken).not.toBe(creds.refreshToken);
    expect(after.accessTokenExpiresAt).toBeGreaterThan(Date.now() + 3500_000);
  });

  it("never returns the tokens through the API", async () => {
    const { account, b } = await merchant();
    const { page } = await connect(b, "shopify", { shopDomain: DOMAIN });
    const id = shopIdOf(page.location);
    const creds = await credentialsOf(id);
    const api = clientFor(account.accountId, account.apiToken);
    for (const res of [await api.get(`/shops/${id}`), await api.get("/shops")]) {
      expect(res.status).toBe(200);
      const body = JSON.stringify(res.json);
      for (const secret of [creds.accessToken, creds.refreshToken, creds.clientSecret]) expect(body).not.toContain(secret);
    }
    expect((await api.get(`/shops/${id}`)).json.credentials).toEqual({ configured: true });
  });

  it("re-connects an existing shop (再連携): new tokens, same shop", async () => {
    const { account, b } = await merchant();
    const first = shopIdOf((await connect(b, "shopify", { shopDomain: DOMAIN })).page.location);
    const before = await credentialsOf(first);
    expect((await b.get(`/shops/${first}`)).html).toContain("再連携");
    const again = await connect(b, "shopify", { shopId: String(first) });
    expect(again.page.status, again.page.html.slice(0, 300)).toBe(303);
    expect(shopIdOf(again.page.location)).toBe(first);
    expect((await credentialsOf(first)).accessToken).not.toBe(before.accessToken);
    expect((await written(account.accountId)).shops).toHaveLength(1);
  });

  it("refuses a second shop on a store the account has connected already, before leaving", async () => {
    const { account, b } = await merchant();
    const first = shopIdOf((await connect(b, "shopify", { shopDomain: DOMAIN, name: "本店" })).page.location);
    const before = await written(account.accountId);
    const res = await b.post("/shops/connect/shopify", { shopDomain: DOMAIN.toUpperCase() });
    expect(res.status).toBe(400);
    expect(text(res.html)).toContain("この Shopify のストアはすでに「本店」として連携されています");
    expect(await written(account.accountId)).toEqual(before);
    // The first shop's token was never revoked by a second one.
    expect((await b.post(`/shops/${first}/test`)).status).toBe(303);
    expect((await shopRow(first)).last_test_ok).toBe(1);
  });

  it("refuses a malformed shop domain before leaving, next to the field", async () => {
    const { b } = await merchant();
    const res = await b.post("/shops/connect/shopify", { shopDomain: "https://evil.example.com" });
    expect(res.status).toBe(400);
    expect(text(res.html)).toContain("ショップのドメインが正しくありません");
  });
});

describe("a tampered Shopify callback writes nothing", () => {
  it("a bad HMAC", async () => {
    const { account, b } = await merchant();
    const url = new URL(await consent(await start(b, "shopify", { shopDomain: DOMAIN })));
    url.searchParams.set("hmac", "0".repeat(64));
    await refused(b, account.accountId, kuraPath(url.toString()), "署名が一致しません");
  });

  it("a parameter changed after signing", async () => {
    const { account, b } = await merchant();
    const url = new URL(await consent(await start(b, "shopify", { shopDomain: DOMAIN })));
    url.searchParams.set("timestamp", String(Number(url.searchParams.get("timestamp")) - 1));
    await refused(b, account.accountId, kuraPath(url.toString()), "署名が一致しません");
  });

  it("a shop other than the one named at the start", async () => {
    const { account, b } = await merchant();
    // The merchant named another shop; the simulated admin answers as kura-demo.
    const callback = await consent(await start(b, "shopify", { shopDomain: "other-shop.myshopify.com" }));
    expect(new URL(callback).searchParams.get("shop")).toBe(DOMAIN);
    await refused(b, account.accountId, kuraPath(callback), "ショップのドメインが正しくありません");
  });

  it("a callback signed too long ago", async () => {
    const { account, b } = await merchant();
    const authorize = await start(b, "shopify", { shopDomain: DOMAIN });
    const now = Date.now;
    const state = sim.sims.shopify.state as unknown as { now: () => number };
    const original = state.now;
    // The simulated admin's clock is 5 minutes behind.
    (state as { now: () => number }).now = () => now() - 300_000;
    try {
      await refused(b, account.accountId, kuraPath(await consent(authorize)), "応答が古すぎます");
    } finally {
      (state as { now: () => number }).now = original;
    }
  });

  it("a made-up state, a replayed state and an expired state", async () => {
    const { account, b } = await merchant();
    const ok = await connect(b, "shopify", { shopDomain: DOMAIN });
    expect(ok.page.status).toBe(303);
    await refused(b, account.accountId, ok.callback, "この連携リンクはすでに使用されています");
    const forged = new URL(ok.callback, "https://kura.test");
    forged.searchParams.set("state", "made-up-state");
    await refused(b, account.accountId, forged.pathname + forged.search, "連携の情報が確認できません");

    const late = await consent(await start(b, "shopify", { shopId: String(shopIdOf(ok.page.location)) }));
    await env.DB.prepare("UPDATE oauth_states SET expires_at = ? WHERE account_id = ? AND used_at IS NULL").bind(Date.now() - 1, account.accountId).run();
    await refused(b, account.accountId, kuraPath(late), "連携の有効期限が切れました");
  });

  it("a state started by another user or another account", async () => {
    const { account, b } = await merchant();
    const callback = kuraPath(await consent(await start(b, "shopify", { shopDomain: DOMAIN })));
    const colleague = await login(account.users.owner.email);
    await refused(colleague, account.accountId, callback, "別のユーザーが開始したもの");
    const stranger = await login((await newShop()).users.admin.email);
    await refused(stranger, account.accountId, callback, "別のユーザーが開始したもの");
    // Left unspent: the user who started it can still finish.
    expect((await b.get(callback)).status).toBe(303);
  });

  it("a refused consent", async () => {
    const { account, b } = await merchant();
    const callback = await consent(await start(b, "shopify", { shopDomain: DOMAIN }), "deny");
    expect(new URL(callback).searchParams.get("error")).toBe("access_denied");
    await refused(b, account.accountId, kuraPath(callback), "Shopify で連携が許可されませんでした");
  });

  it("a session that lapsed at the mall: the callback waits through the login and then connects", async () => {
    const { account, b } = await merchant();
    const callback = kuraPath(await consent(await start(b, "shopify", { shopDomain: DOMAIN })));
    const anonymous = await request(callback);
    expect(anonymous.status).toBe(303);
    expect(anonymous.location).toBe(`/login?next=${encodeURIComponent(callback)}`);
    const again = await request(anonymous.location!, { form: { email: account.users.admin.email, password: PASSWORD } });
    expect(again.location).toBe(callback);
    const page = await request(callback, { cookie: sessionCookie(again.setCookie)! });
    expect(page.status, page.html.slice(0, 300)).toBe(303);
    expect(page.location).toMatch(/^\/shops\/\d+\?done=connected/);
  });

  it("the callback says no-referrer", async () => {
    const { b } = await merchant();
    const res = await fetchCallback(b.cookie, "/shops/connect/shopify/callback?state=x");
    expect(res.headers.get("referrer-policy")).toBe("no-referrer");
  });
});

async function fetchCallback(cookie: string, path: string) {
  const { exports } = await import("cloudflare:workers");
  return exports.default.fetch(`https://kura.test${path}`, { headers: { cookie }, redirect: "manual" });
}
