import type { Context } from "hono";
import { DEMO_KEY_JWK } from "./demo-key";
import {
  ACCESS_TOKEN_LIFE_SEC,
  PUBLIC_KEY_LIFE_MS,
  REFRESH_TOKEN_LIFE_MS,
  UNSIGNED_ORDER_SESSION_MS,
  type AccessGrant,
  type YahooSimState,
} from "./state";
import { bodyText, errorXml } from "./xml";
import { backTo, consentDecision, consentPage, isRedirectUri } from "../shared/oauth";
import { SELLER_ID } from "./state";

/**
 * GET /yconnect/v2/authorization: the Yahoo! JAPAN ID consent page (the ID logged in is the
 * store's 従業員 Business ID, so the grant is for the simulator's store). Its POST returns to
 * redirect_uri with code and state; a refusal with bail=1 returns error=access_denied.
 */
export function authorizePage(c: Context, state: YahooSimState) {
  const q = c.req.query();
  if (q.response_type !== "code" || !state.clients.has(q.client_id ?? "") || !isRedirectUri(q.redirect_uri)) {
    return c.json({ error: "invalid_request", error_description: "invalid client_id, redirect_uri or response_type" }, 400);
  }
  return consentPage(c, "Yahoo! JAPAN ID連携", `ストア ${SELLER_ID} のアプリ連携を許可しますか (scope: ${q.scope ?? "openid"})`);
}

export async function authorizeDecision(c: Context, state: YahooSimState) {
  const { fields, allowed } = await consentDecision(c);
  if (!state.clients.has(fields.client_id ?? "") || !isRedirectUri(fields.redirect_uri)) {
    return c.json({ error: "invalid_request", error_description: "invalid client_id or redirect_uri" }, 400);
  }
  const st = fields.state ? { state: fields.state } : {};
  if (!allowed) return backTo(c, fields.redirect_uri, { error: "access_denied", error_description: "user denied", ...st });
  return backTo(c, fields.redirect_uri, { code: state.codes.issue(fields.client_id, fields.redirect_uri, { sellerId: SELLER_ID }), ...st });
}

// Yahoo! ID連携 v2 token endpoint and the checks every store API makes: the Bearer token and,
// when sent, the 公開鍵認証 signature (RSA PKCS#1 v1.5 of "{sellerId}:{unixtime}").

function tokenError(c: Context, status: 400 | 401, error: string, description: string) {
  return c.json({ error, error_description: description }, status);
}

/** POST /yconnect/v2/token (authorization_code or refresh_token; client auth by Basic header or body). */
export async function tokenEndpoint(c: Context, state: YahooSimState) {
  const form = new URLSearchParams(await bodyText(c.req.raw));
  let clientId = form.get("client_id") ?? "";
  let clientSecret = form.get("client_secret") ?? "";
  const basic = /^Basic\s+(.+)$/i.exec(c.req.header("Authorization") ?? "");
  state.lastClientAuth = basic ? "basic" : "body";
  if (basic) {
    const decoded = atob(basic[1]);
    const i = decoded.indexOf(":");
    clientId = decoded.slice(0, i);
    clientSecret = decoded.slice(i + 1);
  }
  if (!clientId || state.clients.get(clientId) !== clientSecret) {
    return tokenError(c, 401, "invalid_client", "client authentication failed");
  }
  const now = state.now();
  if (form.get("grant_type") === "authorization_code") {
    const taken = state.codes.take(form.get("code") ?? "", clientId, form.get("redirect_uri") ?? "");
    if (!taken.ok) return tokenError(c, 400, "invalid_grant", taken.why === "expired" ? "authorization code expired" : "invalid authorization code");
    const refreshToken = state.newToken("sim-rt");
    state.refreshTokens.set(refreshToken, { clientId, sellerId: taken.data.sellerId, issuedAt: now, sessionStart: now });
    const accessToken = state.newToken("sim-at");
    state.accessTokens.set(accessToken, { sellerId: taken.data.sellerId, expiresAt: now + ACCESS_TOKEN_LIFE_SEC * 1000, sessionStart: now });
    return c.json({ access_token: accessToken, token_type: "Bearer", expires_in: ACCESS_TOKEN_LIFE_SEC, refresh_token: refreshToken });
  }
  if (form.get("grant_type") !== "refresh_token") {
    return tokenError(c, 400, "unsupported_grant_type", "grant_type is not supported");
  }
  const rt = form.get("refresh_token") ?? "";
  const grant = state.refreshTokens.get(rt);
  if (!grant || grant.clientId !== clientId) return tokenError(c, 400, "invalid_grant", "invalid refresh token");
  if (now - grant.issuedAt > REFRESH_TOKEN_LIFE_MS) return tokenError(c, 400, "invalid_grant", "refresh token expired");
  const accessToken = state.newToken("sim-at");
  state.accessTokens.set(accessToken, {
    sellerId: grant.sellerId,
    expiresAt: now + ACCESS_TOKEN_LIFE_SEC * 1000,
    sessionStart: grant.sessionStart,
  });
  const body: Record<string, unknown> = { access_token: accessToken, token_type: "Bearer", expires_in: ACCESS_TOKEN_LIFE_SEC };
  if (state.rotateRefreshTokens) {
    const next = state.newToken("sim-rt");
    state.refreshTokens.delete(rt);
    state.refreshTokens.set(next, { ...grant, issuedAt: now, sessionStart: now });
    body.refresh_token = next;
  }
  return c.json(body);
}

export type AuthOutcome = { ok: true; grant: AccessGrant } | { ok: false; res: Response };

function unauthorized(code: string | null, message: string, bearerError?: string): Response {
  const headers: Record<string, string> = { "Content-Type": "text/xml; charset=UTF-8" };
  if (bearerError) headers["WWW-Authenticate"] = `Bearer error="${bearerError}"`;
  return new Response(errorXml(code, message), { status: 401, headers });
}

/** Bearer token, then the signature (order APIs refuse an unsigned session older than 12 h). */
export function checkAuth(c: Context, state: YahooSimState, orderApi: boolean): AuthOutcome {
  const m = /^Bearer\s+(\S+)$/.exec(c.req.header("Authorization") ?? "");
  const grant = m ? state.accessTokens.get(m[1]) : undefined;
  const now = state.now();
  if (!grant) return { ok: false, res: unauthorized(null, "Invalid access token.", "invalid_token") };
  if (grant.expiresAt <= now) return { ok: false, res: unauthorized(null, "Access token has expired.", "invalid_token") };
  const sig = c.req.header("X-sws-signature");
  if (sig !== undefined) {
    if (!verifySignature(state, grant.sellerId, sig, c.req.header("X-sws-signature-version") ?? "")) {
      // [verify] the code Yahoo gives a bad signature; px-04102 is the documented public-key/session code.
      return { ok: false, res: unauthorized("px-04102", "Public key authentication failed.") };
    }
  } else if (orderApi && now - grant.sessionStart > UNSIGNED_ORDER_SESSION_MS) {
    return {
      ok: false,
      res: unauthorized("px-04102", "AccessToken has been expired. This API session is shorter than another API."),
    };
  }
  return { ok: true, grant };
}

function verifySignature(state: YahooSimState, sellerId: string, sigB64: string, version: string): boolean {
  const key = state.publicKey;
  if (version !== key.version || key.sellerId !== sellerId) return false;
  if (state.now() - key.issuedAt > PUBLIC_KEY_LIFE_MS) return false;
  const plain = rsaDecrypt(sigB64);
  const m = plain ? /^(.+):(\d+)$/.exec(plain) : null;
  if (!m || m[1] !== sellerId) return false;
  return Math.abs(Number(m[2]) - state.now() / 1000) <= 600;
}

function b64urlToBig(s: string): bigint {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  return BigInt("0x" + [...bin].map((ch) => ch.charCodeAt(0).toString(16).padStart(2, "0")).join(""));
}

const N = b64urlToBig(DEMO_KEY_JWK.n);
const D = b64urlToBig(DEMO_KEY_JWK.d);
const K = Math.ceil(N.toString(16).length / 2);

function powMod(b: bigint, e: bigint, m: bigint): bigint {
  let r = 1n;
  b %= m;
  while (e > 0n) {
    if (e & 1n) r = (r * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return r;
}

/** RSAES-PKCS1-v1_5 decryption with the simulator's private key; null when malformed. */
function rsaDecrypt(sigB64: string): string | null {
  let bin: string;
  try {
    bin = atob(sigB64);
  } catch {
    return null;
  }
  if (bin.length !== K) return null;
  const c = BigInt("0x" + [...bin].map((ch) => ch.charCodeAt(0).toString(16).padStart(2, "0")).join(""));
  const hex = powMod(c, D, N).toString(16).padStart(K * 2, "0");
  const em = Uint8Array.from({ length: K }, (_, i) => parseInt(hex.slice(i * 2, i * 2 + 2), 16));
  if (em[0] !== 0 || em[1] !== 2) return null;
  const sep = em.indexOf(0, 2);
  if (sep < 10) return null; // at least 8 bytes of non-zero padding
  return new TextDecoder().decode(em.slice(sep + 1));
}
