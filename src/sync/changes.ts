import { and, eq } from "drizzle-orm";
import type { Db } from "../env";
import { setsUsing } from "../db/queries/products";
import { shops } from "../db/schema";
import { shopSync } from "./shop-sync-client";

// Changes that move a figure without a stock movement — a group's 確保在庫/比率/制限, a listing's
// 管理 or 手動 figure, a product's 連動 or set components, a shop's own rules — mark the
// affected products dirty in the shops' ShopSync objects, exactly as a drain does for movements.

/**
 * These products (and the sets built from them) may show a new figure on these shops (default:
 * every shop taking updates). `urgent` products (sold out) and the sets built from them are due now.
 */
export async function productsChanged(env: Env, db: Db, accountId: number, productIds: number[], opts: { shopIds?: number[]; urgent?: number[] } = {}) {
  if (productIds.length === 0) return;
  const targets =
    opts.shopIds ??
    (await db
      .select({ id: shops.id })
      .from(shops)
      // A 停止中 shop is marked too: its ShopSync sends nothing while it is stopped, but what it
      // lacks must show as 未反映 meanwhile, and go out once its credentials are fixed (kick).
      .where(and(eq(shops.accountId, accountId), eq(shops.updateEnabled, true)))
      .all()).map((s) => s.id);
  if (targets.length === 0) return;
  const sets = await setsUsing(db, accountId, productIds);
  const ids = [...new Set([...productIds, ...sets.map((s) => s.setId)])];
  const soldOut = new Set(opts.urgent ?? []);
  const urgent = [...new Set([...soldOut, ...sets.filter((s) => soldOut.has(s.componentId)).map((s) => s.setId)])];
  await Promise.all(targets.map((shopId) => shopSync(env, { accountId, shopId }).markDirty({ accountId, shopId }, ids, { urgent })));
}

/** Every product is due on this shop (new shop, credentials replaced, its rules or モール更新 changed). */
export async function shopChanged(env: Env, accountId: number, shopId: number) {
  const ref = { accountId, shopId };
  const stub = shopSync(env, ref);
  await stub.markAll(ref);
  await stub.kick(ref);
}
