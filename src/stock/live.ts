import type { Db } from "../env";
import { getProductsByIds } from "../db/queries/products";
import type { OnHandSource } from "../db/queries/stock";
import { stockGroup } from "./client";
import type { GroupRef } from "./types";

/** on_hand read from the group's StockGroup itself: exact, for answers that must not lag. */
export function liveStock(env: Env, ref: GroupRef): OnHandSource {
  return async (ids) => new Map((await stockGroup(env, ref).getStock(ref, ids)).map((r) => [r.productId, r.onHand]));
}

/**
 * on_hand of products in any of the account's groups, read from their StockGroups (one call per
 * group), never from the projection that trails them. `groupOf` says where known products live;
 * others are looked up once in D1 and remembered.
 */
export function liveStockAcross(env: Env, db: Db, accountId: number, groupOf: Map<number, number>): OnHandSource {
  return async (ids) => {
    const unique = [...new Set(ids)];
    const unknown = unique.filter((id) => !groupOf.has(id));
    if (unknown.length) for (const p of await getProductsByIds(db, accountId, unknown)) groupOf.set(p.id, p.groupId);
    const byGroup = new Map<number, number[]>();
    for (const id of unique) {
      const g = groupOf.get(id);
      if (g !== undefined) byGroup.set(g, [...(byGroup.get(g) ?? []), id]);
    }
    const out = new Map<number, number>();
    await Promise.all(
      [...byGroup].map(async ([groupId, part]) => {
        for (const [id, onHand] of await liveStock(env, { accountId, groupId })(part)) out.set(id, onHand);
      }),
    );
    return out;
  };
}
