import { z } from "zod";

/** Japan (Amazon.co.jp) on the Far East endpoint. */
export const JP_MARKETPLACE_ID = "A1VC38T7YXB528";

/**
 * What the merchant enters for an Amazon shop (an SP-API private/public app authorised by the
 * seller), plus the LWA access token the adapter rotates itself.
 */
export const amazonCredentialsSchema = z.object({
  /** 出品者ID (merchant token), e.g. A1B2C3D4E5F6G7 — the {sellerId} of the Listings API. */
  sellerId: z.string().trim().min(1).max(64).describe("出品者ID (merchant token): セラーセントラル → 設定 → 出品用アカウント情報 → 出品者トークン"),
  /** LWA client identifier of the SP-API application (amzn1.application-oa2-client.…). */
  clientId: z.string().trim().min(1).describe("LWA client identifier of the SP-API app (amzn1.application-oa2-client.…): Solution Provider Portal / セラーセントラル → アプリの開発 → the app → LWA認証情報"),
  /** LWA client secret; Amazon forces a rotation every 180 days. */
  clientSecret: z.string().trim().min(1).describe("LWA client secret, beside the client identifier. Amazon forces a new one every 180 days: PATCH the shop with it"),
  /** Long-lived LWA refresh token from the seller's authorisation (Atzr|…). */
  refreshToken: z.string().trim().min(1).describe("Refresh token (Atzr|…) shown when the seller authorises the app: アプリの開発 → the app → 編集 → 承認 → アプリを承認"),
  marketplaceId: z.string().default(JP_MARKETPLACE_ID).describe("Amazon.co.jp unless told otherwise"),
  /**
   * When the client secret expires (epoch ms), as shown in the Solution Provider Portal. Amazon
   * exposes it through no API callable with seller credentials, so the merchant may enter it;
   * testConnection reports it as `expiresAt`.
   */
  clientSecretExpiresAt: z.number().int().positive().optional().describe("When the client secret expires (epoch ms), as the Solution Provider Portal shows it; optional"),
  /**
   * When the seller authorized the app through 連携する (epoch ms). Public apps must be
   * re-authorized every 365 days; testConnection reports that date as the expiry.
   */
  authorizedAt: z.number().int().positive().optional().describe("Kept by Kura (set by 連携する); leave it out"),
  /** Rotated by the adapter: the current LWA access token (Atza|…) and its expiry (epoch ms). */
  accessToken: z.string().optional().describe("Kept by Kura; leave it out"),
  accessTokenExpiresAt: z.number().int().optional().describe("Kept by Kura; leave it out"),
});

export type AmazonCredentials = z.infer<typeof amazonCredentialsSchema>;

/** "Public apps need to be re-authorized every 365 days" (MALLS-MORE §4). */
export const REAUTHORIZE_AFTER_MS = 365 * 86_400_000;

/** The earliest date the merchant must act on: the client secret's rotation or the re-authorization. */
export function amazonExpiry(c: AmazonCredentials): number | undefined {
  const all = [c.clientSecretExpiresAt, c.authorizedAt !== undefined ? c.authorizedAt + REAUTHORIZE_AFTER_MS : undefined].filter((x): x is number => x !== undefined);
  return all.length ? Math.min(...all) : undefined;
}
