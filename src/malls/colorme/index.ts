// カラーミーショップ (GMO Pepabo) — REST API v1 at https://api.shop-pro.jp/v1/… (MALLS-MORE §2).
//
// Mall code format (codes.ts): "<product_id>" for a product without options,
// "<product_id>:<option1_value>[:<option2_value>]" for one option, e.g. "1342332:赤:S". Writes
// address an option by its value strings and order details carry product_id + option values, so
// Kura keys on exactly that. The merchant's 型番 is not addressable; the default rule is the
// identity and a listing whose master code is not such a code needs a 別品番紐づけ (like BASE).
//
// Auth: OAuth bearer token (authorization code grant). It does not expire and cannot be
// refreshed; a revoked one answers 401 → auth → the shop is 停止中 until re-connected.
// Errors: {"errors":[{code, message, status}]}. Orders: polled by update_date (no webhooks).
import { MallError, type MallAdapter } from "../types";
import { ColormeClient, COLORME_DEFAULT_URL } from "./client";
import { fetchOrders } from "./orders";
import { colormeCredentialsSchema, salesListSchema, shopResponseSchema, stocksListSchema, type ColormeCredentials } from "./schemas";
import { pushStock, readStock, STOCKS_PAGE } from "./stock";

export type { ColormeCredentials } from "./schemas";
export type { ColormeOrdersCursor } from "./orders";
export { formatColormeCode, parseColormeCode } from "./codes";

export const colormeAdapter: MallAdapter<ColormeCredentials> = {
  kind: "colorme",
  label: "カラーミーショップ",
  credentialsSchema: colormeCredentialsSchema,
  defaultBaseUrl: COLORME_DEFAULT_URL,
  // "1アクセストークンあたり 120 リクエスト/分 を目安" (MALLS-MORE §2, quoting 「APIの呼び出し
  // 制限」): 2 requests a second, one token for pushes, reads and order polls alike. A push is
  // one PUT per product (pushBatch 1 keeps the engine's run sizes honest: one item ≈ one
  // request; the options of one product that are due together still share a PUT). A read is
  // one stocks.json page of 50 rows per 50 codes. Orders every 15 s spend 4 of the 120.
  limits: { pushBatch: 1, readBatch: STOCKS_PAGE, requestsPerSecond: 2, pollEverySec: 15 },
  defaultMallCode: (masterCode) => masterCode.trim(),

  async testConnection(ctx) {
    const client = new ColormeClient(ctx);
    try {
      // The shop proves the token; one cheap read per scope Kura needs (write_products cannot
      // be probed without writing). No expiresAt: the token does not expire.
      await client.get("/v1/shop.json", shopResponseSchema);
      await client.get("/v1/stocks.json", stocksListSchema, { limit: "1" });
      await client.get("/v1/sales.json", salesListSchema, { limit: "1" });
      return { ok: true };
    } catch (e) {
      if (!(e instanceof MallError)) throw e;
      return { ok: false, reason: e.message, errorClass: e.errorClass };
    }
  },

  fetchOrders,
  pushStock,
  readStock,
};
