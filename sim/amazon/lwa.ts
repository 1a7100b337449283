import { Hono } from "hono";
import type { AmazonSimState } from "./state";

// Login with Amazon token endpoint (api.amazon.com/auth/o2/token): refresh_token grant only,
// RFC 6749 error bodies (invalid_client 401, invalid_grant 400, unsupported_grant_type 400).

export function lwaRoutes(state: AmazonSimState) {
  const app = new Hono();
  app.post("/auth/o2/token", async (c) => {
    const type = c.req.header("content-type") ?? "";
    if (!type.startsWith("application/x-www-form-urlencoded")) {
      return c.json({ error: "invalid_request", error_description: "Content-Type must be application/x-www-form-urlencoded" }, 400);
    }
    const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
    const grant = form.get("grant_type");
    if (grant !== "refresh_token" && grant !== "client_credentials") {
      return c.json({ error: "unsupported_grant_type", error_description: "The authorization grant type is not supported" }, 400);
    }
    if (form.get("client_id") !== state.clientId || form.get("client_secret") !== state.clientSecret) {
      return c.json({ error: "invalid_client", error_description: "Client authentication failed" }, 401);
    }
    if (state.clientSecretExpiresAt !== null && state.now() >= state.clientSecretExpiresAt) {
      return c.json({ error: "invalid_client", error_description: "The client secret has expired" }, 401);
    }
    if (grant === "client_credentials") {
      return c.json({ error: "invalid_scope", error_description: "Grantless operations are not simulated" }, 400);
    }
    if (form.get("refresh_token") !== state.refreshToken) {
      return c.json({ error: "invalid_grant", error_description: "The request has an invalid grant parameter : refresh_token" }, 400);
    }
    const { token, expiresIn } = state.issueToken();
    if (state.rotateRefreshTokens) state.refreshToken = `Atzr|IwEBISim${crypto.randomUUID().replaceAll("-", "")}`;
    return c.json({ access_token: token, refresh_token: state.refreshToken, token_type: "bearer", expires_in: expiresIn });
  });
  return app;
}
