import { and, eq, isNull, sql } from "drizzle-orm";
import type { Db } from "../env";
import { operationInsert } from "../db/queries/logs";
import type { Shop } from "../db/queries/shops";
import { drift, listings, products } from "../db/schema";
import { mallContext } from "../malls/context";
import { adapterFor } from "../malls/registry";
import type { StockReading } from "../malls/types";
import { notify } from "../notify/notifications";
import { stockGroup } from "../stock/client";

// Drift: a mall showing another figure than the one it should show now (listings.mall_figure:
// what it last accepted, moved by its own sales since). The usual cause is a figure typed into
// the mall's own admin screen. ShopSync reads listings back within a small share of the shop's
// budget (and at once for a Shopify inventory_levels/update webhook); what differs is recorded
// and handled as the shop's driftPolicy says: report (通知のみ), fix (自動修正: Kura's figure is
// sent again), accept (取り込む: the difference becomes a stock adjustment through StockGroup).

/** The share of a shop's request budget the scheduled walk may spend. */
export const DRIFT_SHARE = 0.1;
/** A listing is read back by the walk at most this often (a full pass at most once a day). */
export const DRIFT_PASS_MS = 86_400_000;
/** The walk's unspent allowance is kept up to this many seconds of its share (a quiet hour does not buy a burst). */
export const DRIFT_ALLOWANCE_SEC = 300;

/** At most this many requests per scheduled step (one a minute): a minute's share, at least one. */
export function driftStepRequests(kind: string): number {
  return Math.max(1, adapterFor(kind).limits.requestsPerSecond * 60 * DRIFT_SHARE);
}

export const DRIFT_CAUSE = {
  ja: "モール管理画面で在庫数が変更された可能性があります",
  en: "The figure may have been changed in the mall's own admin screen",
};

export interface DriftCandidate {
  productId: number;
  groupId: number;
  isSet: boolean;
  masterCode: string;
  mallCode: string;
  mallFigure: number;
}

export interface DriftFound {
  productId: number;
  masterCode: string;
  mallCode: string;
  mallFigure: number;
  kuraFigure: number;
  action: "report" | "fix" | "accept";
}

export interface DriftOutcome {
  checked: number;
  found: DriftFound[];
}

/**
 * Listings of the shop to read back: given products (a webhook named them), or the walk's next
 * `limit` — those not read within DRIFT_PASS_MS, the most recently sent first.
 */
export async function driftCandidates(db: Db, shop: Shop, opts: { productIds?: number[]; limit?: number; now?: number }): Promise<DriftCandidate[]> {
  const adapter = adapterFor(shop.kind);
  const now = opts.now ?? Date.now();
  const base = and(
    eq(listings.accountId, shop.accountId),
    eq(listings.shopId, shop.id),
    eq(listings.managed, true),
    sql`${listings.mallFigure} IS NOT NULL`,
    // A figure whose acceptance is in doubt is being checked by the push path already.
    sql`(${listings.lastResult} IS NULL OR ${listings.lastResult} <> 'recheck')`,
  );
  const where = opts.productIds
    ? and(base, sql`${listings.productId} IN (SELECT value FROM json_each(${JSON.stringify(opts.productIds)}))`)
    : and(base, sql`(${listings.driftCheckedAt} IS NULL OR ${listings.driftCheckedAt} < ${now - DRIFT_PASS_MS})`);
  const q = db
    .select({ productId: listings.productId, groupId: products.groupId, isSet: products.isSet, masterCode: products.masterCode, mallCode: listings.mallCode, mallFigure: listings.mallFigure })
    .from(listings)
    .innerJoin(products, eq(products.id, listings.productId))
    .where(where)
    .orderBy(sql`${listings.lastSentAt} DESC NULLS LAST`, listings.productId);
  const rows = opts.limit !== undefined ? await q.limit(opts.limit).all() : await q.all();
  return rows.map((r) => ({ ...r, mallCode: r.mallCode ?? adapter.defaultMallCode(r.masterCode), mallFigure: r.mallFigure! }));
}

export interface DriftIo {
  fetch: typeof fetch;
  /** Takes the shop's orders in (a sale not yet taken in also makes the mall show less). */
  pull: () => Promise<unknown>;
  /** Marks products due for a push on this shop. */
  mark: (productIds: number[]) => void;
}

/** Reads the candidates back, confirms differences and handles them per the shop's driftPolicy. */
export async function checkDrift(env: Env, db: Db, shop: Shop, candidates: DriftCandidate[], io: DriftIo): Promise<DriftOutcome> {
  if (candidates.length === 0) return { checked: 0, found: [] };
  const adapter = adapterFor(shop.kind);
  const ctx = await mallContext(env, db, shop, { fetch: io.fetch });
  const read = async (codes: string[]) => {
    const out = new Map<string, number | null>();
    for (let i = 0; i < codes.length; i += adapter.limits.readBatch) {
      for (const r of (await adapter.readStock(ctx, codes.slice(i, i + adapter.limits.readBatch))) as StockReading[]) out.set(r.mallCode, r.quantity);
    }
    return out;
  };
  const now = Date.now();
  const first = await read(candidates.map((c) => c.mallCode));
  let suspects = candidates.filter((c) => differs(first.get(c.mallCode), c.mallFigure));
  let seen = first;
  if (suspects.length && shop.importEnabled) {
    // A sale on the mall not taken in yet looks like drift: take the orders in, then look again.
    await io.pull().catch(() => undefined);
    const fresh = new Map((await driftCandidates(db, shop, { productIds: suspects.map((s) => s.productId) })).map((c) => [c.productId, c]));
    suspects = suspects.flatMap((s) => (fresh.has(s.productId) ? [fresh.get(s.productId)!] : []));
    seen = await read(suspects.map((s) => s.mallCode));
    suspects = suspects.filter((c) => differs(seen.get(c.mallCode), c.mallFigure));
  }

  const drifted = new Set(suspects.map((s) => s.productId));
  const inStep = candidates.filter((c) => !drifted.has(c.productId)).map((c) => c.productId);
  await db
    .update(listings)
    .set({ driftCheckedAt: now })
    .where(and(eq(listings.shopId, shop.id), sql`${listings.productId} IN (SELECT value FROM json_each(${JSON.stringify(candidates.map((c) => c.productId))}))`));
  if (inStep.length) {
    await db
      .update(drift)
      .set({ resolvedAt: now })
      .where(and(eq(drift.shopId, shop.id), isNull(drift.resolvedAt), sql`${drift.productId} IN (SELECT value FROM json_each(${JSON.stringify(inStep)}))`));
  }
  const found: DriftFound[] = [];
  for (const c of suspects) found.push(await handle(env, db, shop, c, seen.get(c.mallCode)!, now, io));
  return { checked: candidates.length, found };
}

const differs = (mall: number | null | undefined, expected: number) => typeof mall === "number" && mall !== expected;

async function handle(env: Env, db: Db, shop: Shop, c: DriftCandidate, mall: number, now: number, io: DriftIo): Promise<DriftFound> {
  // A set's figure is derived from its components: there is no stock of its own to adjust.
  const action = shop.driftPolicy === "accept" && c.isSet ? "report" : shop.driftPolicy;
  const row = { mallCode: c.mallCode, mallFigure: mall, kuraFigure: c.mallFigure, seenAt: now, action };
  const open = await db.select({ id: drift.id }).from(drift).where(and(eq(drift.shopId, shop.id), eq(drift.productId, c.productId), isNull(drift.resolvedAt))).get();
  const id = open
    ? (await db.update(drift).set(row).where(eq(drift.id, open.id)).returning({ id: drift.id }).get())!.id
    : (await db.insert(drift).values({ ...row, accountId: shop.accountId, shopId: shop.id, productId: c.productId, masterCode: c.masterCode, firstSeenAt: now }).returning({ id: drift.id }).get())!.id;

  if (action === "accept") {
    // Before the listing moves on: a retry after a failure in between finds the same drift and
    // the same key, and the StockGroup takes the adjustment once.
    const delta = mall - c.mallFigure;
    const ref = { accountId: shop.accountId, groupId: c.groupId };
    await stockGroup(env, ref).changeStock(ref, {
      productId: c.productId,
      masterCode: c.masterCode,
      mode: "adjust",
      quantity: delta,
      actor: "system",
      reason: `モール在庫の取り込み: ${shop.name} の在庫数 ${mall} (Kura の想定 ${c.mallFigure}) / drift accepted from ${shop.name}`,
      idempotencyKey: `drift:${shop.id}:${c.productId}:${id}:${c.mallFigure}>${mall}`,
    });
  }
  if (action === "fix" || action === "accept") {
    // The mall shows `mall` now, whatever it should have shown: the next push starts from there.
    await db.update(listings).set({ mallFigure: mall }).where(and(eq(listings.shopId, shop.id), eq(listings.productId, c.productId)));
  }
  // Fixed: Kura's figure goes out again. Accepted: Kura's new figure may differ from the mall's
  // (ratios, caps), and only a push can tell.
  if (action !== "report") io.mark([c.productId]);

  await operationInsert(db, shop.accountId, {
    actor: "system",
    action: "shop.drift_found",
    target: c.masterCode,
    before: { shopId: shop.id, mallCode: c.mallCode, kuraFigure: c.mallFigure },
    after: { mallFigure: mall, policy: action, cause: DRIFT_CAUSE.ja },
  });
  await notify(env, db, shop.accountId, {
    cause: "drift",
    subject: `${shop.id}:${c.masterCode}`,
    messageJa: `${shop.name} の ${c.masterCode}: モールの在庫数 ${mall}、Kura の想定 ${c.mallFigure}。${DRIFT_CAUSE.ja}。${ACTION_JA[action]}`,
    messageEn: `${shop.name}, ${c.masterCode}: the mall shows ${mall}, Kura expected ${c.mallFigure}. ${DRIFT_CAUSE.en}. ${ACTION_EN[action]}`,
  });
  return { productId: c.productId, masterCode: c.masterCode, mallCode: c.mallCode, mallFigure: mall, kuraFigure: c.mallFigure, action };
}

const ACTION_JA = { report: "通知のみ (変更していません)。", fix: "Kura の在庫数で上書きします (自動修正)。", accept: "モールの在庫数を取り込みました (在庫調整)。" } as const;
const ACTION_EN = { report: "Reported only (nothing changed).", fix: "Kura's figure is being sent again (auto-fix).", accept: "The mall's figure was taken in (stock adjustment)." } as const;
