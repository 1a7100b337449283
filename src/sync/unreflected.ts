import type { Db } from "../env";
import { operationInsert } from "../db/queries/logs";
import { getProductsByCodes, getProductsByIds, type Product } from "../db/queries/products";
import { failingListings, listShops } from "../db/queries/shops";
import { shopSync } from "./shop-sync-client";

// 未反映変更: products some shop has not been sent the current figure of — waiting in the shop's
// ShopSync, or refused by the mall on the last push — and a way to send them first. Shared by
// GET/POST /api/v1/unreflected and the dashboard's 未反映変更 list.

/** How many products each source is read up to; more than this and the list says it is cut. */
export const UNREFLECTED_MAX = 1000;

export interface UnreflectedShop {
  shopId: number;
  shopName: string;
  /** waiting: due to be sent; error: the mall refused the last push. */
  reason: "waiting" | "error";
  error: string | null;
}

export interface UnreflectedProduct {
  masterCode: string;
  name: string;
  shops: UnreflectedShop[];
}

export async function listUnreflected(env: Env, db: Db, accountId: number, limit: number): Promise<{ items: UnreflectedProduct[]; total: number; truncated: boolean }> {
  const MAX = UNREFLECTED_MAX;
  const [shops, failing] = await Promise.all([listShops(db, accountId), failingListings(db, accountId, MAX)]);
  const waiting = await Promise.all(shops.map((s) => shopSync(env, { accountId, shopId: s.id }).pending({ accountId, shopId: s.id }, MAX)));
  const byProduct = new Map<number, Map<number, { reason: "waiting" | "error"; error: string | null }>>();
  const note = (productId: number, shopId: number, v: { reason: "waiting" | "error"; error: string | null }) => {
    if (!byProduct.has(productId)) byProduct.set(productId, new Map());
    const m = byProduct.get(productId)!;
    if (!m.has(shopId) || v.reason === "error") m.set(shopId, v); // a refused push says more than "waiting"
  };
  shops.forEach((s, i) => waiting[i].forEach((id) => note(id, s.id, { reason: "waiting", error: null })));
  failing.forEach((f) => note(f.productId, f.shopId, { reason: "error", error: f.lastResult }));
  const products = (await getProductsByIds(db, accountId, [...byProduct.keys()])).sort((a, b) => (a.masterCode < b.masterCode ? -1 : 1));
  const shopName = new Map(shops.map((s) => [s.id, s.name]));
  const items = products.slice(0, limit).map((p) => ({
    masterCode: p.masterCode,
    name: p.name,
    shops: [...byProduct.get(p.id)!].filter(([id]) => shopName.has(id)).map(([shopId, v]) => ({ shopId, shopName: shopName.get(shopId)!, ...v })),
  }));
  const truncated = products.length > limit || failing.length >= MAX || waiting.some((w) => w.length >= MAX);
  return { items, total: products.length, truncated };
}

/**
 * Sends these products' figures to every shop that takes pushes, now, ahead of other work; one
 * 操作ログ entry names who asked. Returns the products found (codes of none are left out).
 */
export async function sendNow(env: Env, db: Db, accountId: number, actor: string, codes: string[]): Promise<{ found: Product[]; shops: number }> {
  const found = await getProductsByCodes(db, accountId, [...new Set(codes)]);
  if (found.length === 0) return { found, shops: 0 };
  const ids = found.map((p) => p.id);
  const shops = (await listShops(db, accountId)).filter((s) => s.updateEnabled && s.status !== "stopped");
  await Promise.all(shops.map((s) => shopSync(env, { accountId, shopId: s.id }).markDirty({ accountId, shopId: s.id }, ids, { urgent: ids })));
  await operationInsert(db, accountId, { actor, action: "sync.urgent", target: "unreflected", after: { codes: found.map((p) => p.masterCode) } });
  return { found, shops: shops.length };
}
