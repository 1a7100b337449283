import { and, count, eq, gte, lte, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { products, salesLog } from "../schema";
import { candidateSources } from "./product-filters";
import { productFilters } from "./products";

// What the home page counts: the same 状態 conditions as the 商品管理 filter (productFilters), so
// a count on the home page is the length of the list its link opens.

/**
 * Counted from the filter's index-bound candidates (stock rows under the threshold), each checked
 * by the exact conditions: a count over every product of the account took ~60 ms at 100,000.
 */
export async function countProductsWithStatus(db: Db, accountId: number, status: "low" | "negative"): Promise<number> {
  const [candidates] = candidateSources(accountId, { status });
  const row = await db
    .select({ n: count() })
    .from(products)
    .where(and(sql`${products.id} IN (${candidates})`, ...productFilters(accountId, { status }, true)))
    .get();
  return row?.n ?? 0;
}

export async function countUnmatched(db: Db, accountId: number): Promise<number> {
  const row = await db
    .select({ n: count() })
    .from(salesLog)
    .where(and(eq(salesLog.accountId, accountId), eq(salesLog.result, "unknown_code"), sql`${salesLog.resolvedAt} IS NULL`))
    .get();
  return row?.n ?? 0;
}

export interface SalesTaken {
  /** The shop's id, or null for an outside system (POS, ERP) named by `source`. */
  shopId: number | null;
  source: string;
  orders: number;
  units: number;
}

/** Sales taken in between two instants, per shop or outside source: orders and units (cancels not netted). */
export async function salesTakenIn(db: Db, accountId: number, from: number, to: number): Promise<SalesTaken[]> {
  return db
    .select({
      shopId: salesLog.shopId,
      source: salesLog.source,
      orders: sql<number>`count(DISTINCT ${salesLog.orderId})`,
      units: sql<number>`coalesce(sum(${salesLog.quantity}), 0)`,
    })
    .from(salesLog)
    .where(and(eq(salesLog.accountId, accountId), gte(salesLog.at, from), lte(salesLog.at, to), eq(salesLog.kind, "sale"), eq(salesLog.result, "applied")))
    .groupBy(salesLog.shopId, salesLog.source)
    .all();
}
