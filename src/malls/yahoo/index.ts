import { MallError, type ConnectionTestResult, type MallAdapter, type MallContext } from "../types";
import { DEFAULT_BASE_URL, YahooSession } from "./client";
import { earliestExpiry, hasPublicKey, yahooCredentialsSchema, type YahooCredentials } from "./credentials";
import { fetchOrders } from "./orders";
import { orderCountSchema, readOrderCount } from "./schemas";
import { pushStock, readStock, STOCK_BATCH } from "./stock";

// Yahoo!ショッピング ストアAPI adapter (MALLS.md §4).
//
// Mall code format: the 商品コード (`item_code`) for an item without options, or
// `item_code:sub_code` (商品コード:個別商品コード) for one option combination — exactly how the
// stock APIs name an item. Each part is [A-Za-z0-9-], at most 99 characters. By default the mall
// code is the master code itself; a merchant's 別品番紐づけ may give any code in this format.
// Order lines report `ItemId[:SubCode]` from orderInfo, i.e. the same string.
//
// Auth: Bearer access token (1 h) refreshed from the Yahoo! ID連携 v2 refresh token; with
// 公開鍵認証 every call also carries X-sws-signature / X-sws-signature-version (see ./signature),
// which stretches the refresh token's life for order APIs from 12 h to 28 days.
// Base URL: `https://circus.shopping.yahooapis.jp` (paths /ShoppingWebService/V1/{api}); the
// token endpoint is on auth.login.yahoo.co.jp for Yahoo's hosts, else `baseUrl + /yconnect/v2/token`.

export type { YahooCredentials } from "./credentials";

type Ctx = MallContext<YahooCredentials>;

/** Runs one adapter method with a fresh session (token state lives for the call). */
async function withSession<T>(ctx: Ctx, fn: (s: YahooSession) => Promise<T>): Promise<T> {
  return fn(new YahooSession(ctx));
}

export const yahooAdapter: MallAdapter<YahooCredentials> = {
  kind: "yahoo",
  label: "Yahoo!ショッピング",
  credentialsSchema: yahooCredentialsSchema,
  defaultBaseUrl: DEFAULT_BASE_URL,
  // [verify] MALLS.md §9: assume ≤1 request/second per API per store.
  limits: { pushBatch: STOCK_BATCH, readBatch: STOCK_BATCH, requestsPerSecond: 1, pollEverySec: 15 },
  // "≤ 1 rps per API per store" (MALLS.md §9): the order APIs do not spend setStock's budget.
  orderLane: { requestsPerSecond: 1, matches: (path) => /\/(orderList|orderInfo|orderCount)$/.test(path) },
  acceptsUnknownCodes: true,

  defaultMallCode: (masterCode) => masterCode,

  async testConnection(ctx): Promise<ConnectionTestResult> {
    const parsed = yahooCredentialsSchema.safeParse(ctx.credentials);
    const expiresAt = parsed.success ? earliestExpiry(parsed.data) : undefined;
    try {
      // 注文ステータス別件数参照API: cheap, and an order API, so it proves the order-API
      // permission, the registered source IP and the public key as well as the token.
      const status = await withSession(ctx, async (s) => {
        const doc = await s.call("orderCount", { query: { sellerId: s.sellerId } });
        const r = orderCountSchema.safeParse(readOrderCount(doc));
        if (!r.success) throw new MallError("transient", "Yahoo orderCount の応答を読めませんでした");
        return { status: r.data.Status, creds: s.creds };
      });
      if (status.status !== "OK") {
        return { ok: false, errorClass: "transient", reason: `orderCount の結果が OK ではありません (${status.status})`, expiresAt };
      }
      return {
        ok: true,
        expiresAt: earliestExpiry(status.creds),
        ...(hasPublicKey(status.creds)
          ? {}
          : { reason: "公開鍵認証が未設定です: 注文APIのリフレッシュトークンは12時間で失効します" }),
      };
    } catch (e) {
      if (e instanceof MallError) return { ok: false, reason: e.message, errorClass: e.errorClass, expiresAt };
      return { ok: false, reason: "接続テスト中に予期しないエラーが発生しました", errorClass: "transient", expiresAt };
    }
  },

  fetchOrders: (ctx, cursor) => withSession(ctx, (s) => fetchOrders(s, cursor)),
  pushStock: (ctx, items) => withSession(ctx, (s) => pushStock(s, items)),
  readStock: (ctx, codes) => withSession(ctx, (s) => readStock(s, codes)),
};
