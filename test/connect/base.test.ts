import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { useMallSim } from "../helpers/mall-sim";
import { login, newShop } from "../dashboard/helpers";
import { connect, consent, credentialsOf, kuraPath, refused, setCredentials, shopIdOf, shopRow, start, text } from "./helpers";

// 連携する for BASE: authorize → code → token on BASE's own host; the refresh token rotates at
// every refresh and the adapter keeps the newest one (with the redirect URI BASE asks for again).

const sim = useMallSim();

async function merchant() {
  await sim.control("base", "POST", "/reset");
  const account = await newShop();
  return { account, b: await login(account.users.admin.email) };
}

describe("BASE 連携する", () => {
  it("connects a shop end to end: consent, token stored encrypted, 接続テスト OK, refreshed after expiry", async () => {
    const { account, b } = await merchant();
    const authorize = new URL(await start(b, "base"));
    expect(authorize.origin + authorize.pathname).toBe("https://sim.test/base/1/oauth/authorize");
    expect(authorize.searchParams.get("response_type")).toBe("code");
    expect(authorize.searchParams.get("scope")).toBe("read_users read_items write_items read_orders");
    const callback = await consent(authorize.toString());
    const page = await b.get(kuraPath(callback));
    expect(page.status, page.html.slice(0, 300)).toBe(303);
    const id = shopIdOf(page.location);
    const row = await shopRow(id);
    expect(row).toMatchObject({ account_id: account.accountId, kind: "base", name: "BASE", last_test_ok: 1, base_url: "https://sim.test/base" });
    const creds = await credentialsOf(id);
    expect(creds.redirectUri).toBe("https://kura.test/shops/connect/base/callback");
    for (const secret of [creds.accessToken, creds.refreshToken, creds.clientSecret]) expect(JSON.stringify(row)).not.toContain(secret);
    // 30 days of refresh token ahead.
    expect(row.credentials_expire_at).toBeGreaterThan(Date.now() + 29 * 86_400_000);

    await setCredentials(id, { ...creds, accessTokenExpiresAt: Date.now() - 1000 });
    expect((await b.post(`/shops/${id}/test`)).status).toBe(303);
    expect((await shopRow(id)).last_test_ok).toBe(1);
    const after = await credentialsOf(id);
    expect(after.refreshToken).not.toBe(creds.refreshToken);
    expect(after.accessToken).not.toBe(creds.accessToken);
    // The old refresh token is spent at BASE.
    expect(sim.sims.base.state.refreshTokens.has(creds.refreshToken)).toBe(false);
  });

  it("refuses a made-up, a replayed and an expired state, and a refused consent, writing nothing", async () => {
    const { account, b } = await merchant();
    const ok = await connect(b, "base");
    expect(ok.page.status).toBe(303);
    await refused(b, account.accountId, ok.callback, "この連携リンクはすでに使用されています");
    await refused(b, account.accountId, "/shops/connect/base/callback?code=abc&state=nope", "連携の情報が確認できません");
    const late = await consent(await start(b, "base"));
    await env.DB.prepare("UPDATE oauth_states SET expires_at = ? WHERE account_id = ? AND used_at IS NULL").bind(Date.now() - 1, account.accountId).run();
    await refused(b, account.accountId, kuraPath(late), "連携の有効期限が切れました");
    const denied = await consent(await start(b, "base"), "deny");
    await refused(b, account.accountId, kuraPath(denied), "BASE で連携が許可されませんでした");
  });

  it("refuses a new shop over the plan's limit, before the code is traded", async () => {
    const { account, b } = await merchant();
    const callback = await consent(await start(b, "base"));
    // The last free place was taken while the merchant was at BASE.
    await env.DB.prepare("UPDATE accounts SET max_shops = 0 WHERE id = ?").bind(account.accountId).run();
    const codes = sim.sims.base.state.calls.filter((c) => c.path.endsWith("/1/oauth/token")).length;
    await refused(b, account.accountId, kuraPath(callback), "プランの上限");
    expect(sim.sims.base.state.calls.filter((c) => c.path.endsWith("/1/oauth/token")).length).toBe(codes);
    // And a new start is refused at once.
    const res = await b.post("/shops/connect/base");
    expect(res.status).toBe(400);
    expect(text(res.html)).toContain("プランの上限");
  });

  it("refuses a code BASE no longer honours (expired), writing nothing", async () => {
    const { account, b } = await merchant();
    const callback = await consent(await start(b, "base"));
    await sim.control("base", "POST", "/oauth/age", { seconds: 11 * 60 });
    const res = await refused(b, account.accountId, kuraPath(callback), "BASE でトークンを取得できませんでした");
    expect(text(res.html)).toContain("invalid_grant");
  });
});
