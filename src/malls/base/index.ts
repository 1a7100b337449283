// BASE (thebase.in) — API v1 β at https://api.thebase.in/1 (MALLS.md §5).
//
// Mall code format: "<item_id>" for an item without variations, "<item_id>:<variation_id>" for a
// variation — both are BASE's numeric ids (e.g. "1234", "1234:11"). edit_stock and items/detail
// only accept ids, so these are what fetchOrders reports (order_items carry item_id +
// variation_id) and what pushStock / readStock take. The merchant's own 商品コード
// (`identifier` / `variation_identifier`) is not addressable; the default rule is therefore the
// identity and a listing whose master code is not the BASE id needs a 別品番紐づけ.
//
// Auth: OAuth2 bearer. Access token 1 h, refresh token 30 days, rotated on every refresh
// (POST /1/oauth/token grant_type=refresh_token, on the same host). Limits: 5,000 calls/hour,
// 100,000/day per user; errors are HTTP 400 {error, error_description}.
import { MallError, type MallAdapter } from "../types";
import { BaseClient, BASE_DEFAULT_URL } from "./client";
import { itemsListSchema, ordersListSchema, baseCredentialsSchema, type BaseCredentials } from "./schemas";
import { fetchOrders } from "./orders";
import { pushStock, readStock } from "./stock";

export type { BaseCredentials } from "./schemas";
export type { BaseOrdersCursor } from "./orders";

export const baseAdapter: MallAdapter<BaseCredentials> = {
  kind: "base",
  label: "BASE",
  credentialsSchema: baseCredentialsSchema,
  defaultBaseUrl: BASE_DEFAULT_URL,
  // edit_stock takes one item (one variation) per call. Reads group codes by item_id, one
  // items/detail call per distinct item. 5,000 calls/h ≈ 1.4/s shared with order polling → 1/s.
  // 5,000 requests an hour: 1 a second stays inside it with room for order polls every 15 s.
  limits: { pushBatch: 1, readBatch: 20, requestsPerSecond: 1, pollEverySec: 15, readPerItem: true },
  defaultMallCode: (masterCode) => masterCode.trim(),

  async testConnection(ctx) {
    const client = new BaseClient(ctx);
    try {
      // Always refresh: it is the only call that proves client_id / client_secret / refresh
      // token, and it renews the refresh token's 30 days.
      const creds = await client.refresh();
      // One cheap read per scope Kura needs (write_items cannot be probed without writing).
      await client.get("/1/items", itemsListSchema, { limit: "1", offset: "0" });
      await client.get("/1/orders", ordersListSchema, { limit: "1", offset: "0" });
      return { ok: true, expiresAt: creds.refreshTokenExpiresAt };
    } catch (e) {
      if (!(e instanceof MallError)) throw e;
      return {
        ok: false,
        reason: e.message,
        errorClass: e.errorClass,
        expiresAt: client.credentials.refreshTokenExpiresAt,
      };
    }
  },

  fetchOrders,
  pushStock,
  readStock,
};
