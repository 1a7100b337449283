import { Hono } from "hono";
import { SIM_APP, randomHex, type ShopifySimState } from "./state";

// POST /admin/oauth/access_token — the refresh_token grant of expiring offline tokens: 1 h access
// token, 90-day refresh token, refresh token rotated on every use; the previous refresh token stays
// usable until the new access token is first used (changelog 2026-08-28). Issuing a new expiring
// token revokes the shop's earlier expiring access tokens (one active per app and shop).

const ACCESS_TTL_SEC = 3600;
const REFRESH_TTL_SEC = 90 * 86400;

export function oauthRoutes(state: ShopifySimState): Hono {
  const app = new Hono();
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
    if (p.grant_type !== "refresh_token") {
      return status(c.json({ error: "unsupported_grant_type", error_description: "Only refresh_token is simulated." }, 400));
    }
    const now = state.now();
    const old = state.refreshTokens.get(p.refresh_token ?? "");
    if (!old || old.revoked || now >= old.expiresAt) {
      return status(
        c.json({ error: "invalid_grant", error_description: "The refresh token is invalid, expired or revoked." }, 400),
      );
    }
    const accessToken = `shpat_${randomHex(16)}`;
    const refreshToken = `shprt_${randomHex(16)}`;
    for (const t of state.accessTokens.values()) if (t.expiring) t.expiresAt = Math.min(t.expiresAt ?? now, now);
    state.accessTokens.set(accessToken, {
      expiresAt: now + ACCESS_TTL_SEC * 1000,
      scopes: [...scopesOf(state)],
      expiring: true,
      used: false,
      replaces: p.refresh_token,
    });
    state.refreshTokens.set(refreshToken, { expiresAt: now + REFRESH_TTL_SEC * 1000, revoked: false });
    return status(
      c.json({
        access_token: accessToken,
        expires_in: ACCESS_TTL_SEC,
        refresh_token: refreshToken,
        refresh_token_expires_in: REFRESH_TTL_SEC,
        scope: [...scopesOf(state)].join(","),
      }),
    );
  });
  return app;
}

function scopesOf(state: ShopifySimState): string[] {
  for (const t of state.accessTokens.values()) if (t.expiring) return t.scopes;
  return [...state.accessTokens.values()][0]?.scopes ?? [];
}
