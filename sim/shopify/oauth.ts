import { Hono } from "hono";
import { ageRoute, backTo, CodeStore, consentDecision, consentPage, isRedirectUri } from "../shared/oauth";
import { SIM_APP, SIM_SHOP, randomHex, type ShopifySimState } from "./state";

// POST /admin/oauth/access_token — the refresh_token grant of expiring offline tokens: 1 h access
// token, 90-day refresh token, refresh token rotated on every use; the previous refresh token stays
// usable until the new access token is first used (changelog 2026-08-28). Issuing a new expiring
// token revokes the shop's earlier expiring access tokens (one active per app and shop).

const ACCESS_TTL_SEC = 3600;
const REFRESH_TTL_SEC = 90 * 86400;
/** [verify] Shopify documents no lifetime for the authorization code; 10 minutes (RFC 6749 §4.1.2's maximum). */
export const CODE_LIFE_MS = 10 * 60_000;

/** hex HMAC-SHA256 over the query without hmac/signature, sorted by key, `k=v` joined with `&`. */
export async function signQuery(secret: string, params: Record<string, string>): Promise<string> {
  const message = Object.keys(params)
    .filter((k) => k !== "hmac" && k !== "signature")
    .sort()
    .map((k) => `${k}=${params[k]}`)
    .join("&");
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message));
  return [...new Uint8Array(mac)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

// The authorization code grant of a non-embedded app: GET /admin/oauth/authorize shows the install
// consent, its POST sends the merchant back to redirect_uri with code, hmac, host, shop, state and
// timestamp (signed with the app's client secret); the token endpoint then trades the code once,
// for the client and within CODE_LIFE_MS. `expiring=1` asks for an expiring offline token.
function authorizeRoutes(state: ShopifySimState, codes: CodeStore<{ scopes: string[] }>): Hono {
  const app = new Hono();
  const refuse = (why: string) => new Response(`Oauth error invalid_request: ${why}`, { status: 400, headers: { "content-type": "text/plain; charset=utf-8" } });
  app.get("/admin/oauth/authorize", (c) => {
    const q = c.req.query();
    if (q.client_id !== SIM_APP.clientId) return refuse("The client_id is not recognized.");
    if (!isRedirectUri(q.redirect_uri)) return refuse("The redirect_uri is missing or not whitelisted.");
    return consentPage(c, `Shopify — ${SIM_SHOP.name}`, `アプリに次の権限を許可しますか: ${q.scope ?? ""}`);
  });
  app.post("/admin/oauth/authorize", async (c) => {
    const { fields, allowed } = await consentDecision(c);
    if (fields.client_id !== SIM_APP.clientId || !isRedirectUri(fields.redirect_uri)) return refuse("Invalid consent form.");
    if (!allowed) return backTo(c, fields.redirect_uri, { error: "access_denied", ...(fields.state && { state: fields.state }) });
    const scopes = (fields.scope ?? "").split(",").map((s) => s.trim()).filter(Boolean);
    const code = codes.issue(fields.client_id, fields.redirect_uri, { scopes });
    const query: Record<string, string> = {
      code,
      host: btoa(`admin.shopify.com/store/${SIM_SHOP.domain.replace(".myshopify.com", "")}`).replace(/=+$/, ""),
      shop: SIM_SHOP.domain,
      state: fields.state ?? "",
      timestamp: String(Math.floor(state.now() / 1000)),
    };
    query.hmac = await signQuery(SIM_APP.clientSecret, query);
    return backTo(c, fields.redirect_uri, query);
  });
  return app;
}

export function oauthRoutes(state: ShopifySimState): Hono {
  const app = new Hono();
  const codes = new CodeStore<{ scopes: string[] }>(state.now, CODE_LIFE_MS, "shpcode_");
  app.route("/", authorizeRoutes(state, codes));
  app.route("/", ageRoute(codes));
  app.post("/admin/oauth/access_token", async (c) => {
    const status = (res: Response) => {
      state.logCall({ method: "POST", path: new URL(c.req.url).pathname, status: res.status, operation: "oauth" });
      return res;
    };
    const type = c.req.header("Content-Type") ?? "";
    let p: Record<string, string>;
    try {
      p = type.includes("application/json")
        ? ((await c.req.json()) as Record<string, string>)
        : Object.fromEntries(new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer())));
    } catch {
      return status(c.json({ error: "invalid_request", error_description: "Malformed request body." }, 400));
    }
    if (p.client_id !== SIM_APP.clientId || p.client_secret !== SIM_APP.clientSecret) {
      return status(c.json({ error: "invalid_client", error_description: "Client authentication failed." }, 401));
    }
    const now = state.now();
    // An expiring offline token with its rotating refresh token; the shop's earlier expiring tokens end now.
    const issueExpiring = (accessToken: string, scopes: string[], replaces?: string) => {
      const refreshToken = `shprt_${randomHex(16)}`;
      for (const t of state.accessTokens.values()) if (t.expiring) t.expiresAt = Math.min(t.expiresAt ?? now, now);
      state.accessTokens.set(accessToken, { expiresAt: now + ACCESS_TTL_SEC * 1000, scopes, expiring: true, used: false, ...(replaces !== undefined && { replaces }) });
      state.refreshTokens.set(refreshToken, { expiresAt: now + REFRESH_TTL_SEC * 1000, revoked: false });
      return { access_token: accessToken, expires_in: ACCESS_TTL_SEC, refresh_token: refreshToken, refresh_token_expires_in: REFRESH_TTL_SEC, scope: scopes.join(",") };
    };
    if (p.code !== undefined && p.grant_type === undefined) {
      const taken = codes.take(String(p.code), p.client_id, null);
      if (!taken.ok) {
        return status(c.json({ error: "invalid_request", error_description: "The authorization code was not found or was already used" }, 400));
      }
      const expiring = String(p.expiring ?? "0") === "1";
      const accessToken = `shpat_${randomHex(16)}`;
      if (!expiring) {
        state.accessTokens.set(accessToken, { expiresAt: null, scopes: taken.data.scopes, expiring: false, used: false });
        return status(c.json({ access_token: accessToken, scope: taken.data.scopes.join(",") }));
      }
      return status(c.json(issueExpiring(accessToken, taken.data.scopes)));
    }
    if (p.grant_type !== "refresh_token") {
      return status(c.json({ error: "unsupported_grant_type", error_description: "The grant type is not supported." }, 400));
    }
    const old = state.refreshTokens.get(p.refresh_token ?? "");
    if (!old || old.revoked || now >= old.expiresAt) {
      return status(
        c.json({ error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." }, 400),
      );
    }
    return status(c.json(issueExpiring(`shpat_${randomHex(16)}`, [...scopesOf(state)], p.refresh_token)));
  });
  return app;
}

function scopesOf(state: ShopifySimState): string[] {
  for (const t of state.accessTokens.values()) if (t.expiring) return t.scopes;
  return [...state.accessTokens.values()][0]?.scopes ?? [];
}
