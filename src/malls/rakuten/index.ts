/**
 * 楽天市場 (Rakuten RMS) adapter.
 *
 * Mall code format: `{manageNumber}:{variantId}` — 商品管理番号 and SKU管理番号 joined by a colon,
 * e.g. `tshirt-001:red-m`. Neither part may contain ':' (both are `[A-Za-z0-9_-]{1,32}`), so the
 * split is unambiguous. The manageNumber part is lowercased (Rakuten lowercases it itself); the
 * variantId keeps its case (Rakuten treats it case-sensitively). An item without variations has
 * Rakuten's variantId `normal-inventory` (its only SKU after the 2023 SKU migration).
 *
 * Default rule (MALLS.md §8): a master code written `mn:vid` is used as is; any other master code
 * is read as the 商品管理番号 of an item without variations → `{master lowercased}:normal-inventory`.
 * Items with variations need their master codes written `mn:vid` or a 別品番紐づけ override.
 *
 * システム連携用SKU番号 (merchantDefinedSkuId): orders carry it beside manageNumber + variantId,
 * but no stock API accepts it, so Kura does not key on it: fetchOrders reports
 * `manageNumber:variantId`, the same string pushStock/readStock take. A merchant whose
 * merchantDefinedSkuId equals the master code still maps each listing once (別品番紐づけ, or a
 * future import from ItemAPI 2.0 that reads variants[].merchantDefinedSkuId → mn:vid).
 *
 * Auth: every call carries `Authorization: ESA base64(serviceSecret:licenseKey)`. The licenseKey
 * expires after 90 days and only the merchant can re-issue it; testConnection reads the expiry
 * from the License Management API and stores it in the credentials (licenseKeyExpiresAt).
 *
 * Cursor (fetchOrders, JSON): `{ v: 1, from, pend, open }` — `from` = end of the last searched
 * order-date window (the next starts 10 min before it); `pend` = `{start, end, page}` while a
 * window is being paged; `open` = bounded map orderNumber → `{at, c, f?, l}` of orders to re-check
 * for cancellations (l = itemDetailId → largest units seen). See orders.ts.
 */
import type { MallAdapter } from "../types";
import { defaultMallCode } from "./codes";
import { testConnection } from "./connection";
import { fetchOrders } from "./orders";
import { rakutenCredentialsSchema, type RakutenCredentials } from "./schemas";
import { PUSH_BATCH, READ_BATCH, pushStock, readStock } from "./stock";

export type { RakutenCredentials } from "./schemas";
export { parseMallCode, formatMallCode } from "./codes";

export const rakutenAdapter: MallAdapter<RakutenCredentials> = {
  kind: "rakuten",
  label: "楽天市場",
  credentialsSchema: rakutenCredentialsSchema,
  defaultBaseUrl: "https://api.rms.rakuten.co.jp",
  // bulk-upsert is the binding limit (1 request/s); bulk-get allows 5/s [doc].
  limits: { pushBatch: PUSH_BATCH, readBatch: READ_BATCH, requestsPerSecond: 1, pollEverySec: 15 },
  // RMS budgets each API on its own (inventory bulk-upsert 1 rps; the order API is separate).
  orderLane: { requestsPerSecond: 1, matches: (path) => path.includes("/es/2.0/order/") },
  acceptsUnknownCodes: true,
  defaultMallCode,
  testConnection,
  fetchOrders,
  pushStock,
  readStock,
};
