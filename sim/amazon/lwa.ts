import { Hono } from "hono";
import { ageRoute, backTo, consentDecision, consentPage, isRedirectUri } from "../shared/oauth";
import type { AmazonSimState } from "./state";

// Login with Amazon token endpoint (api.amazon.com/auth/o2/token): the authorization_code grant of
// the website authorization workflow and the refresh_token grant, RFC 6749 error bodies
// (invalid_client 401, invalid_grant 400, unsupported_grant_type 400). And Seller Central's
// consent page (/apps/authorize/consent), whose 承認 returns to redirect_uri with state,
// selling_partner_id and spapi_oauth_code.

export function lwaRoutes(state: AmazonSimState) {
  const app = new Hono();
  const consentError = (msg: string) => new Response(msg, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  app.get("/apps/authorize/consent", (c) => {
    const q = c.req.query();
    if (q.application_id !== state.appId) return consentError("このアプリケーションは見つかりません (application_id)");
    if (state.appIsDraft && q.version !== "beta") return consentError("ドラフト状態のアプリは version=beta でのみ承認できます");
    if (!isRedirectUri(q.redirect_uri)) return consentError("OAuth リダイレクト URI が登録されていません");
    return consentPage(c, "Amazon セラーセントラル", `出品者 ${state.sellerId} として、このアプリに SP-API へのアクセスを承認しますか`);
  });
  app.post("/apps/authorize/consent", async (c) => {
    const { fields, allowed } = await consentDecision(c);
    if (fields.application_id !== state.appId || !isRedirectUri(fields.redirect_uri)) return consentError("不正な承認フォームです");
    const st = fields.state ? { state: fields.state } : {};
    // [verify] what Amazon sends back on a refusal; error=access_denied as RFC 6749 says.
    if (!allowed) return backTo(c, fields.redirect_uri, { error: "access_denied", ...st });
    const code = state.codes.issue(state.clientId, fields.redirect_uri, { sellerId: state.sellerId });
    return backTo(c, fields.redirect_uri, { ...st, selling_partner_id: state.sellerId, spapi_oauth_code: code });
  });
  app.route("/", ageRoute({ age: (ms) => state.codes.age(ms) }));

  app.post("/auth/o2/token", async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!type.startsWith("application/x-www-form-urlencoded")) {
      return c.json({ error: "invalid_request", error_description: "Content-Type must be application/x-www-form-urlencoded" }, 400);
    }
    const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
    const grant = form.get("grant_type");
    if (grant !== "refresh_token" && grant !== "client_credentials" && grant !== "authorization_code") {
      return c.json({ error: "unsupported_grant_type", error_description: "The authorization grant type is not supported" }, 400);
    }
    if (form.get("client_id") !== state.clientId || form.get("client_secret") !== state.clientSecret) {
      return c.json({ error: "invalid_client", error_description: "Client authentication failed" }, 401);
    }
    if (state.clientSecretExpiresAt !== null && state.now() >= state.clientSecretExpiresAt) {
      return c.json({ error: "invalid_client", error_description: "The client secret has expired" }, 401);
    }
    if (grant === "authorization_code") {
      const taken = state.codes.take(form.get("code") ?? "", form.get("client_id") ?? "", form.get("redirect_uri") ?? "");
      if (!taken.ok) return c.json({ error: "invalid_grant", error_description: taken.why === "expired" ? "The authorization code has expired" : "The request has an invalid grant parameter : code" }, 400);
      const refreshToken = `Atzr|IwEBISim${crypto.randomUUID().replaceAll("-", "")}`;
      state.grantedRefreshTokens.add(refreshToken);
      const { token, expiresIn } = state.issueToken();
      return c.json({ access_token: token, refresh_token: refreshToken, token_type: "bearer", expires_in: expiresIn });
    }
    if (grant === "client_credentials") {
      return c.json({ error: "invalid_scope", error_description: "Grantless operations are not simulated" }, 400);
    }
    const granted = state.grantedRefreshTokens.has(form.get("refresh_token") ?? "");
    if (form.get("refresh_token") !== state.refreshToken && !granted) {
      return c.json({ error: "invalid_grant", error_description: "The request has an invalid grant parameter : refresh_token" }, 400);
    }
    const { token, expiresIn } = state.issueToken();
    if (granted) return c.json({ access_token: token, refresh_token: form.get("refresh_token"), token_type: "bearer", expires_in: expiresIn });
    if (state.rotateRefreshTokens) state.refreshToken = `Atzr|IwEBISim${crypto.randomUUID().replaceAll("-", "")}`;
    return c.json({ access_token: token, refresh_token: state.refreshToken, token_type: "bearer", expires_in: expiresIn });
  });
  return app;
}
