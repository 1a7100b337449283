// Amazon (Selling Partner API, Japan marketplace A1VC38T7YXB528 on the Far East endpoint).
//
// Mall code = the 出品者SKU (seller SKU) exactly as the merchant registered it in Seller
// Central: case-sensitive, 1–40 characters, any characters Amazon allows (including "/", "#",
// spaces and Japanese). By default it equals Kura's master code. It is always URL-encoded as one
// path segment ({sku} of the Listings Items API). Orders report it as product.sellerSku.
//
// Mall-side ref cached on each listing: { productType } — the listing's Amazon product type,
// required by patchListingsItem; read once with getListingsItem(includedData=productTypes).

import { MallError, type ConnectionTestResult, type MallAdapter, type PushItem, type PushResult } from "../types";
import { AMAZON_BASE_URL, AmazonSession, firstError } from "./client";
import { type AmazonCredentials, amazonCredentialsSchema, amazonExpiry } from "./credentials";
import { pushViaFeeds } from "./feed";
import { pushOne, readOne, sellerListingsPath } from "./listings";
import { fetchOrdersBySearch, ORDERS_API } from "./orders";
import { fetchOrdersByGetOrders } from "./orders-v0";

export { type AmazonCredentials, amazonCredentialsSchema, JP_MARKETPLACE_ID } from "./credentials";

/**
 * Up to this many items go through patchListingsItem one by one (5 rps, paced); more go as one
 * JSON_LISTINGS_FEED (createFeed is 1 per 2 min, so feeds are for resyncs, not trickles).
 */
export const PATCH_MAX_ITEMS = 20;

/** Seconds between order polls, per order API: its usage plan's rate. */
export const ORDERS_POLL_SEC = { v0: 60, "2026-01-01": 180 } as const;
const ORDERS_FETCH = { v0: fetchOrdersByGetOrders, "2026-01-01": fetchOrdersBySearch } as const;

export const amazonAdapter: MallAdapter<AmazonCredentials> = {
  kind: "amazon",
  label: "Amazon",
  credentialsSchema: amazonCredentialsSchema,
  defaultBaseUrl: AMAZON_BASE_URL,
  // pushBatch = the feed's message cap; requestsPerSecond = patchListingsItem's usage plan.
  // pollEverySec = the order API's usage plan (ORDERS_API, orders.ts): v0 getOrders allows one
  // call a minute, searchOrders (2026-01-01) one per ~179 s.
  limits: { pushBatch: 25_000, readBatch: 20, requestsPerSecond: 5, burst: 5, pollEverySec: ORDERS_POLL_SEC[ORDERS_API], readPerItem: true },
  defaultMallCode: (masterCode) => masterCode,

  async testConnection(ctx): Promise<ConnectionTestResult> {
    const expiresAt = amazonExpiry(ctx.credentials);
    const s = new AmazonSession(ctx);
    try {
      // Cheapest call that proves the token, the sellerId and the Product Listing role.
      const r = await s.call("searchListingsItems", "GET", sellerListingsPath(s), {
        query: { marketplaceIds: s.marketplaceId, pageSize: "1" },
      });
      if (r.status === 200) return { ok: true, ...(expiresAt ? { expiresAt } : {}) };
      const msg = firstError(r.json);
      return {
        ok: false,
        errorClass: "auth",
        reason: `出品者ID またはマーケットプレイスを確認してください (${msg?.code ?? `HTTP ${r.status}`}: ${msg?.message ?? ""})`,
        ...(expiresAt ? { expiresAt } : {}),
      };
    } catch (e) {
      if (!(e instanceof MallError)) throw e;
      return { ok: false, reason: e.message, errorClass: e.errorClass, ...(expiresAt ? { expiresAt } : {}) };
    }
  },

  fetchOrders: (ctx, cursor) => ORDERS_FETCH[ORDERS_API](new AmazonSession(ctx), cursor),

  async pushStock(ctx, items: PushItem[]): Promise<PushResult[]> {
    const s = new AmazonSession(ctx);
    if (items.length > PATCH_MAX_ITEMS) return pushViaFeeds(s, items);
    const out: PushResult[] = [];
    // Sequential on purpose: the session paces to the usage plan. A 429/5xx aborts the batch
    // (thrown); the already-sent replaces are idempotent, so resending them is harmless.
    for (const item of items) out.push(await pushOne(s, item));
    return out;
  },

  async readStock(ctx, codes) {
    const s = new AmazonSession(ctx);
    const out = [];
    for (const code of codes) out.push(await readOne(s, code));
    return out;
  },
};
