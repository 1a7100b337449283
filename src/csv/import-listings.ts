import { sql } from "drizzle-orm";
import type { Db } from "../env";

// The per-shop cells of an import (管理, モールコード) and a mappings file's rows, as listings.

/** The per-shop cells that change something: a listing not there yet counts as 対象 with no 別品番. */
export async function changedListings<T extends { productId: number; shopId: number; managed?: boolean; mallCode?: string }>(db: Db, accountId: number, list: T[]): Promise<T[]> {
  const wanted = list.filter((l) => l.managed !== undefined || l.mallCode !== undefined);
  if (wanted.length === 0) return [];
  const rows = await db.all<{ product_id: number; shop_id: number; managed: number; mall_code: string | null }>(sql`
    SELECT product_id, shop_id, managed, mall_code FROM listings
     WHERE account_id = ${accountId} AND product_id IN (SELECT value FROM json_each(${JSON.stringify([...new Set(wanted.map((l) => l.productId))])}))`);
  const now = new Map(rows.map((r) => [`${r.product_id}:${r.shop_id}`, r]));
  return wanted.filter((l) => {
    const cur = now.get(`${l.productId}:${l.shopId}`);
    const managed = cur ? cur.managed === 1 : true;
    const mallCode = cur?.mall_code ?? null;
    return (l.managed !== undefined && l.managed !== managed) || (l.mallCode !== undefined && l.mallCode !== mallCode);
  });
}

/**
 * Per-shop 管理 and モールコード. A listing is created with the defaults (対象, no 別品番) and then
 * given what the file says; an empty cell leaves the field as it is — except in a mappings file,
 * where an empty モールコード clears the 別品番 (`clearEmpty`).
 */
export async function upsertListings(db: Db, accountId: number, list: { productId: number; shopId: number; managed?: boolean; mallCode?: string | null }[], now: number, clearEmpty = false) {
  const values = list.filter((l) => clearEmpty || l.managed !== undefined || l.mallCode !== undefined).map((l) => ({ p: l.productId, s: l.shopId, m: l.managed ?? null, c: l.mallCode ?? null }));
  if (values.length === 0) return;
  const json = JSON.stringify(values);
  await db.run(sql`
      INSERT INTO listings (account_id, product_id, shop_id, managed, mall_code, updated_at)
      SELECT ${accountId}, json_extract(value, '$.p'), json_extract(value, '$.s'), 1, NULL, ${now} FROM json_each(${json}) WHERE true
      ON CONFLICT (product_id, shop_id) DO NOTHING`);
  await db.run(
      clearEmpty
        ? sql`UPDATE listings SET mall_code = j.c, mall_ref = CASE WHEN j.c IS listings.mall_code THEN listings.mall_ref ELSE NULL END, updated_at = ${now}
                FROM (SELECT json_extract(value, '$.p') AS p, json_extract(value, '$.s') AS s, json_extract(value, '$.c') AS c FROM json_each(${json})) AS j
               WHERE listings.product_id = j.p AND listings.shop_id = j.s AND listings.account_id = ${accountId}`
        : sql`UPDATE listings SET managed = COALESCE(j.m, listings.managed), mall_code = COALESCE(j.c, listings.mall_code),
                     mall_ref = CASE WHEN j.c IS NULL OR j.c IS listings.mall_code THEN listings.mall_ref ELSE NULL END, updated_at = ${now}
                FROM (SELECT json_extract(value, '$.p') AS p, json_extract(value, '$.s') AS s, json_extract(value, '$.m') AS m, json_extract(value, '$.c') AS c FROM json_each(${json})) AS j
               WHERE listings.product_id = j.p AND listings.shop_id = j.s AND listings.account_id = ${accountId}`,
  );
}
