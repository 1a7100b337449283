import { z } from "zod";

// What the merchant enters for an au PAY マーケット shop (MALLS-MORE.md §1). There is no OAuth:
// the merchant issues an API key in Wow!manager (各種お申し込み → API利用申請 → APIキーの発行),
// registers the source IP on the same screen, and pastes the key here. The key lapses 90 days
// after issue and must be issued again; Kura knows when only from the issue date entered with it.

export const DAY_MS = 86_400_000;
/** "発行から90日で失効" (MALLS-MORE.md §1). */
export const API_KEY_LIFE_MS = 90 * DAY_MS;

export const aupayCredentialsSchema = z.object({
  /** 店舗ID: numeric, at most 18 digits; sent with every call. */
  shopId: z
    .string()
    .trim()
    .regex(/^\d{1,18}$/, "店舗IDは18桁以内の数字です")
    .describe("店舗ID (numeric, at most 18 digits), shown in Wow!manager"),
  /** The API key (アプリケーションキー), sent as `Authorization: Bearer <key>`. */
  apiKey: z
    .string()
    .trim()
    .min(1)
    .max(512)
    .describe("APIキー issued in Wow!manager → 各種お申し込み → API利用申請 → APIキーの発行; valid 90 days from issue"),
  /** When the key was issued (epoch ms): the key lapses 90 days later and Kura warns ahead. */
  apiKeyIssuedAt: z
    .number()
    .int()
    .nonnegative()
    .describe("The day the API key was issued (epoch ms); it expires 90 days later and Kura warns before then"),
});

export type AupayCredentials = z.infer<typeof aupayCredentialsSchema>;

/** Epoch ms when the key lapses. */
export function apiKeyExpiresAt(c: Pick<AupayCredentials, "apiKeyIssuedAt">): number {
  return c.apiKeyIssuedAt + API_KEY_LIFE_MS;
}
