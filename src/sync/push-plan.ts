import type { Db } from "../env";
import { getSettings } from "../db/queries/accounts";
import { listGroups } from "../db/queries/groups";
import { setComponentStock } from "../db/queries/stock";
import { productsWithListing, productsWithListingByIds, type Shop } from "../db/queries/shops";
import { mallCodeOf } from "../malls/registry";
import type { PushItem } from "../malls/types";
import { computeFigure } from "../stock/figure";
import { liveStockAcross } from "../stock/live";

// Which figures a shop must be sent (SPEC §3.2), computed from the StockGroups themselves: a push
// caused by a change must never send a figure older than that change (the D1 projection trails
// the objects by up to a second).

const PAGE = 500;

export interface DueItem extends PushItem {
  productId: number;
  masterCode: string;
  /** Never accepted by this shop before (Rakuten/Yahoo read such a push back: 未登録コード). */
  first: boolean;
}

export interface PlanOptions {
  /** Every managed listing, whether or not the mall already shows its figure (一括反映). */
  all?: boolean;
  /** Only these products (a retry after a refused compare-and-swap). */
  productIds?: number[];
}

export async function planPush(env: Env, db: Db, shop: Shop, opts: PlanOptions = {}): Promise<DueItem[]> {
  const settings = await getSettings(db, shop.accountId);
  const groups = new Map((await listGroups(db, shop.accountId)).map((g) => [g.id, g]));
  const due: DueItem[] = [];

  const pages = opts.productIds ? [productsWithListingByIds(db, shop.accountId, shop.id, opts.productIds)] : null;
  for (let after = 0, n = 0; ; n++) {
    const page = pages ? (n === 0 ? await pages[0] : []) : await productsWithListing(db, shop.accountId, shop.id, after, PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1].product.id;
    const live = liveStockAcross(env, db, shop.accountId, new Map(page.map((r) => [r.product.id, r.product.groupId])));
    const onHand = await live(page.filter((r) => !r.product.isSet).map((r) => r.product.id));
    const components = await setComponentStock(db, shop.accountId, page.filter((r) => r.product.isSet).map((r) => r.product.id), live);
    for (const { product: p, listing: l } of page) {
      const g = groups.get(p.groupId);
      const { figure } = computeFigure({
        syncEnabled: settings?.syncEnabled ?? true,
        shop: { updateEnabled: shop.updateEnabled, ratio: shop.ratio, salesLimit: shop.salesLimit },
        product: { syncMode: p.syncMode, reserved: p.reserved, onHand: onHand.get(p.id) ?? 0, isSet: p.isSet },
        group: { reserved: g?.reserved ?? null, ratio: g?.ratio ?? null, salesLimit: g?.salesLimit ?? null },
        listing: l ? { managed: l.managed, manualFigure: l.manualFigure } : null,
        components: components.get(p.id) ?? [],
      });
      if (figure === null) continue;
      // What the mall shows now: what it last accepted, moved by its own sales taken in since.
      const showing = l?.lastSentFigure === null || l?.lastSentFigure === undefined ? null : (l.mallFigure ?? l.lastSentFigure);
      if (!opts.all && l && l.lastResult === "ok" && showing === figure) continue;
      due.push({
        productId: p.id,
        masterCode: p.masterCode,
        mallCode: mallCodeOf(shop.kind, p.masterCode, l?.mallCode),
        quantity: figure,
        ref: l?.mallRef ?? null,
        expected: showing,
        first: showing === null,
      });
    }
    if (pages) break;
  }
  return due;
}
