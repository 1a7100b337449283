import { describe, expect, it } from "vitest";
import { clientFor } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";
import { login, newShop } from "../dashboard/helpers";
import { connect, consent, credentialsOf, kuraPath, refused, setCredentials, shopIdOf, shopRow, start, text } from "./helpers";

// 連携する for Yahoo!ショッピング: Yahoo! ID連携 v2 code flow with Basic client authentication.
// The merchant names the ストアアカウント first (ID連携 does not say which store consented). The
// refresh token lives 12 h for the order APIs without 公開鍵認証: 接続テスト reports that expiry,
// and the shop warns ahead of it.

const sim = useMallSim();

async function merchant() {
  await sim.control("yahoo", "POST", "/reset");
  const account = await newShop();
  return { account, b: await login(account.users.admin.email) };
}

describe("Yahoo!ショッピング 連携する", () => {
  it("connects a store end to end: consent, token stored encrypted, 接続テスト OK with the 12 h warning, refreshed after expiry", async () => {
    const { account, b } = await merchant();
    const authorize = new URL(await start(b, "yahoo", { sellerId: "kura-demo" }));
    expect(authorize.origin + authorize.pathname).toBe("https://sim.test/yahoo/yconnect/v2/authorization");
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ response_type: "code", scope: "openid", bail: "1" });
    const t0 = Date.now();
    const page = await b.get(kuraPath(await consent(authorize.toString())));
    expect(sim.sims.yahoo.state.lastClientAuth).toBe("basic");
    expect(page.status, page.html.slice(0, 300)).toBe(303);
    const id = shopIdOf(page.location);
    const row = await shopRow(id);
    expect(row).toMatchObject({ account_id: account.accountId, kind: "yahoo", last_test_ok: 1 });
    const creds = await credentialsOf(id);
    expect(creds).toMatchObject({ sellerId: "kura-demo" });
    for (const secret of [creds.accessToken, creds.refreshToken, creds.clientSecret]) expect(JSON.stringify(row)).not.toContain(secret);
    // The refresh token's 12 hours, counted from the authorization.
    expect(row.credentials_expire_at).toBeGreaterThanOrEqual(t0 + 12 * 3_600_000);
    expect(row.credentials_expire_at).toBeLessThanOrEqual(Date.now() + 12 * 3_600_000);
    // …and the shop warns of it now, ahead of the lapse.
    const shop = (await clientFor(account.accountId, account.apiToken).get(`/shops/${id}`)).json;
    expect(shop.warnings).toEqual([expect.objectContaining({ code: "credentials_expiring", daysLeft: 0 })]);
    const html = text((await b.get(`/shops/${id}`)).html);
    expect(html).toContain("認証情報の有効期限まであと 0 日です");
    expect(html).toContain("「再連携」で連携し直してください");

    await setCredentials(id, { ...creds, accessTokenExpiresAt: Date.now() - 1000 });
    expect((await b.post(`/shops/${id}/test`)).status).toBe(303);
    expect((await shopRow(id)).last_test_ok).toBe(1);
    expect((await credentialsOf(id)).accessToken).not.toBe(creds.accessToken);
    // The refresh went to the ID連携 token endpoint.
    expect(sim.sims.yahoo.state.calls.some((c: { path: string }) => c.path.endsWith("/yconnect/v2/token"))).toBe(true);
  });

  it("asks for the store account before leaving", async () => {
    const { b } = await merchant();
    const res = await b.post("/shops/connect/yahoo", { sellerId: "not a store!" });
    expect(res.status).toBe(400);
    expect(text(res.html)).toContain("ストアアカウントの形式が正しくありません");
  });

  it("refuses a replayed state, a refused consent and an expired code, writing nothing", async () => {
    const { account, b } = await merchant();
    const ok = await connect(b, "yahoo", { sellerId: "kura-demo" });
    expect(ok.page.status).toBe(303);
    await refused(b, account.accountId, ok.callback, "この連携リンクはすでに使用されています");
    const again = { shopId: String(shopIdOf(ok.page.location)) };
    const denied = await consent(await start(b, "yahoo", again), "deny");
    await refused(b, account.accountId, kuraPath(denied), "Yahoo!ショッピング で連携が許可されませんでした");
    const late = await consent(await start(b, "yahoo", again));
    await sim.control("yahoo", "POST", "/oauth/age", { seconds: 11 * 60 });
    await refused(b, account.accountId, kuraPath(late), "トークンを取得できませんでした");
  });
});
