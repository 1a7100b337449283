import { z } from "@hono/zod-openapi";
import { adapters, MALL_KINDS } from "../malls/registry";
import { MAIL_CART_LABELS, MAIL_KINDS } from "../malls/mail-cart";
import type { ApiMallKind, MailCartKind, MallKind } from "../malls/types";
import { code, count, name, nonEmpty } from "./api";

// Shops and listings. Each mall's credentials are the adapter's own zod schema (the one that
// parses them before they are sealed), named and described here for the OpenAPI document.

const CREDENTIALS: Record<MallKind, { id: string; description: string }> = {
  rakuten: {
    id: "RakutenCredentials",
    description: "楽天市場 RMS WEB APIサービス: serviceSecret and licenseKey, issued in RMS → 店舗様向け情報・サービス → WEB APIサービス.",
  },
  yahoo: {
    id: "YahooCredentials",
    description:
      "Yahoo!ショッピング ストアAPI: the store account, the Client ID and シークレット of the store's application, a refresh token from Yahoo! ID連携, and optionally the 公開鍵認証 key from ストアクリエイターPro.",
  },
  amazon: {
    id: "AmazonCredentials",
    description: "Amazon.co.jp Selling Partner API: the 出品者ID and the LWA credentials and refresh token of the SP-API app the seller authorised.",
  },
  shopify: {
    id: "ShopifyCredentials",
    description: "Shopify Admin API: the shop's myshopify.com domain and the custom app's Admin API access token (public apps also give their refresh token and client credentials).",
  },
  base: {
    id: "BaseCredentials",
    description: "BASE API: the app's client_id, client_secret and コールバックURL from BASE Developers, and the refresh token of the shop's authorisation.",
  },
  aupay: {
    id: "AupayCredentials",
    description:
      "au PAY マーケット Wow!manager API: the 店舗ID, the APIキー issued in Wow!manager (API利用申請) and the day it was issued (the key lapses 90 days later). au PAY answers only registered source IPs: give a fixed-IP relay as baseUrl.",
  },
  colorme: {
    id: "ColormeCredentials",
    description:
      "カラーミーショップ API: the OAuth access token of the shop's authorisation (scopes read_products, write_products, read_sales). It does not expire; a merchant who revokes the app stops the shop.",
  },
  ...(Object.fromEntries(
    MAIL_KINDS.map((k) => [
      k,
      {
        id: `${k[0].toUpperCase()}${k.slice(1)}Credentials`,
        description: `${MAIL_CART_LABELS[k]}: none. Its orders come in by e-mail (forward the cart's order mail to the account's inboundEmail); send {} or leave credentials out.`,
      },
    ]),
  ) as Record<MailCartKind, { id: string; description: string }>),
};

/** Per mall kind: the adapter's credentials schema as a named, write-only component. */
export const credentialsSchemas = Object.fromEntries(
  MALL_KINDS.map((kind) => [kind, adapters[kind].credentialsSchema.meta({ ...CREDENTIALS[kind], writeOnly: true })]),
) as Record<MallKind, z.ZodType>;

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/;
export const baseUrl = z
  .url()
  .max(300)
  .refine((u) => u.startsWith("https://") || LOOPBACK.test(u), "must be https:// (http:// only for a simulator on loopback)")
  .transform((u) => u.replace(/\/+$/, ""))
  .describe("The mall's API base URL; omit for the real endpoint (a sandbox, a simulator or a fixed-IP proxy otherwise)");

export const mallKind = z.enum(MALL_KINDS as [MallKind, ...MallKind[]]);

// Each editable setting once, without defaults: create adds its defaults; PATCH leaves an
// unsent field as it is (zod's .partial() would keep a .default() and reset it).
const shopFields = {
  name: name(100),
  importEnabled: z.boolean().describe("取込み"),
  updateEnabled: z.boolean().describe("モール更新"),
  cancelPolicy: z.enum(["restore", "ignore"]).describe("キャンセル時: 自動で在庫を戻す / 戻さない"),
  driftPolicy: z
    .enum(["report", "fix", "accept"])
    .describe("モール側で在庫数が変わっていた時 (drift): report 通知のみ / fix 自動修正 (Kura の在庫数を再送) / accept 取り込む (差分を在庫調整として記録)"),
  ratio: z.number().int().min(0).max(100).nullable().describe("在庫比率 override for this shop"),
  salesLimit: count().nullable().describe("販売制限 override for this shop"),
};

const createShopOf = <K extends ApiMallKind>(kind: K) =>
  z.object({
    kind: z.literal(kind),
    name: shopFields.name,
    credentials: credentialsSchemas[kind],
    baseUrl: baseUrl.optional(),
    importEnabled: shopFields.importEnabled.default(true),
    updateEnabled: shopFields.updateEnabled.default(true),
    cancelPolicy: shopFields.cancelPolicy.default("restore"),
    driftPolicy: shopFields.driftPolicy.default("report"),
    ratio: shopFields.ratio.optional(),
    salesLimit: shopFields.salesLimit.optional(),
  });

// A cart taken in by e-mail: kind and name are all it needs. It takes no updates (there is no API
// to send them to), so モール更新 and a base URL are not offered.
const createMailShopOf = <K extends MailCartKind>(kind: K) =>
  z.object({
    kind: z.literal(kind),
    name: shopFields.name,
    credentials: credentialsSchemas[kind].optional(),
    importEnabled: shopFields.importEnabled.default(true),
    cancelPolicy: shopFields.cancelPolicy.default("restore"),
    ratio: shopFields.ratio.optional(),
    salesLimit: shopFields.salesLimit.optional(),
  });

/** One member per mall kind, keyed by `kind`: the credentials are validated by that mall's schema. */
export const createShopBody = z
  .discriminatedUnion(
    "kind",
    [
      createShopOf("rakuten"), createShopOf("yahoo"), createShopOf("amazon"), createShopOf("shopify"), createShopOf("base"), createShopOf("aupay"), createShopOf("colorme"),
      createMailShopOf("superdelivery"), createMailShopOf("shoplist"), createMailShopOf("futureshop"), createMailShopOf("ponparemall"),
      createMailShopOf("qoo10"), createMailShopOf("kinarino"), createMailShopOf("bcart"),
    ],
    { error: `must be one of ${MALL_KINDS.join(", ")}` },
  )
  .openapi("CreateShop");

export const patchShopBody = nonEmpty(
  z
    .object({
      ...shopFields,
      baseUrl: baseUrl.nullable(),
      // Which schema applies depends on the shop's kind, known only once the shop is read: the
      // route parses them with it. The document lists the kinds' schemas.
      credentials: z.record(z.string(), z.unknown()).openapi({
        description: "Replaces the credentials; validated by the schema of the shop's kind, stored encrypted, never returned",
        anyOf: MALL_KINDS.map((k) => ({ $ref: `#/components/schemas/${CREDENTIALS[k].id}` })),
        writeOnly: true,
      }),
    })
    .partial(),
).openapi("PatchShop");

export const listingBody = nonEmpty(
  z
    .object({
      managed: z.boolean().describe("管理 対象 / 対象外"),
      mallCode: code(200)
        .nullable()
        .describe("別品番紐づけ, kept exactly as sent; null = the mall's default rule"),
      manualFigure: count().nullable().describe("Figure sent when the product's 連動 is 手動"),
    })
    .partial(),
).describe("Fields left out keep their value (a new listing starts 対象, unmapped, without a manual figure)");

export const shopStockQuery = z.object({
  codes: z
    .string()
    .min(1)
    .max(4000)
    .transform((s) => [...new Set(s.split(",").map((c) => c.trim()).filter(Boolean))])
    .refine((a) => a.length >= 1 && a.length <= 100, "1–100 master codes, comma-separated"),
});

export const pushQuery = z.object({ all: z.enum(["true", "false"]).optional().describe("true: every 対象 listing, not only changed figures") });
