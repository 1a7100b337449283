// Shopify — Admin GraphQL API 2026-07 (MALLS.md §1).
//
// Mall code = the variant's SKU (ProductVariant.sku), used verbatim: any non-empty string up to
// 255 characters, case-sensitive, spaces and punctuation allowed. The default rule maps a master
// code to the same string. Stock lives on InventoryItem × Location, so a push resolves the SKU to
// ProductVariant.inventoryItem.id (exact SKU match; duplicated SKUs are refused) and returns
// `{ inventoryItemId, locationId }` in PushResult.ref for Kura to cache on the listing; a later
// PushItem.ref for the same location skips the lookup.
//
// Base URL: "https://{shopDomain}" — the placeholder is filled from the credentials; a simulator
// or proxy base (e.g. http://127.0.0.1:8790/shopify) is used as is. Paths appended:
// /admin/api/2026-07/graphql.json and /admin/oauth/access_token (same host, see auth.ts).

import type { ConnectionTestResult, MallAdapter, MallContext } from "../types";
import { MallError } from "../types";
import { DEFAULT_BASE_URL } from "./auth";
import { ShopifySession } from "./client";
import { configuredLocationGid, reportedExpiry, shopifyCredentialsSchema, type ShopifyCredentials } from "./credentials";
import { CONNECTION_DOC } from "./documents";
import { SKUS_PER_LOOKUP } from "./lookup";
import { fetchOrders } from "./orders";
import { connectionData } from "./schemas";
import { MAX_ROWS, pushStock, readStock } from "./stock";
import { verifyWebhook } from "./webhook";
import { registerWebhooks } from "./webhooks";

export type { ShopifyCredentials } from "./credentials";
export type { ShopifyOrderCursor } from "./orders";
export { ALL_DOCUMENTS as SHOPIFY_DOCUMENTS } from "./documents";

/** write_inventory implies read_inventory; read_locations only when no location is configured. */
function requiredScopes(c: ShopifyCredentials): string[] {
  return ["write_inventory", "read_products", "read_orders", ...(configuredLocationGid(c) ? [] : ["read_locations"])];
}

function hasScope(granted: Set<string>, scope: string): boolean {
  return granted.has(scope) || (scope.startsWith("read_") && granted.has(`write_${scope.slice(5)}`));
}

async function testConnection(ctx: MallContext<ShopifyCredentials>): Promise<ConnectionTestResult> {
  const s = new ShopifySession(ctx);
  try {
    const data = await s.gql(CONNECTION_DOC, {}, connectionData);
    const expiresAt = reportedExpiry(s.creds);
    const granted = new Set(data.currentAppInstallation.accessScopes.map((a) => a.handle));
    const missing = requiredScopes(s.creds).filter((sc) => !hasScope(granted, sc));
    if (missing.length > 0) {
      return { ok: false, errorClass: "auth", reason: `アプリの権限が不足しています: ${missing.join(", ")}`, expiresAt };
    }
    return { ok: true, reason: `${data.shop.name} (${data.shop.myshopifyDomain}) に接続しました`, expiresAt };
  } catch (e) {
    if (!(e instanceof MallError)) throw e;
    return { ok: false, errorClass: e.errorClass, reason: e.message, expiresAt: reportedExpiry(s.creds) };
  }
}

export const shopifyAdapter: MallAdapter<ShopifyCredentials> = {
  kind: "shopify",
  label: "Shopify",
  credentialsSchema: shopifyCredentialsSchema,
  defaultBaseUrl: DEFAULT_BASE_URL,
  // Cost-based limits (Standard: 100 points/s restore): a 250-row mutation costs ~10 points and a
  // 50-SKU lookup ~200, so a couple of calls per second stays well inside the bucket.
  limits: { pushBatch: MAX_ROWS, readBatch: SKUS_PER_LOOKUP, requestsPerSecond: 2, pollEverySec: 15 },
  defaultMallCode: (masterCode) => masterCode,
  testConnection,
  fetchOrders,
  pushStock,
  readStock,
  verifyWebhook,
  registerWebhooks,
};
