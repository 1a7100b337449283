import { timingSafeEqual, toHex } from "../lib/crypto";
import { ConnectError, type ConnectFlow, num, postToken } from "./types";

// Shopify, non-embedded app, authorization code grant (MALLS-MORE §4): authorize on the shop's
// own admin with comma-separated scopes and the state; the callback is signed (hmac over the other
// query parameters with the app's client secret) and names the shop; the code is traded with
// expiring=1 for an offline access token (1 h) and a rotating refresh token, which the adapter
// renews (src/malls/shopify/auth.ts). [verify] that the code-grant POST takes `expiring` (the SDK
// sends it on token exchange); should Shopify answer a non-expiring token instead, it is stored
// as such (no expiry, no refresh token) and works as a custom app's does.

/** write_inventory implies read_inventory; read_locations finds the location that ships. */
export const SHOPIFY_SCOPES = ["read_products", "write_inventory", "read_orders", "read_locations"];
/** How far the callback's timestamp may be from our clock (the Shopify library's choice). */
const CLOCK_SKEW_SEC = 90;
const SHOP_DOMAIN = /^[a-zA-Z0-9][a-zA-Z0-9-_]*\.myshopify\.com$/;

export function parseShopDomain(input: string): string | null {
  let v = input.trim().toLowerCase().replace(/^https?:\/\//, "").replace(/\/.*$/, "");
  if (v && !v.includes(".")) v = `${v}.myshopify.com`;
  return SHOP_DOMAIN.test(v) ? v : null;
}

async function hmacHex(secret: string, message: string): Promise<string> {
  const enc = new TextEncoder();
  const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(await crypto.subtle.sign("HMAC", key, enc.encode(message)));
}

/** Every parameter but hmac/signature, sorted by key, as `k=v` joined with `&` (form-encoded). */
export function signedMessage(query: Record<string, string>): string {
  const p = new URLSearchParams();
  for (const k of Object.keys(query).filter((k) => k !== "hmac" && k !== "signature").sort()) p.append(k, query[k]);
  return p.toString();
}

const fill = (url: string, shop: string) => url.replace("{shopDomain}", shop);

export const shopifyConnect: ConnectFlow = {
  kind: "shopify",
  codeParam: "code",
  app(env) {
    if (!env.SHOPIFY_APP_CLIENT_ID || !env.SHOPIFY_APP_CLIENT_SECRET) return null;
    const base = env.SHOPIFY_OAUTH_URL.replace(/\/+$/, "");
    return { clientId: env.SHOPIFY_APP_CLIENT_ID, clientSecret: env.SHOPIFY_APP_CLIENT_SECRET, authorizeUrl: `${base}/authorize`, tokenUrl: `${base}/access_token` };
  },
  extra: { field: "shopDomain", parse: parseShopDomain, error: "connect.err.shopDomain" },
  authorizeUrl(app, p) {
    const q = new URLSearchParams({ client_id: app.clientId, scope: SHOPIFY_SCOPES.join(","), redirect_uri: p.redirectUri, state: p.state });
    return `${fill(app.authorizeUrl, p.extra!)}?${q}`;
  },
  async verify(app, query, p) {
    const given = query.hmac ?? "";
    const expected = await hmacHex(app.clientSecret, signedMessage(query));
    if (!(await timingSafeEqual(given.toLowerCase(), expected))) throw new ConnectError("connect.err.hmac");
    const ts = num(query.timestamp);
    if (ts === undefined || Math.abs(p.now / 1000 - ts) > CLOCK_SKEW_SEC) throw new ConnectError("connect.err.stale");
    // The shop that consented must be the one the merchant named when starting.
    if (!query.shop || parseShopDomain(query.shop) !== query.shop.toLowerCase() || query.shop.toLowerCase() !== p.extra) {
      throw new ConnectError("connect.err.shopDomain");
    }
  },
  async exchange(app, query, p) {
    const shop = p.extra!;
    const t = await postToken(
      fill(app.tokenUrl, shop),
      {
        method: "POST",
        headers: { "content-type": "application/json", accept: "application/json" },
        body: JSON.stringify({ client_id: app.clientId, client_secret: app.clientSecret, code: query.code, expiring: 1 }),
      },
      "Shopify",
    );
    const expiresIn = num(t.expires_in);
    const refreshIn = num(t.refresh_token_expires_in);
    // Every token key is set, absent ones as null/undefined: on 再連携 nothing of an earlier
    // token (a custom app's, say) may survive beside the new one.
    return {
      shopDomain: shop,
      accessToken: t.access_token,
      accessTokenExpiresAt: expiresIn !== undefined ? p.now + expiresIn * 1000 : null,
      refreshToken: typeof t.refresh_token === "string" ? t.refresh_token : undefined,
      refreshTokenExpiresAt: refreshIn !== undefined ? p.now + refreshIn * 1000 : null,
      clientId: app.clientId,
      clientSecret: app.clientSecret,
    };
  },
};
