import { describe, expect, it } from "vitest";
import { useMallSim } from "../helpers/mall-sim";
import { login, newShop } from "../dashboard/helpers";
import { connect, consent, credentialsOf, kuraPath, refused, setCredentials, shopIdOf, shopRow, start, text } from "./helpers";

// 連携する for Amazon SP-API (website authorization workflow, JP): the consent URL on Seller
// Central, the callback's selling_partner_id and spapi_oauth_code (5 minutes), the LWA exchange,
// and the 365-day re-authorization reported as the shop's expiry.

const sim = useMallSim();
const YEAR = 365 * 86_400_000;

async function merchant() {
  await sim.control("amazon", "POST", "/reset");
  const account = await newShop();
  return { account, b: await login(account.users.admin.email) };
}

describe("Amazon 連携する", () => {
  it("connects a seller end to end: consent, refresh token stored encrypted, 接続テスト OK, refreshed after expiry", async () => {
    const { account, b } = await merchant();
    const authorize = new URL(await start(b, "amazon"));
    expect(authorize.origin + authorize.pathname).toBe("https://sim.test/amazon/apps/authorize/consent");
    expect(authorize.searchParams.get("application_id")).toBe("amzn1.sp.solution.kura-demo-0000-0000-0000-000000000000");
    expect(authorize.searchParams.has("version")).toBe(false);
    const callback = new URL(await consent(authorize.toString()));
    expect([...callback.searchParams.keys()].sort()).toEqual(["selling_partner_id", "spapi_oauth_code", "state"]);
    const t0 = Date.now();
    const page = await b.get(kuraPath(callback.toString()));
    expect(page.status, page.html.slice(0, 300)).toBe(303);
    const id = shopIdOf(page.location);
    const row = await shopRow(id);
    expect(row).toMatchObject({ account_id: account.accountId, kind: "amazon", last_test_ok: 1 });
    const creds = await credentialsOf(id);
    expect(creds).toMatchObject({ sellerId: "A1KURADEMO0JP", marketplaceId: "A1VC38T7YXB528" });
    expect(creds.refreshToken).toMatch(/^Atzr\|/);
    for (const secret of [creds.accessToken, creds.refreshToken, creds.clientSecret]) expect(JSON.stringify(row)).not.toContain(secret);
    // Re-authorization is due 365 days after consent.
    expect(row.credentials_expire_at).toBeGreaterThanOrEqual(t0 - 1000 + YEAR);
    expect(row.credentials_expire_at).toBeLessThanOrEqual(Date.now() + YEAR);

    await setCredentials(id, { ...creds, accessTokenExpiresAt: Date.now() - 1000 });
    expect((await b.post(`/shops/${id}/test`)).status).toBe(303);
    expect((await shopRow(id)).last_test_ok).toBe(1);
    expect((await credentialsOf(id)).accessToken).not.toBe(creds.accessToken);
  });

  it("refuses a code older than 5 minutes, writing nothing", async () => {
    const { account, b } = await merchant();
    const callback = await consent(await start(b, "amazon"));
    await sim.control("amazon", "POST", "/oauth/age", { seconds: 5 * 60 + 1 });
    const res = await refused(b, account.accountId, kuraPath(callback), "Amazon でトークンを取得できませんでした");
    expect(text(res.html)).toContain("invalid_grant");
  });

  it("refuses a second shop for a seller the account has connected already, before trading the code", async () => {
    const { account, b } = await merchant();
    const first = shopIdOf((await connect(b, "amazon", { name: "Amazon 本店" })).page.location);
    const callback = await consent(await start(b, "amazon"));
    await refused(b, account.accountId, kuraPath(callback), "この Amazon のストアはすでに「Amazon 本店」として連携されています");
    // 再連携 of that shop is the way.
    const again = await connect(b, "amazon", { shopId: String(first) });
    expect(shopIdOf(again.page.location)).toBe(first);
  });

  it("refuses a 再連携 consented by another seller, keeping the shop's credentials", async () => {
    const { account, b } = await merchant();
    const id = shopIdOf((await connect(b, "amazon", { name: "Amazon 本店" })).page.location);
    const before = await credentialsOf(id);
    sim.sims.amazon.state.sellerId = "A2OTHERSELLER";
    try {
      const callback = await consent(await start(b, "amazon", { shopId: String(id) }));
      await refused(b, account.accountId, kuraPath(callback), "ストアが「Amazon 本店」のストアと異なります");
    } finally {
      sim.sims.amazon.state.sellerId = "A1KURADEMO0JP";
    }
    expect(await credentialsOf(id)).toEqual(before);
  });

  it("a code exchanged within 5 minutes still works", async () => {
    const { b } = await merchant();
    const callback = await consent(await start(b, "amazon"));
    await sim.control("amazon", "POST", "/oauth/age", { seconds: 4 * 60 });
    expect((await b.get(kuraPath(callback))).status).toBe(303);
  });

  it("refuses a replayed state, another user's state and a refused consent, writing nothing", async () => {
    const { account, b } = await merchant();
    const ok = await connect(b, "amazon");
    expect(ok.page.status).toBe(303);
    await refused(b, account.accountId, ok.callback, "この連携リンクはすでに使用されています");
    const other = kuraPath(await consent(await start(b, "amazon")));
    await refused(await login(account.users.owner.email), account.accountId, other, "別のユーザーが開始したもの");
    const denied = await consent(await start(b, "amazon"), "deny");
    await refused(b, account.accountId, kuraPath(denied), "Amazon で連携が許可されませんでした");
    // A callback without the seller's id is not trusted.
    const url = new URL(await consent(await start(b, "amazon")));
    url.searchParams.delete("selling_partner_id");
    await refused(b, account.accountId, kuraPath(url.toString()), "応答の形式が正しくありません");
  });
});
