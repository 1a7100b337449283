import { type ConnectFlow, num, postToken } from "./types";

// Yahoo!ショッピング through Yahoo! ID連携 v2, code flow (MALLS-MORE §4): authorize with
// scope=openid and bail=1 (a refusal comes back to us), trade the code at the token endpoint with
// Basic client authentication. The refresh token lives 12 h for the order APIs without
// 公開鍵認証 and 4 weeks with it; its issue time is kept so 接続テスト reports the expiry
// (src/malls/yahoo/credentials.ts refreshTokenExpiresAt) and the warning comes ahead of it.
// YConnect does not say which store consented: the merchant enters the ストアアカウント first.

const SELLER_ID = /^[A-Za-z0-9_-]{1,64}$/;

export const yahooConnect: ConnectFlow = {
  kind: "yahoo",
  codeParam: "code",
  app(env) {
    if (!env.YAHOO_APP_CLIENT_ID || !env.YAHOO_APP_CLIENT_SECRET) return null;
    const base = env.YAHOO_OAUTH_URL.replace(/\/+$/, "");
    return { clientId: env.YAHOO_APP_CLIENT_ID, clientSecret: env.YAHOO_APP_CLIENT_SECRET, authorizeUrl: `${base}/authorization`, tokenUrl: `${base}/token` };
  },
  extra: { field: "sellerId", parse: (v) => (SELLER_ID.test(v.trim()) ? v.trim() : null), error: "connect.err.sellerId" },
  authorizeUrl(app, p) {
    // [verify] the store APIs' 開示先限定スコープ are granted to the app at registration; the
    // authorization itself asks only for openid.
    const q = new URLSearchParams({ response_type: "code", client_id: app.clientId, redirect_uri: p.redirectUri, scope: "openid", bail: "1", state: p.state });
    return `${app.authorizeUrl}?${q}`;
  },
  async exchange(app, query, p) {
    const form = new URLSearchParams({ grant_type: "authorization_code", code: query.code ?? "", redirect_uri: p.redirectUri });
    const basic = btoa(`${app.clientId}:${app.clientSecret}`);
    const t = await postToken(
      app.tokenUrl,
      { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", authorization: `Basic ${basic}` }, body: form.toString() },
      "Yahoo!ショッピング",
    );
    return {
      sellerId: p.extra!,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      refreshToken: t.refresh_token,
      refreshTokenIssuedAt: p.now,
      accessToken: t.access_token,
      accessTokenExpiresAt: p.now + (num(t.expires_in) ?? 3600) * 1000,
    };
  },
};
