import { and, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { listings, products } from "../schema";
import { idIn, productFilters, sparseCandidates } from "./product-filters";
import type { Product, ProductQuery } from "./products";
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
  // A selective search or 状態 filter: read its few candidates by id and sort them (see product-filters.ts).
  const ids = await sparseCandidates(db, accountId, q);
  if (ids?.length === 0) return [];
  const pinned = ids !== null;
  const conds: SQL[] = productFilters(accountId, q, pinned);
  if (ids) conds.push(idIn(ids));
  const back = q.sort.startsWith("-");
  const byName = q.sort.endsWith("name");
  const name = pinned ? sql`+${products.name}` : sql`${products.name}`;
  const code = pinned ? sql`+${products.masterCode}` : sql`${products.masterCode}`;
  if (q.after) {
    // Row values: (name, code) is the page key when sorting by name, so equal names never skip a row.
    if (byName) conds.push(back ? sql`(${name}, ${code}) < (${q.after.name ?? ""}, ${q.after.code})` : sql`(${name}, ${code}) > (${q.after.name ?? ""}, ${q.after.code})`);
    else conds.push(back ? sql`${code} < ${q.after.code}` : sql`${code} > ${q.after.code}`);
  }
  const dir = (x: SQL) => (back ? sql`${x} DESC` : sql`${x} ASC`);
  const order = byName ? [dir(name), dir(code)] : [dir(code)];
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
