import { and, asc, count, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { listings, products, shops } from "../schema";

export type Shop = typeof shops.$inferSelect;
export type NewShop = Omit<typeof shops.$inferInsert, "id" | "accountId">;
export type Listing = typeof listings.$inferSelect;

export async function getShop(db: Db, accountId: number, shopId: number): Promise<Shop | undefined> {
  return db.select().from(shops).where(and(eq(shops.accountId, accountId), eq(shops.id, shopId))).get();
}

export async function listShops(db: Db, accountId: number): Promise<Shop[]> {
  return db.select().from(shops).where(eq(shops.accountId, accountId)).orderBy(asc(shops.id)).all();
}

export async function countShops(db: Db, accountId: number): Promise<number> {
  return (await db.select({ n: count() }).from(shops).where(eq(shops.accountId, accountId)).get())?.n ?? 0;
}

export async function insertShop(db: Db, accountId: number, values: NewShop): Promise<Shop> {
  const [row] = await db.insert(shops).values({ ...values, accountId }).returning();
  return row;
}

export async function updateShop(db: Db, accountId: number, shopId: number, values: Partial<NewShop>): Promise<Shop | undefined> {
  const [row] = await db
    .update(shops)
    .set({ ...values, updatedAt: Date.now() })
    .where(and(eq(shops.accountId, accountId), eq(shops.id, shopId)))
    .returning();
  return row;
}

export async function deleteShop(db: Db, accountId: number, shopId: number) {
  await db.delete(shops).where(and(eq(shops.accountId, accountId), eq(shops.id, shopId)));
}

export async function getListing(db: Db, accountId: number, productId: number, shopId: number) {
  return db
    .select()
    .from(listings)
    .where(and(eq(listings.accountId, accountId), eq(listings.productId, productId), eq(listings.shopId, shopId)))
    .get();
}

export async function listingByMallCode(db: Db, accountId: number, shopId: number, mallCode: string) {
  return db
    .select()
    .from(listings)
    .where(and(eq(listings.accountId, accountId), eq(listings.shopId, shopId), eq(listings.mallCode, mallCode)))
    .get();
}

export async function upsertListing(
  db: Db,
  accountId: number,
  productId: number,
  shopId: number,
  values: { managed: boolean; mallCode: string | null; manualFigure: number | null },
) {
  const now = Date.now();
  const [row] = await db
    .insert(listings)
    .values({ accountId, productId, shopId, ...values, updatedAt: now })
    .onConflictDoUpdate({
      target: [listings.productId, listings.shopId],
      // A changed mall code invalidates what was cached about the old one.
      set: {
        ...values,
        updatedAt: now,
        mallRef: sql`CASE WHEN ${listings.mallCode} IS ${values.mallCode} THEN ${listings.mallRef} ELSE NULL END`,
      },
    })
    .returning();
  return row;
}

/** One page of the account's products with this shop's listing (if any), by product id. */
export async function productsWithListing(db: Db, accountId: number, shopId: number, afterId: number, limit: number) {
  return db
    .select({ product: products, listing: listings })
    .from(products)
    .leftJoin(listings, and(eq(listings.productId, products.id), eq(listings.shopId, shopId)))
    .where(and(eq(products.accountId, accountId), sql`${products.id} > ${afterId}`))
    .orderBy(asc(products.id))
    .limit(limit)
    .all();
}

/** The given products with this shop's listing (if any). */
export async function productsWithListingByIds(db: Db, accountId: number, shopId: number, ids: number[]) {
  const out: Awaited<ReturnType<typeof productsWithListing>> = [];
  // One JSON parameter per statement: a 2,000-product run is 2 statements, not 23 round trips.
  for (let i = 0; i < ids.length; i += 1000) {
    out.push(
      ...(await db
        .select({ product: products, listing: listings })
        .from(products)
        .leftJoin(listings, and(eq(listings.productId, products.id), eq(listings.shopId, shopId)))
        // By primary key: `+ 0` keeps SQLite from walking the account's index instead (100,000
        // rows read for 10 wanted, measured), while the account filter still holds.
        .where(and(sql`${products.id} IN (SELECT value FROM json_each(${JSON.stringify(ids.slice(i, i + 1000))}))`, sql`${products.accountId} + 0 = ${accountId}`))
        .all()),
    );
  }
  return out;
}

export interface SentResult {
  productId: number;
  figure: number;
  ok: boolean;
  result: string;
  mallRef: Record<string, string> | null;
}

/**
 * Records pushed figures on the listings (creating rows for products 対象 by default). An accepted
 * figure is what the mall shows from now on (mall_figure); a refused one changes neither.
 */
export async function recordSent(db: Db, accountId: number, shopId: number, rows: SentResult[], at: number) {
  for (let i = 0; i < rows.length; i += 500) {
    const part = rows.slice(i, i + 500).map((r) => ({ p: r.productId, f: r.figure, ok: r.ok ? 1 : 0, res: r.result, ref: r.mallRef ? JSON.stringify(r.mallRef) : null }));
    // One JSON parameter per statement: far below D1's bound-parameter limit.
    await db.run(sql`
      INSERT INTO listings (account_id, product_id, shop_id, managed, last_sent_figure, last_sent_at, mall_figure, last_result, mall_ref, updated_at)
      SELECT ${accountId}, json_extract(value, '$.p'), ${shopId}, 1,
             CASE WHEN json_extract(value, '$.ok') = 1 THEN json_extract(value, '$.f') END,
             CASE WHEN json_extract(value, '$.ok') = 1 THEN ${at} END,
             CASE WHEN json_extract(value, '$.ok') = 1 THEN json_extract(value, '$.f') END,
             json_extract(value, '$.res'), json_extract(value, '$.ref'), ${at}
      FROM json_each(${JSON.stringify(part)}) WHERE true
      ON CONFLICT (product_id, shop_id) DO UPDATE SET
        last_sent_figure = CASE WHEN excluded.last_result = 'ok' THEN excluded.last_sent_figure ELSE listings.last_sent_figure END,
        last_sent_at = CASE WHEN excluded.last_result = 'ok' THEN excluded.last_sent_at ELSE listings.last_sent_at END,
        mall_figure = CASE WHEN excluded.last_result = 'ok' THEN excluded.mall_figure ELSE listings.mall_figure END,
        last_result = excluded.last_result,
        mall_ref = COALESCE(excluded.mall_ref, listings.mall_ref),
        updated_at = excluded.updated_at`);
  }
}

/** One of the shop's own order lines that moved stock: `units` < 0 for a sale, > 0 for a restock. */
export interface OwnSale {
  productId: number;
  units: number;
  /** When it happened on the mall (epoch ms). */
  at: number;
}

/**
 * How long before its response a push may have been applied by the mall, plus the mall's order
 * times being whole seconds: a line in this window may have come before or after the push.
 */
const UNSURE_MS = 6_000;

/**
 * Every mall lowers its own figure the moment a customer buys there (and raises it when an order
 * is cancelled with restock), so what the mall shows drifts from what Kura last sent. Each line
 * taken in moves the listing's mall_figure by its units if it happened after the last accepted
 * push; one clearly before it was overwritten by that push's absolute figure and changes nothing.
 * A line too close to the push to tell is counted and the listing is marked 'recheck', so the
 * next push sends Kura's figure whatever the mall shows (an absolute figure is always right).
 */
export async function noteOwnSales(db: Db, accountId: number, shopId: number, lines: OwnSale[]) {
  const moved = lines.filter((l) => l.units !== 0);
  for (let i = 0; i < moved.length; i += 500) {
    const part = JSON.stringify(moved.slice(i, i + 500).map((l) => ({ p: l.productId, u: l.units, at: l.at })));
    await db.run(sql`
      UPDATE listings SET
        mall_figure = mall_figure + COALESCE((
          SELECT SUM(json_extract(value, '$.u')) FROM json_each(${part})
          WHERE json_extract(value, '$.p') = listings.product_id AND json_extract(value, '$.at') > listings.last_sent_at - ${UNSURE_MS}), 0),
        last_result = CASE WHEN last_result = 'ok' AND EXISTS (
          SELECT 1 FROM json_each(${part})
          WHERE json_extract(value, '$.p') = listings.product_id
            AND json_extract(value, '$.at') > listings.last_sent_at - ${UNSURE_MS} AND json_extract(value, '$.at') <= listings.last_sent_at)
          THEN 'recheck' ELSE last_result END
      WHERE account_id = ${accountId} AND shop_id = ${shopId} AND mall_figure IS NOT NULL
        AND product_id IN (SELECT json_extract(value, '$.p') FROM json_each(${part}))`);
  }
}

/** Per shop: how many 対象 listings' last push failed (item errors the merchant must see). */
export async function failingListingCounts(db: Db, accountId: number, shopIds: number[]): Promise<Map<number, number>> {
  const out = new Map<number, number>(shopIds.map((id) => [id, 0]));
  if (shopIds.length === 0) return out;
  const rows = await db
    .select({ shopId: listings.shopId, n: count() })
    .from(listings)
    .where(
      and(
        eq(listings.accountId, accountId),
        inArray(listings.shopId, shopIds),
        // Word for word the listings_failing_idx condition, so SQLite uses that partial index.
        sql`managed = 1 AND last_result IS NOT NULL AND last_result NOT IN ('ok', 'recheck')`,
      ),
    )
    .groupBy(listings.shopId)
    .all();
  for (const r of rows) out.set(r.shopId, r.n);
  return out;
}

export type ShopHealth = "ok" | "error" | "stopped";
export const HEALTH_LABEL: Record<ShopHealth, string> = { ok: "正常", error: "一時エラー", stopped: "停止中" };

/**
 * What the shop's status line says: 停止中 when stopped, 一時エラー when the last call failed or any
 * listing's last push failed, 正常 only when everything went through.
 */
export function shopHealth(s: Pick<Shop, "status">, failingListings: number): ShopHealth {
  if (s.status === "stopped") return "stopped";
  if (s.status === "retrying" || failingListings > 0) return "error";
  return "ok";
}

/** 対象 listings whose last push the mall refused (an error text, not 'ok' or 'recheck'), first `limit`. */
export async function failingListings(db: Db, accountId: number, limit: number) {
  return db
    .select({ productId: listings.productId, shopId: listings.shopId, lastResult: listings.lastResult })
    .from(listings)
    .where(and(eq(listings.accountId, accountId), sql`managed = 1 AND last_result IS NOT NULL AND last_result NOT IN ('ok', 'recheck')`))
    .limit(limit)
    .all();
}
