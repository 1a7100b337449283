import { REFRESH_TOKEN_LIFE_MS } from "../malls/base/client";
import { type ConnectFlow, num, postToken } from "./types";

// BASE (MALLS-MORE §4): authorize with space-separated scopes and the state, trade the code with
// client_id/client_secret/redirect_uri for a 1 h access token and a 30-day refresh token that
// rotates on every refresh (src/malls/base/client.ts). The redirect URI is kept with the
// credentials: BASE asks for it again on every refresh.

export const BASE_SCOPES = ["read_users", "read_items", "write_items", "read_orders"];

export const baseConnect: ConnectFlow = {
  kind: "base",
  codeParam: "code",
  app(env) {
    if (!env.BASE_APP_CLIENT_ID || !env.BASE_APP_CLIENT_SECRET) return null;
    const base = env.BASE_OAUTH_URL.replace(/\/+$/, "");
    return { clientId: env.BASE_APP_CLIENT_ID, clientSecret: env.BASE_APP_CLIENT_SECRET, authorizeUrl: `${base}/authorize`, tokenUrl: `${base}/token` };
  },
  authorizeUrl(app, p) {
    const q = new URLSearchParams({ response_type: "code", client_id: app.clientId, redirect_uri: p.redirectUri, scope: BASE_SCOPES.join(" "), state: p.state });
    return `${app.authorizeUrl}?${q}`;
  },
  async exchange(app, query, p) {
    const form = new URLSearchParams({ grant_type: "authorization_code", client_id: app.clientId, client_secret: app.clientSecret, code: query.code ?? "", redirect_uri: p.redirectUri });
    const t = await postToken(app.tokenUrl, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() }, "BASE");
    return {
      clientId: app.clientId,
      clientSecret: app.clientSecret,
      redirectUri: p.redirectUri,
      refreshToken: t.refresh_token,
      refreshTokenExpiresAt: p.now + REFRESH_TOKEN_LIFE_MS,
      accessToken: t.access_token,
      accessTokenExpiresAt: p.now + (num(t.expires_in) ?? 3600) * 1000,
    };
  },
};
