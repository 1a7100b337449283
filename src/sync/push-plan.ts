import type { Db } from "../env";
import { getSettings } from "../db/queries/accounts";
import { type Group, listGroups } from "../db/queries/groups";
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
  const ctx = { env, db, shop, groups, syncEnabled: settings?.syncEnabled ?? true, all: opts.all ?? false };
  if (opts.productIds) return dueIn(ctx, await productsWithListingByIds(db, shop.accountId, shop.id, opts.productIds));
  const due: DueItem[] = [];
  for (let after = 0; ; ) {
    const page = await productsWithListing(db, shop.accountId, shop.id, after, PAGE);
    if (page.length === 0) return due;
    after = page[page.length - 1].product.id;
    due.push(...(await dueIn(ctx, page)));
  }
}

type Row = Awaited<ReturnType<typeof productsWithListing>>[number];

/** The listings of `page` whose figure the mall does not show now (every one with `all`). */
async function dueIn(
  ctx: { env: Env; db: Db; shop: Shop; groups: Map<number, Group>; syncEnabled: boolean; all: boolean },
  page: Row[],
): Promise<DueItem[]> {
  const { env, db, shop } = ctx;
  const live = liveStockAcross(env, db, shop.accountId, new Map(page.map((r) => [r.product.id, r.product.groupId])));
  const onHand = await live(page.filter((r) => !r.product.isSet).map((r) => r.product.id));
  const components = await setComponentStock(db, shop.accountId, page.filter((r) => r.product.isSet).map((r) => r.product.id), live);
  const due: DueItem[] = [];
  for (const { product: p, listing: l } of page) {
    const g = ctx.groups.get(p.groupId);
    const { figure } = computeFigure({
      syncEnabled: ctx.syncEnabled,
      shop: { updateEnabled: shop.updateEnabled, ratio: shop.ratio, salesLimit: shop.salesLimit },
      product: { syncMode: p.syncMode, reserved: p.reserved, onHand: onHand.get(p.id) ?? 0, isSet: p.isSet },
      group: { reserved: g?.reserved ?? null, ratio: g?.ratio ?? null, salesLimit: g?.salesLimit ?? null },
      listing: l ? { managed: l.managed, manualFigure: l.manualFigure } : null,
      components: components.get(p.id) ?? [],
    });
    if (figure === null) continue;
    // What the mall shows now: what it last accepted, moved by its own sales taken in since.
    const showing = l?.lastSentFigure === null || l?.lastSentFigure === undefined ? null : (l.mallFigure ?? l.lastSentFigure);
    if (!ctx.all && l && l.lastResult === "ok" && showing === figure) continue;
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
  return due;
}
