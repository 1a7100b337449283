import { and, asc, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { products } from "../schema";
import { idIn, onHandOf, type ProductFilter, productFilters, sparseCandidates } from "./product-filters";

// The reads of a catalogue export: a keyset page of products in master-code order with their
// on_hand, and the listings and set components of exactly that page. Each is one statement (the
// page's ids travel as one JSON parameter), so a 100,000-product file costs a few hundred D1
// queries, not one per product.

export interface ExportProduct {
  id: number;
  masterCode: string;
  name: string;
  groupId: number;
  reserved: number | null;
  lowStockThreshold: number | null;
  syncMode: "auto" | "manual" | "stopped";
  isSet: boolean;
  /** The D1 projection's on_hand, as the 商品管理 grid reads it (0 before the first drain). */
  onHand: number;
}

/** The products after master code `after` that match the filter, at most `limit`, by master code. */
export async function exportProductsPage(db: Db, accountId: number, filter: ProductFilter, after: string | undefined, limit: number): Promise<ExportProduct[]> {
  // A selective search or 状態 filter reads its few candidates by id (see product-filters.ts).
  const ids = await sparseCandidates(db, accountId, filter);
  if (ids?.length === 0) return [];
  const pinned = ids !== null;
  const code = pinned ? sql`+${products.masterCode}` : sql`${products.masterCode}`;
  const conds: SQL[] = productFilters(accountId, filter, pinned);
  if (ids) conds.push(idIn(ids));
  if (after !== undefined) conds.push(sql`${code} > ${after}`);
  return db
    .select({
      id: products.id,
      masterCode: products.masterCode,
      name: products.name,
      groupId: products.groupId,
      reserved: products.reserved,
      lowStockThreshold: products.lowStockThreshold,
      syncMode: products.syncMode,
      isSet: products.isSet,
      onHand: sql<number>`${onHandOf}`.mapWith(Number),
    })
    .from(products)
    .where(and(...conds))
    .orderBy(pinned ? asc(code) : asc(products.masterCode))
    .limit(limit)
    .all();
}

export interface ExportListing {
  productId: number;
  shopId: number;
  managed: boolean;
  mallCode: string | null;
}

const ids = (list: number[]) => JSON.stringify(list);

/** The listings (管理, モールコード) of the given products, in one statement. */
export async function exportListings(db: Db, accountId: number, productIds: number[]): Promise<ExportListing[]> {
  if (productIds.length === 0) return [];
  const rows = await db.all<{ productId: number; shopId: number; managed: number; mallCode: string | null }>(
    sql`SELECT product_id AS productId, shop_id AS shopId, managed, mall_code AS mallCode FROM listings
        WHERE account_id = ${accountId} AND product_id IN (SELECT value FROM json_each(${ids(productIds)}))`,
  );
  return rows.map((r) => ({ ...r, managed: r.managed === 1 }));
}

/** The components of the given sets (component master code and quantity, by master code), in one statement. */
export async function exportComponents(db: Db, accountId: number, setIds: number[]): Promise<{ setId: number; masterCode: string; quantity: number }[]> {
  if (setIds.length === 0) return [];
  return db.all<{ setId: number; masterCode: string; quantity: number }>(
    sql`SELECT sc.set_id AS setId, p.master_code AS masterCode, sc.quantity AS quantity
        FROM set_components sc JOIN products p ON p.id = sc.component_id
        WHERE sc.account_id = ${accountId} AND sc.set_id IN (SELECT value FROM json_each(${ids(setIds)}))
        ORDER BY sc.set_id, p.master_code`,
  );
}
