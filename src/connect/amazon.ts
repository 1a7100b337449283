import { JP_MARKETPLACE_ID } from "../malls/amazon/credentials";
import { ConnectError, type ConnectFlow, num, postToken } from "./types";

// Amazon SP-API website authorization workflow, JP (MALLS-MORE §4): the consent URL on Seller
// Central names the application (version=beta while it is a draft) and our state; Amazon comes
// back with state, selling_partner_id and spapi_oauth_code, a code that expires in 5 minutes and
// is traded at Login with Amazon for the seller's refresh token. Public apps must be
// re-authorized every 365 days: authorizedAt is kept so 接続テスト reports that date.

export const amazonConnect: ConnectFlow = {
  kind: "amazon",
  codeParam: "spapi_oauth_code",
  app(env) {
    if (!env.AMAZON_SPAPI_APP_ID || !env.AMAZON_LWA_CLIENT_ID || !env.AMAZON_LWA_CLIENT_SECRET) return null;
    return {
      clientId: env.AMAZON_LWA_CLIENT_ID,
      clientSecret: env.AMAZON_LWA_CLIENT_SECRET,
      appId: env.AMAZON_SPAPI_APP_ID,
      draft: env.AMAZON_SPAPI_DRAFT === "1",
      authorizeUrl: env.AMAZON_CONSENT_URL,
      tokenUrl: env.AMAZON_LWA_URL,
    };
  },
  authorizeUrl(app, p) {
    const q = new URLSearchParams({ application_id: app.appId!, state: p.state, redirect_uri: p.redirectUri });
    if (app.draft) q.set("version", "beta");
    return `${app.authorizeUrl}?${q}`;
  },
  async verify(_app, query) {
    if (!/^[A-Za-z0-9]{1,64}$/.test(query.selling_partner_id ?? "")) throw new ConnectError("connect.err.callback", { mall: "Amazon" });
  },
  async exchange(app, query, p) {
    const form = new URLSearchParams({ grant_type: "authorization_code", code: query.spapi_oauth_code ?? "", redirect_uri: p.redirectUri, client_id: app.clientId, client_secret: app.clientSecret });
    const t = await postToken(app.tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" }, body: form.toString() }, "Amazon");
    return {
      sellerId: query.selling_partner_id,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      refreshToken: t.refresh_token,
      marketplaceId: JP_MARKETPLACE_ID,
      accessToken: t.access_token,
      accessTokenExpiresAt: p.now + (num(t.expires_in) ?? 3600) * 1000,
      authorizedAt: p.now,
      // The deployment's app replaces any self-authorised one, whose secret expiry does not apply.
      clientSecretExpiresAt: undefined,
    };
  },
};
