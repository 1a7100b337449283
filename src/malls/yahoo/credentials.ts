import { z } from "zod";

// What the merchant enters for a Yahoo!ショッピング store, plus the token state the adapter
// rotates. The refresh token comes from the Yahoo! ID連携 v2 authorization (code flow) that
// Kura's connect screen runs; this adapter only refreshes from it.

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;

/** Refresh-token life (MALLS.md §4): 28 days with 公開鍵認証, 12 h for order APIs without it. */
export const REFRESH_LIFE_WITH_KEY_MS = 28 * DAY_MS;
export const REFRESH_LIFE_WITHOUT_KEY_MS = 12 * HOUR_MS;
/** A store's public key is valid for one year from issue. */
export const PUBLIC_KEY_LIFE_MS = 365 * DAY_MS;

const code = z.string().trim().min(1);

export const yahooCredentialsSchema = z.object({
  /** ストアアカウント (seller_id), e.g. "my-store". */
  sellerId: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, "ストアアカウントの形式が正しくありません")
    .describe("ストアアカウント (seller_id), e.g. my-store: shown in ストアクリエイターPro"),
  /** Client ID (アプリケーションID) of the application registered for the store APIs. */
  clientId: code.describe("Client ID of the Yahoo!ショッピング application registered for the store at Yahoo!デベロッパーネットワーク (アプリケーションの管理)"),
  /** シークレット of that application. */
  clientSecret: code.describe("シークレット of that application, beside its Client ID"),
  /** Refresh token from the Yahoo! ID連携 authorization. */
  refreshToken: code.describe("Refresh token from the store's Yahoo! ID連携 v2 authorisation; lives 12 h for the order APIs without 公開鍵認証, 28 days with it"),
  /** When the refresh token was issued (epoch ms); drives the expiry shown to the merchant. */
  refreshTokenIssuedAt: z.number().int().nonnegative().optional().describe("When the refresh token was issued (epoch ms); drives the expiry Kura shows"),
  /** Rotated by the adapter: current access token (1 h) and its expiry (epoch ms). */
  accessToken: z.string().min(1).optional().describe("Kept by Kura; leave it out"),
  accessTokenExpiresAt: z.number().int().nonnegative().optional().describe("Kept by Kura; leave it out"),
  /** 公開鍵認証: the store's public key (PEM "BEGIN PUBLIC KEY", or its bare base64). */
  publicKey: z.string().trim().min(1).optional().describe("公開鍵認証 (optional): the public key issued in ストアクリエイターPro → 設定 → 暗号鍵管理 (PEM or bare base64); valid one year"),
  /** Key version shown next to the key in ストアクリエイターPro (設定 → 暗号鍵管理). */
  publicKeyVersion: z.string().trim().regex(/^\d{1,9}$/).optional().describe("The key version shown next to the key in 暗号鍵管理; required with publicKey"),
  /** When the key was issued (epoch ms); keys are valid one year. */
  publicKeyIssuedAt: z.number().int().nonnegative().optional().describe("When the key was issued (epoch ms)"),
}).refine((c) => !c.publicKey === !c.publicKeyVersion, {
  message: "公開鍵と鍵バージョンは両方とも入力してください",
  path: ["publicKeyVersion"],
});

export type YahooCredentials = z.infer<typeof yahooCredentialsSchema>;

export function hasPublicKey(c: YahooCredentials): boolean {
  return Boolean(c.publicKey && c.publicKeyVersion);
}

/** Epoch ms when the refresh token lapses (a human must re-authorize), if known. */
export function refreshTokenExpiresAt(c: YahooCredentials): number | undefined {
  if (c.refreshTokenIssuedAt === undefined) return undefined;
  return c.refreshTokenIssuedAt + (hasPublicKey(c) ? REFRESH_LIFE_WITH_KEY_MS : REFRESH_LIFE_WITHOUT_KEY_MS);
}

/** The earliest expiry among the credentials whose life is known. */
export function earliestExpiry(c: YahooCredentials): number | undefined {
  const all = [
    refreshTokenExpiresAt(c),
    c.publicKeyIssuedAt !== undefined && hasPublicKey(c) ? c.publicKeyIssuedAt + PUBLIC_KEY_LIFE_MS : undefined,
  ].filter((x): x is number => x !== undefined);
  return all.length ? Math.min(...all) : undefined;
}
