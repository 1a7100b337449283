import { and, asc, desc, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { listings, products } from "../schema";
import { type Product, type ProductQuery, productFilters } from "./products";
import type { Listing } from "./shops";

// The 商品管理 grid's reads: one keyset page of products in the chosen order, and the listings of
// exactly that page. Both stay index-bound at 100,000 products (no OFFSET, no full scan).

export const GRID_SORTS = ["code", "-code", "name", "-name"] as const;
export type GridSort = (typeof GRID_SORTS)[number];

/** Where the previous page ended: its last master code, and its last name when sorted by name. */
export interface GridCursor {
  code: string;
  name?: string;
}

export interface GridQuery extends Omit<ProductQuery, "after"> {
  sort: GridSort;
  after?: GridCursor;
}

export async function gridProducts(db: Db, accountId: number, q: GridQuery): Promise<Product[]> {
  const conds: SQL[] = productFilters(accountId, q);
  const back = q.sort.startsWith("-");
  const byName = q.sort.endsWith("name");
  if (q.after) {
    // Row values: (name, code) is the page key when sorting by name, so equal names never skip a row.
    if (byName) conds.push(back ? sql`(${products.name}, ${products.masterCode}) < (${q.after.name ?? ""}, ${q.after.code})` : sql`(${products.name}, ${products.masterCode}) > (${q.after.name ?? ""}, ${q.after.code})`);
    else conds.push(back ? sql`${products.masterCode} < ${q.after.code}` : sql`${products.masterCode} > ${q.after.code}`);
  }
  const dir = back ? desc : asc;
  const order = byName ? [dir(products.name), dir(products.masterCode)] : [dir(products.masterCode)];
  return db.select().from(products).where(and(...conds)).orderBy(...order).limit(q.limit).all();
}

/** Every listing (all shops) of the given products. */
export async function listingsOf(db: Db, accountId: number, productIds: number[]): Promise<Listing[]> {
  const out: Listing[] = [];
  for (let i = 0; i < productIds.length; i += 90) {
    out.push(...(await db.select().from(listings).where(and(inArray(listings.productId, productIds.slice(i, i + 90)), sql`${listings.accountId} = ${accountId}`)).all()));
  }
  return out;
}
