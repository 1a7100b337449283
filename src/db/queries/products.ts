import { and, asc, count, eq, gt, inArray, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { setBase } from "../../stock/figure";
import { listings, products, setComponents } from "../schema";
import { idIn, type ProductFilter, productFilters, sparseCandidates } from "./product-filters";
import { projection, setComponentStock } from "./stock";

export type Product = typeof products.$inferSelect;
export type { ProductStatus } from "./product-filters";
export { productFilters } from "./product-filters";

// D1 allows 100 bound parameters per statement; IN lists are chunked below that.
const IN_CHUNK = 90;

function chunk<T>(xs: T[], n = IN_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += n) out.push(xs.slice(i, i + n));
  return out;
}

export async function countProducts(db: Db, accountId: number): Promise<number> {
  const row = await db.select({ n: count() }).from(products).where(eq(products.accountId, accountId)).get();
  return row?.n ?? 0;
}

export async function getProductByCode(db: Db, accountId: number, masterCode: string) {
  return db.select().from(products).where(and(eq(products.accountId, accountId), eq(products.masterCode, masterCode))).get();
}

export async function getProductsByCodes(db: Db, accountId: number, codes: string[]): Promise<Product[]> {
  const out: Product[] = [];
  for (const part of chunk([...new Set(codes)])) {
    out.push(...(await db.select().from(products).where(and(eq(products.accountId, accountId), inArray(products.masterCode, part))).all()));
  }
  return out;
}

export async function getProductsByIds(db: Db, accountId: number, ids: number[]): Promise<Product[]> {
  const out: Product[] = [];
  for (const part of chunk([...new Set(ids)])) {
    out.push(...(await db.select().from(products).where(and(eq(products.accountId, accountId), inArray(products.id, part))).all()));
  }
  return out;
}

export interface ResolvedCode {
  productId: number;
  masterCode: string;
  groupId: number;
}

/**
 * Maps codes from a sale to products: a shop's 別品番紐づけ (listing mall code) first, then the
 * master code itself. Codes that match nothing are absent from the map.
 */
export async function resolveCodes(
  db: Db,
  accountId: number,
  shopId: number | null,
  codes: string[],
  defaultRule?: (masterCode: string) => string,
): Promise<Map<string, ResolvedCode>> {
  const found = new Map<string, ResolvedCode>();
  const unique = [...new Set(codes)];
  if (shopId !== null) {
    for (const part of chunk(unique)) {
      const rows = await db
        .select({ code: listings.mallCode, productId: products.id, masterCode: products.masterCode, groupId: products.groupId })
        .from(listings)
        .innerJoin(products, eq(products.id, listings.productId))
        .where(and(eq(listings.accountId, accountId), eq(listings.shopId, shopId), inArray(listings.mallCode, part)))
        .all();
      for (const r of rows) if (r.code) found.set(r.code, { productId: r.productId, masterCode: r.masterCode, groupId: r.groupId });
    }
  }
  const rest = unique.filter((c) => !found.has(c));
  for (const p of await getProductsByCodes(db, accountId, rest)) found.set(p.masterCode, { productId: p.id, masterCode: p.masterCode, groupId: p.groupId });
  // A mall's default rule may rewrite the master code (Rakuten: "abc-1" → "abc-1:normal-inventory",
  // lowercased): try the code and its first part case-insensitively, keep what the rule maps back.
  const left = new Set(unique.filter((c) => !found.has(c)));
  if (defaultRule && left.size) {
    const candidates = [...new Set([...left].flatMap((c) => [c, c.split(":")[0]]).map((c) => c.toLowerCase()))];
    for (const part of chunk(candidates)) {
      const rows = await db.select().from(products).where(and(eq(products.accountId, accountId), inArray(sql`lower(${products.masterCode})`, part))).all();
      for (const p of rows) {
        const code = defaultRule(p.masterCode);
        if (left.has(code)) found.set(code, { productId: p.id, masterCode: p.masterCode, groupId: p.groupId });
      }
    }
  }
  return found;
}

export async function getComponents(db: Db, accountId: number, setIds: number[]) {
  const out: { setId: number; componentId: number; masterCode: string; quantity: number }[] = [];
  for (const part of chunk(setIds)) {
    out.push(
      ...(await db
        .select({ setId: setComponents.setId, componentId: setComponents.componentId, masterCode: products.masterCode, quantity: setComponents.quantity })
        .from(setComponents)
        .innerJoin(products, eq(products.id, setComponents.componentId))
        .where(and(eq(setComponents.accountId, accountId), inArray(setComponents.setId, part)))
        .orderBy(asc(products.masterCode))
        .all()),
    );
  }
  return out;
}

/** Sets that contain any of the given products. */
export async function setsUsing(db: Db, accountId: number, componentIds: number[]) {
  const out: { setId: number; componentId: number }[] = [];
  for (const part of chunk(componentIds)) {
    out.push(
      ...(await db
        .select({ setId: setComponents.setId, componentId: setComponents.componentId })
        .from(setComponents)
        .where(and(eq(setComponents.accountId, accountId), inArray(setComponents.componentId, part)))
        .all()),
    );
  }
  return out;
}

/**
 * The projected on_hand of each product; a set's figure is derived from its components
 * (SPEC §3.2 step 3: min over components of floor((on_hand − reserved) / qty)).
 */
export async function projectedOnHand(db: Db, accountId: number, list: Product[]): Promise<Map<number, number>> {
  const out = await projection(db, accountId)(list.filter((p) => !p.isSet).map((p) => p.id));
  const sets = list.filter((p) => p.isSet).map((p) => p.id);
  const comps = await setComponentStock(db, accountId, sets, projection(db, accountId));
  for (const id of sets) out.set(id, setBase(comps.get(id) ?? []));
  for (const p of list) if (!out.has(p.id)) out.set(p.id, 0);
  return out;
}

export interface ProductQuery extends ProductFilter {
  after?: string; // keyset cursor: the last master code of the previous page
  limit: number;
}

/** One page of products ordered by master code (keyset pagination stays fast at 100,000 rows). */
export async function listProducts(db: Db, accountId: number, q: ProductQuery): Promise<Product[]> {
  const ids = await sparseCandidates(db, accountId, q);
  if (ids?.length === 0) return [];
  if (ids) {
    const conds = [...productFilters(accountId, q, true), idIn(ids)];
    if (q.after !== undefined) conds.push(sql`+${products.masterCode} > ${q.after}`);
    return db.select().from(products).where(and(...conds)).orderBy(sql`+${products.masterCode}`).limit(q.limit).all();
  }
  const conds = productFilters(accountId, q);
  if (q.after !== undefined) conds.push(gt(products.masterCode, q.after));
  return db.select().from(products).where(and(...conds)).orderBy(asc(products.masterCode)).limit(q.limit).all();
}
