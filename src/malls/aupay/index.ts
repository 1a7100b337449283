import { MallError, type ConnectionTestResult, type MallAdapter } from "../types";
import { AupaySession, DEFAULT_BASE_URL } from "./client";
import { apiKeyExpiresAt, aupayCredentialsSchema, type AupayCredentials } from "./credentials";
import { fetchOrders } from "./orders";
import { pushStock, readStock, UPDATE_BATCH } from "./stock";

// au PAY マーケット (ex-Wowma!) — the Wow!manager API (`wmshopapi`, MALLS-MORE.md §1).
//
// Mall code format: the 商品コード (`itemCode`) for a plain item (在庫区分 1); for one choice of a
// choice item (在庫区分 2) `itemCode:horizontal:vertical` with "-" for an absent axis (./codes).
// The default rule is the master code itself.
//
// Auth: `Authorization: Bearer <APIキー>` and the 店舗ID on every call. The key lapses 90 days
// after issue (the merchant issues a new one in Wow!manager and pastes it), and only calls from a
// registered source IP are answered: Workers have no fixed egress IP, so a real shop's base URL
// points at a fixed-IP relay (README, au PAY マーケット). Failures come back as HTTP 200 with
// <status>1</status>; updateStock names each refused item in an <updateResult>.

export type { AupayCredentials } from "./credentials";

export const aupayAdapter: MallAdapter<AupayCredentials> = {
  kind: "aupay",
  label: "au PAY マーケット",
  credentialsSchema: aupayCredentialsSchema,
  defaultBaseUrl: DEFAULT_BASE_URL,
  // [verify] No rate limit was found; public clients sleep 0.9–1.0 s between calls: 1 a second.
  // Reads go one 商品コード at a time (searchStocks' itemCode is a partial match, read per item).
  // Every poll reads the whole trailing order window again (cancels): one request per 100 orders
  // of the last 7 days. Every 30 s, a shop with 1,000 orders a week spends a third of its budget on it.
  limits: { pushBatch: UPDATE_BATCH, readBatch: 20, requestsPerSecond: 1, pollEverySec: 30, readPerItem: true },
  defaultMallCode: (masterCode) => masterCode.trim(),

  async testConnection(ctx): Promise<ConnectionTestResult> {
    const parsed = aupayCredentialsSchema.safeParse(ctx.credentials);
    const expiresAt = parsed.success ? apiKeyExpiresAt(parsed.data) : undefined;
    try {
      const s = new AupaySession(ctx);
      // The cheapest call there is: one row of searchStocks proves the key, the 店舗ID and the source IP.
      const { env } = await s.get("searchStocks", { totalCount: 1, startCount: 1 });
      if (env.status !== "0") throw s.logicalError("searchStocks", env);
      return { ok: true, expiresAt };
    } catch (e) {
      if (!(e instanceof MallError)) throw e;
      // The plainest call refused as a bad request still means Kura cannot work with this shop.
      const errorClass = e.errorClass === "item" ? "auth" : e.errorClass;
      return { ok: false, reason: e.message, errorClass, expiresAt };
    }
  },

  fetchOrders: (ctx, cursor) => fetchOrders(new AupaySession(ctx), cursor),
  pushStock: (ctx, items) => pushStock(new AupaySession(ctx), items),
  readStock: (ctx, codes) => readStock(new AupaySession(ctx), codes),
};
