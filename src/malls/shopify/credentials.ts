import { z } from "zod";

// What the merchant enters for a Shopify shop, plus the token state the adapter rotates.
// - Custom / merchant-created apps: shopDomain + a non-expiring accessToken (shpat_…).
// - Public apps (expiring offline tokens, MALLS.md §1 Auth): accessToken + accessTokenExpiresAt
//   + refreshToken + clientId + clientSecret. The refresh token is rotated on every use, so the
//   adapter saves the whole object back through ctx.saveCredentials before using a new token.
// - clientSecret also signs webhooks (X-Shopify-Hmac-Sha256).
// - locationId: optional; without it the adapter picks the shop's active location that ships
//   inventory (Location.isPrimary is deprecated in 2026-07: "shipsInventory can be used to get a
//   fallback location").
export const shopifyCredentialsSchema = z.object({
  shopDomain: z
    .string()
    .trim()
    .toLowerCase()
    .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/, "ショップドメインは xxx.myshopify.com の形式です")
    .describe("The shop's xxx.myshopify.com domain (設定 → ドメイン), not its custom domain"),
  accessToken: z
    .string()
    .trim()
    .min(1)
    .describe("The custom app's Admin API access token (shpat_…), shown once in the app's API credentials in the Shopify admin; scopes read_products, read_inventory, write_inventory, read_orders, read_locations"),
  /** Epoch ms; null/absent = a non-expiring offline token. */
  accessTokenExpiresAt: z.number().int().nullable().optional().describe("Public apps only (expiring offline token, epoch ms); leave out for a custom app's token"),
  refreshToken: z.string().trim().min(1).optional().describe("Public apps only: the refresh token; Kura rotates it"),
  /** Epoch ms (Shopify: 90 days, renewed by every refresh). */
  refreshTokenExpiresAt: z.number().int().nullable().optional().describe("Public apps only (epoch ms); Kura keeps it up to date"),
  clientId: z.string().trim().min(1).optional().describe("The app's Client ID (public apps, to refresh tokens)"),
  clientSecret: z.string().trim().min(1).optional().describe("The app's Client secret: refreshes tokens and verifies webhooks"),
  locationId: z
    .string()
    .trim()
    .regex(/^(gid:\/\/shopify\/Location\/)?\d+$/, "ロケーション ID は数字または gid://shopify/Location/… です")
    .optional()
    .describe("Optional: the location whose stock Kura sets (設定 → ロケーション → the number in its URL); default: the active location that ships inventory"),
});

export type ShopifyCredentials = z.infer<typeof shopifyCredentialsSchema>;

export function canRefresh(c: ShopifyCredentials): boolean {
  return Boolean(c.refreshToken && c.clientId && c.clientSecret);
}

export function configuredLocationGid(c: ShopifyCredentials): string | undefined {
  if (!c.locationId) return undefined;
  return c.locationId.startsWith("gid://") ? c.locationId : `gid://shopify/Location/${c.locationId}`;
}

/**
 * The expiry a merchant has to act on: with a refresh token the access token renews itself hourly,
 * so the refresh token's lifetime is what matters; otherwise the access token's own expiry.
 */
export function reportedExpiry(c: ShopifyCredentials): number | undefined {
  if (canRefresh(c)) return c.refreshTokenExpiresAt ?? undefined;
  return c.accessTokenExpiresAt ?? undefined;
}
