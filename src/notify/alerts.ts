import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../env";
import type { Shop } from "../db/queries/shops";
import { products, stock } from "../db/schema";
import { notify } from "./notifications";

// The causes that come from stock and shops, worded once. Each goes through notify(), which keeps
// one per cause and subject per JST day.

/**
 * After a drain moved these products' stock (the stock-changed task): マイナス在庫 for a figure
 * below 0, 在庫少 for one at or below its 在庫少設定数 (the product's own, else the account's
 * default). Sets have no stock of their own and are left out.
 */
export async function stockAlerts(env: Env, db: Db, accountId: number, productIds: number[]) {
  if (productIds.length === 0) return;
  const threshold = sql<number | null>`COALESCE(${products.lowStockThreshold}, (SELECT st.low_stock_default FROM settings st WHERE st.account_id = ${accountId}))`;
  const rows = await db
    .select({ masterCode: products.masterCode, onHand: stock.onHand, threshold })
    .from(products)
    .innerJoin(stock, eq(stock.productId, products.id))
    .where(
      and(
        eq(products.accountId, accountId),
        eq(products.isSet, false),
        sql`${products.id} IN (SELECT value FROM json_each(${JSON.stringify(productIds)}))`,
        sql`(${stock.onHand} < 0 OR ${stock.onHand} <= ${threshold})`,
      ),
    )
    .all();
  for (const r of rows) {
    if (r.onHand < 0) {
      await notify(env, db, accountId, {
        cause: "negative_stock",
        subject: r.masterCode,
        messageJa: `マイナス在庫: ${r.masterCode} の在庫数が ${r.onHand} です (売り越し)。`,
        messageEn: `Negative stock: ${r.masterCode} is at ${r.onHand} (oversold).`,
      });
    } else {
      await notify(env, db, accountId, {
        cause: "low_stock",
        subject: r.masterCode,
        messageJa: `在庫少: ${r.masterCode} の在庫数が ${r.onHand} になりました (在庫少設定数 ${r.threshold})。`,
        messageEn: `Low stock: ${r.masterCode} is down to ${r.onHand} (threshold ${r.threshold}).`,
      });
    }
  }
}

/** A shop became 停止中 (auth refused, 接続テスト NG, the app uninstalled): nothing goes to it until fixed. */
export async function shopStopped(env: Env, db: Db, shop: Pick<Shop, "id" | "accountId" | "name">, reason: string) {
  await notify(env, db, shop.accountId, {
    cause: "shop_stopped",
    subject: String(shop.id),
    messageJa: `${shop.name} が停止中になりました: ${reason}。認証情報を確認し、接続テストを行ってください。`,
    messageEn: `${shop.name} is stopped: ${reason}. Check its credentials and run the connection test.`,
  });
}

export async function credentialsExpiring(env: Env, db: Db, shop: Pick<Shop, "id" | "accountId" | "name">, message: string, messageEn: string) {
  await notify(env, db, shop.accountId, { cause: "credentials_expiring", subject: String(shop.id), messageJa: `${shop.name}: ${message}`, messageEn: `${shop.name}: ${messageEn}` });
}
