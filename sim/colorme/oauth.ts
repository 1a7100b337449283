import { Hono, type Context } from "hono";
import { html } from "hono/html";
import { ALL_SCOPES, type ColormeSimState } from "./state";

// カラーミーの OAuth (colormeshop-ruby README): GET /oauth/authorize?client_id&response_type=code
// &scope=<space-separated>&redirect_uri shows the shop owner a consent page; allowing sends the
// browser to redirect_uri?code=… (refusing: ?error=access_denied). `state` is not documented; it
// is passed back when given [verify]. POST /oauth/token (form: client_id, client_secret, code,
// grant_type=authorization_code, redirect_uri) answers {access_token, token_type:"bearer",
// scope}. A code lives 10 minutes and works once; the token never expires and has no refresh.
// Errors are the OAuth 2 form {error, error_description} [verify: wording].

const oauthError = (c: Context, status: 400 | 401, error: string, error_description: string) => c.json({ error, error_description }, status);

export function oauthRoutes(state: ColormeSimState): Hono {
  const app = new Hono();

  app.get("/oauth/authorize", (c) => {
    const q = c.req.query();
    const bad = checkClient(state, q.client_id, q.redirect_uri);
    if (bad) return c.html(html`<!doctype html><p>${bad}</p>`, 400);
    if (q.response_type !== "code") return redirect(c, q.redirect_uri!, { error: "unsupported_response_type", state: q.state });
    const scopes = scopesOf(q.scope);
    if (!scopes) return redirect(c, q.redirect_uri!, { error: "invalid_scope", state: q.state });
    return c.html(html`<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>アプリの連携 - カラーミーショップ (simulator)</title></head>
<body>
  <h1>Kura (simulator) がショップへのアクセスを求めています</h1>
  <ul>${scopes.map((s) => html`<li>${s}</li>`)}</ul>
  <form method="post" action="authorize">
    <input type="hidden" name="client_id" value="${q.client_id}">
    <input type="hidden" name="redirect_uri" value="${q.redirect_uri}">
    <input type="hidden" name="scope" value="${scopes.join(" ")}">
    <input type="hidden" name="state" value="${q.state ?? ""}">
    <button name="decision" value="allow">許可する</button>
    <button name="decision" value="deny">許可しない</button>
  </form>
</body></html>`);
  });

  app.post("/oauth/authorize", async (c) => {
    const f = await form(c);
    const bad = checkClient(state, f.client_id, f.redirect_uri);
    if (bad) return c.html(html`<!doctype html><p>${bad}</p>`, 400);
    const scopes = scopesOf(f.scope);
    if (f.decision !== "allow" || !scopes) return redirect(c, f.redirect_uri!, { error: "access_denied", state: f.state || undefined });
    return redirect(c, f.redirect_uri!, { code: state.issueCode(scopes, f.redirect_uri!), state: f.state || undefined });
  });

  app.post("/oauth/token", async (c) => {
    const f = await form(c);
    if (f.client_id !== state.client.client_id || f.client_secret !== state.client.client_secret)
      return oauthError(c, 401, "invalid_client", "クライアント認証に失敗しました");
    if (f.grant_type !== "authorization_code") return oauthError(c, 400, "unsupported_grant_type", "grant_type は authorization_code のみ使えます");
    const code = f.code ? state.codes.get(f.code) : undefined;
    if (!code || code.used || code.exp <= state.nowSec() || code.redirect_uri !== f.redirect_uri)
      return oauthError(c, 400, "invalid_grant", "認可コードが無効です(期限切れ・使用済み・redirect_uri の不一致)");
    code.used = true;
    return c.json({ access_token: state.issueToken(code.scopes), token_type: "bearer", scope: code.scopes.join(" ") });
  });

  return app;
}

function checkClient(state: ColormeSimState, clientId: string | undefined, redirectUri: string | undefined): string | null {
  if (clientId !== state.client.client_id) return "クライアントが見つかりません (client_id)";
  if (redirectUri !== state.client.redirect_uri) return "redirect_uri がアプリに登録されたものと一致しません";
  return null;
}

/** Space-separated scopes, each one カラーミー knows; null when one is unknown or none is given. */
function scopesOf(s: string | undefined): string[] | null {
  const list = (s ?? "").split(/\s+/).filter(Boolean);
  return list.length && list.every((x) => ALL_SCOPES.includes(x)) ? list : null;
}

function redirect(c: Context, uri: string, params: Record<string, string | undefined>) {
  const u = new URL(uri);
  for (const [k, v] of Object.entries(params)) if (v !== undefined) u.searchParams.set(k, v);
  return c.redirect(u.toString(), 302);
}

async function form(c: Context): Promise<Record<string, string | undefined>> {
  const body = await c.req.parseBody().catch(() => ({}));
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}
