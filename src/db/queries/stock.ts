import { and, eq, inArray } from "drizzle-orm";
import type { Db } from "../../env";
import { type ComponentStock, effectiveReserved } from "../../stock/figure";
import { stock } from "../schema";
import { listGroups } from "./groups";
import { getComponents, getProductsByIds } from "./products";

export type OnHandSource = (productIds: number[]) => Promise<Map<number, number>>;

/** on_hand from the D1 projection (at most about a second behind the StockGroups). */
export function projection(db: Db, accountId: number): OnHandSource {
  return async (ids) => {
    const out = new Map<number, number>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 90) {
      const rows = await db
        .select({ id: stock.productId, onHand: stock.onHand })
        .from(stock)
        .where(and(eq(stock.accountId, accountId), inArray(stock.productId, unique.slice(i, i + 90))))
        .all();
      for (const r of rows) out.set(r.id, r.onHand);
    }
    return out;
  };
}

/**
 * What the figure rule needs of each set's components (SPEC §3.2 step 3): their on_hand from
 * `onHand` (the projection, or the StockGroup itself when it must be exact) and their effective
 * 確保在庫 (the component's own, else its group's).
 */
export async function setComponentStock(db: Db, accountId: number, setIds: number[], onHand: OnHandSource): Promise<Map<number, ComponentStock[]>> {
  const out = new Map<number, ComponentStock[]>();
  const comps = await getComponents(db, accountId, setIds);
  if (comps.length === 0) return out;
  const ids = comps.map((c) => c.componentId);
  const [products, groups, figures] = await Promise.all([getProductsByIds(db, accountId, ids), listGroups(db, accountId), onHand(ids)]);
  for (const c of comps) {
    const p = products.find((x) => x.id === c.componentId);
    const g = groups.find((x) => x.id === p?.groupId);
    const reserved = effectiveReserved(p?.reserved ?? null, { reserved: g?.reserved ?? null, ratio: null, salesLimit: null });
    out.set(c.setId, [...(out.get(c.setId) ?? []), { masterCode: c.masterCode, onHand: figures.get(c.componentId) ?? 0, reserved, quantity: c.quantity }]);
  }
  return out;
}
