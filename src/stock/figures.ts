import { and, asc, eq } from "drizzle-orm";
import { isMailKind } from "../malls/registry";
import type { Db } from "../env";
import { getSettings } from "../db/queries/accounts";
import { getGroup } from "../db/queries/groups";
import type { Product } from "../db/queries/products";
import { setComponentStock } from "../db/queries/stock";
import { listings, shops } from "../db/schema";
import { computeFigure, type FigureResult } from "./figure";
import { liveStock } from "./live";

export interface ShopFigure extends FigureResult {
  shopId: number;
  shopName: string;
  kind: string;
  lastSentFigure: number | null;
  lastSentAt: string | null;
}

/** "Why is this N?": the figure each of the account's shops is sent for one product, with its trace. */
export async function figuresFor(env: Env, db: Db, accountId: number, p: Product): Promise<ShopFigure[]> {
  const [settings, group, shopRows, listingRows] = await Promise.all([
    getSettings(db, accountId),
    getGroup(db, accountId, p.groupId),
    db.select().from(shops).where(eq(shops.accountId, accountId)).orderBy(asc(shops.id)).all(),
    db.select().from(listings).where(and(eq(listings.accountId, accountId), eq(listings.productId, p.id))).all(),
  ]);
  const rules = { reserved: group?.reserved ?? null, ratio: group?.ratio ?? null, salesLimit: group?.salesLimit ?? null };
  // Authoritative figures from the group's object, not the projection.
  const live = liveStock(env, { accountId, groupId: p.groupId });
  const onHand = (await live([p.id])).get(p.id) ?? 0;
  const components = p.isSet ? ((await setComponentStock(db, accountId, [p.id], live)).get(p.id) ?? []) : [];

  return shopRows.map((s) => {
    const l = listingRows.find((x) => x.shopId === s.id) ?? null;
    const result = computeFigure({
      syncEnabled: settings?.syncEnabled ?? true,
      shop: { updateEnabled: s.updateEnabled, ratio: s.ratio, salesLimit: s.salesLimit, mail: isMailKind(s.kind) },
      product: { syncMode: p.syncMode, reserved: p.reserved, onHand, isSet: p.isSet },
      group: rules,
      // No listing row yet: the product is 対象 on every shop by default.
      listing: l ? { managed: l.managed, manualFigure: l.manualFigure } : null,
      components,
    });
    return {
      shopId: s.id,
      shopName: s.name,
      kind: s.kind,
      ...result,
      lastSentFigure: l?.lastSentFigure ?? null,
      lastSentAt: l?.lastSentAt ? new Date(l.lastSentAt).toISOString() : null,
    };
  });
}
