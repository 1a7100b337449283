import { MallError, type MallContext } from "../types";
import { canRefresh, type ShopifyCredentials } from "./credentials";
import { httpStatusError, parseJson, send } from "./http";
import { oauthErrorSchema, tokenResponseSchema } from "./schemas";

/** Refresh this long before the access token's stated expiry. */
export const REFRESH_MARGIN_MS = 2 * 60_000;

export const DEFAULT_BASE_URL = "https://{shopDomain}";

/**
 * The shop's origin. Shopify's OAuth token endpoint lives on the shop's own host
 * (https://{shop}.myshopify.com/admin/oauth/access_token), so unlike the other malls there is no
 * second host: both the GraphQL and the token endpoint are `base + path`, for the real shop and
 * for a simulator base such as http://127.0.0.1:8790/shopify alike.
 */
export function shopBase(baseUrl: string, c: ShopifyCredentials): string {
  return baseUrl.replace("{shopDomain}", c.shopDomain).replace(/\/+$/, "");
}

export function needsRefresh(c: ShopifyCredentials, now: number): boolean {
  return canRefresh(c) && c.accessTokenExpiresAt != null && now >= c.accessTokenExpiresAt - REFRESH_MARGIN_MS;
}

export function isExpired(c: ShopifyCredentials, now: number): boolean {
  return c.accessTokenExpiresAt != null && now >= c.accessTokenExpiresAt;
}

/**
 * Exchanges the refresh token for a new offline access token. The refresh token rotates on every
 * use, so the new credentials are persisted through ctx.saveCredentials BEFORE anything uses them.
 */
export async function refreshCredentials(
  ctx: MallContext<ShopifyCredentials>,
  c: ShopifyCredentials,
): Promise<ShopifyCredentials> {
  const now = ctx.now?.() ?? Date.now();
  if (!canRefresh(c)) {
    throw new MallError("auth", "Shopify: アクセストークンの有効期限切れです。再認証してください", {
      code: "TOKEN_EXPIRED",
    });
  }
  const body = new URLSearchParams({
    client_id: c.clientId!,
    client_secret: c.clientSecret!,
    grant_type: "refresh_token",
    refresh_token: c.refreshToken!,
  });
  const res = await send(ctx, shopBase(ctx.baseUrl, c) + "/admin/oauth/access_token", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
    body: body.toString(),
  });
  if (res.status === 200) {
    const parsed = tokenResponseSchema.safeParse(parseJson(res.text));
    if (!parsed.success) throw new MallError("transient", "Shopify: トークン応答の形式が不正です", { status: 200 });
    const t = parsed.data;
    const next: ShopifyCredentials = {
      ...c,
      accessToken: t.access_token,
      accessTokenExpiresAt: t.expires_in != null ? now + t.expires_in * 1000 : null,
      refreshToken: t.refresh_token ?? c.refreshToken,
      refreshTokenExpiresAt:
        t.refresh_token_expires_in != null ? now + t.refresh_token_expires_in * 1000 : c.refreshTokenExpiresAt,
    };
    await ctx.saveCredentials(next);
    return next;
  }
  const oauth = oauthErrorSchema.safeParse(parseJson(res.text));
  if (oauth.success && (res.status === 400 || res.status === 401)) {
    const code = oauth.data.error;
    const reason =
      code === "invalid_grant"
        ? "リフレッシュトークンが無効または期限切れです。Shopify で再認証してください"
        : code === "invalid_client"
          ? "クライアント ID またはクライアントシークレットが正しくありません"
          : `トークン更新が拒否されました (${code})`;
    throw new MallError("auth", `Shopify: ${reason}`, { status: res.status, code });
  }
  throw (
    httpStatusError(res.status, res.headers, now) ??
    new MallError("auth", `Shopify: トークン更新に失敗しました (${res.status})`, { status: res.status })
  );
}
