import type { Db } from "../env";
import { getSettings } from "../db/queries/accounts";
import { listGroups } from "../db/queries/groups";
import { type MallUpdateRow, recordMallUpdates } from "../db/queries/logs";
import { projection, setComponentStock } from "../db/queries/stock";
import { productsWithListing, recordSent, type Shop, updateShop } from "../db/queries/shops";
import { mallContext } from "../malls/context";
import { adapterFor, mallCodeOf } from "../malls/registry";
import { type MallAdapter, type MallContext, MallError, type PushItem, type PushResult } from "../malls/types";
import { computeFigure } from "../stock/figure";
import { takeInLines } from "./intake";

// Pull (取込み) and push (モール更新) for one shop: the code the API's manual triggers and the
// scheduled sync both call. Mall I/O happens only inside the adapter; stock changes only inside
// StockGroup (through takeInLines).

const MAX_PULL_PAGES = 20;
const PUSH_PAGE = 500;

export type PullCounts = Record<"applied" | "duplicate" | "unknown_code" | "unmatched" | "ignored", number>;

/** Keeps the shop's status honest: auth failures stop it (停止中), others mark it as retrying. */
async function guarded<T>(db: Db, shop: Shop, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = err instanceof MallError ? err : new MallError("transient", err instanceof Error ? err.message : String(err));
    await updateShop(db, shop.accountId, shop.id, { status: e.errorClass === "auth" ? "stopped" : "retrying", lastError: `${e.errorClass}: ${e.message}` });
    throw e;
  }
}

export async function pullShop(env: Env, db: Db, shop: Shop): Promise<{ counts: PullCounts; lines: number }> {
  const adapter = adapterFor(shop.kind);
  return guarded(db, shop, async () => {
    const ctx = await mallContext(env, db, shop);
    const counts: PullCounts = { applied: 0, duplicate: 0, unknown_code: 0, unmatched: 0, ignored: 0 };
    let cursor: unknown = shop.pullCursor ? JSON.parse(shop.pullCursor) : null;
    let lines = 0;
    const src = { key: `shop:${shop.id}`, label: String(shop.id), shopId: shop.id, cancelPolicy: shop.cancelPolicy, defaultRule: adapter.defaultMallCode };
    for (let page = 0; page < MAX_PULL_PAGES; page++) {
      const res = await adapter.fetchOrders(ctx, cursor);
      if (res.lines.length) {
        const results = await takeInLines(
          env,
          db,
          shop.accountId,
          src,
          res.lines.map((l) => ({ orderId: l.orderId, lineId: l.lineId, code: l.mallCode, quantity: l.quantity, kind: l.kind })),
        );
        for (const r of results) counts[r.result]++;
        lines += res.lines.length;
      }
      // The cursor moves only after the StockGroups accepted the lines.
      cursor = res.cursor;
      await updateShop(db, shop.accountId, shop.id, { pullCursor: JSON.stringify(cursor), lastImportAt: Date.now(), status: "ok", lastError: null });
      if (!res.more) break;
    }
    return { counts, lines };
  });
}

export interface PushOutcome {
  masterCode: string;
  mallCode: string;
  figure: number;
  ok: boolean;
  error?: string;
  errorClass?: string;
}

/** Sends the shop the figures (SPEC §3.2) that differ from what it was last sent (`all`: every one). */
export async function pushShop(env: Env, db: Db, shop: Shop, opts: { all?: boolean } = {}): Promise<PushOutcome[]> {
  const adapter = adapterFor(shop.kind);
  const settings = await getSettings(db, shop.accountId);
  const groups = new Map((await listGroups(db, shop.accountId)).map((g) => [g.id, g]));
  const due: (PushItem & { productId: number; masterCode: string })[] = [];

  for (let after = 0; ; ) {
    const page = await productsWithListing(db, shop.accountId, shop.id, after, PUSH_PAGE);
    if (page.length === 0) break;
    after = page[page.length - 1].product.id;
    const projected = projection(db, shop.accountId);
    const onHand = await projected(page.map((r) => r.product.id));
    const components = await setComponentStock(db, shop.accountId, page.filter((r) => r.product.isSet).map((r) => r.product.id), projected);
    for (const { product: p, listing: l } of page) {
      const g = groups.get(p.groupId);
      const rules = { reserved: g?.reserved ?? null, ratio: g?.ratio ?? null, salesLimit: g?.salesLimit ?? null };
      const { figure } = computeFigure({
        syncEnabled: settings?.syncEnabled ?? true,
        shop: { updateEnabled: shop.updateEnabled, ratio: shop.ratio, salesLimit: shop.salesLimit },
        product: { syncMode: p.syncMode, reserved: p.reserved, onHand: onHand.get(p.id) ?? 0, isSet: p.isSet },
        group: rules,
        listing: l ? { managed: l.managed, manualFigure: l.manualFigure } : null,
        components: components.get(p.id) ?? [],
      });
      if (figure === null) continue;
      if (!opts.all && l && l.lastResult === "ok" && l.lastSentFigure === figure) continue;
      due.push({
        productId: p.id,
        masterCode: p.masterCode,
        mallCode: mallCodeOf(shop.kind, p.masterCode, l?.mallCode),
        quantity: figure,
        ref: l?.mallRef ?? null,
        expected: l?.lastSentFigure ?? null,
      });
    }
  }
  if (due.length === 0) return [];

  return guarded(db, shop, async () => {
    const ctx = await mallContext(env, db, shop);
    let results: PushResult[];
    try {
      results = await adapter.pushStock(
        ctx,
        due.map(({ mallCode, quantity, ref, expected }) => ({ mallCode, quantity, ref, expected })),
      );
    } catch (err) {
      // The whole call failed: every item stays 未反映 with the error, and the attempt is logged.
      const e = err instanceof MallError ? err : new MallError("transient", String(err));
      results = due.map((d) => ({ mallCode: d.mallCode, ok: false, error: { errorClass: e.errorClass, message: e.message } }));
      await record(db, shop, due, results);
      throw e;
    }
    if (adapter.acceptsUnknownCodes) results = await catchUnknownCodes(ctx, adapter, due, results);
    return record(db, shop, due, results);
  });
}

/**
 * Rakuten and Yahoo accept a figure for a code they do not know and silently drop it. A code's
 * first push is read back; one the mall does not know becomes an item error (未登録コード) so the
 * merchant sees it instead of believing the shop is in step.
 */
async function catchUnknownCodes(
  ctx: MallContext<unknown>,
  adapter: MallAdapter<unknown>,
  due: (PushItem & { productId: number; masterCode: string })[],
  results: PushResult[],
): Promise<PushResult[]> {
  const firsts = due.filter((d, i) => results[i].ok && (d.expected === null || d.expected === undefined)).map((d) => d.mallCode);
  if (firsts.length === 0) return results;
  const known = new Map<string, number | null>();
  for (let i = 0; i < firsts.length; i += adapter.limits.readBatch) {
    for (const r of await adapter.readStock(ctx, firsts.slice(i, i + adapter.limits.readBatch))) known.set(r.mallCode, r.quantity);
  }
  return results.map((r, i) =>
    r.ok && known.has(due[i].mallCode) && known.get(due[i].mallCode) === null
      ? { ...r, ok: false, error: { errorClass: "item", message: `未登録コード: ${due[i].mallCode} はモールに存在しません (code unknown to the mall)` } }
      : r,
  );
}

async function record(db: Db, shop: Shop, due: (PushItem & { productId: number; masterCode: string })[], results: PushResult[]): Promise<PushOutcome[]> {
  const at = Date.now();
  const outcomes = due.map((item, i) => ({ item, r: results[i] }));
  await recordSent(
    db,
    shop.accountId,
    shop.id,
    outcomes.map(({ item, r }) => ({ productId: item.productId, figure: item.quantity, ok: r.ok, result: r.ok ? "ok" : (r.error?.message ?? "error"), mallRef: r.ref ?? null })),
    at,
  );
  const logRows: MallUpdateRow[] = outcomes.map(({ item, r }) => ({
    shopId: shop.id,
    productId: item.productId,
    masterCode: item.masterCode,
    mallCode: item.mallCode,
    figure: item.quantity,
    result: r.ok ? "ok" : (r.error?.message ?? "error"),
    errorClass: r.ok ? null : (r.error?.errorClass ?? "item"),
    attempt: 1,
  }));
  await recordMallUpdates(db, shop.accountId, logRows, at);
  if (outcomes.some(({ r }) => r.ok)) await updateShop(db, shop.accountId, shop.id, { lastPushAt: at, status: "ok", lastError: null });
  return outcomes.map(({ item, r }) => ({
    masterCode: item.masterCode,
    mallCode: item.mallCode,
    figure: item.quantity,
    ok: r.ok,
    ...(r.ok ? {} : { error: r.error?.message ?? "error", errorClass: r.error?.errorClass ?? "item" }),
  }));
}
