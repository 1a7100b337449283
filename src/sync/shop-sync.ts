import type { Db } from "../env";
import { operationInsert } from "../db/queries/logs";
import { failingListingCounts, noteOwnSales, type OwnSale, type Shop, updateShop } from "../db/queries/shops";
import { mallContext } from "../malls/context";
import { adapterFor, isMailKind } from "../malls/registry";
import { type MallAdapter, type MallContext, MallError, type OrderLine, type PushResult } from "../malls/types";
import { shopStopped } from "../notify/alerts";
import { takeInLines } from "./intake";
import { type DueItem, planPush } from "./push-plan";
import { catchUnknownCodes, type PushOutcome, recordRound } from "./push-record";

export type { PushOutcome } from "./push-record";

// Pull (取込み) and push (モール更新) for one shop: the code the API's manual triggers and the
// scheduled sync both call. Mall I/O happens only inside the adapter; stock changes only inside
// StockGroup (through takeInLines).

const MAX_PULL_PAGES = 20;
const CAS_STALE = "CHANGE_FROM_QUANTITY_STALE";

export type PullCounts = Record<"applied" | "duplicate" | "unknown_code" | "unmatched" | "ignored", number>;

/**
 * Any failure as a MallError. One that is Kura's own (a D1 statement that failed, a bug) is
 * retried like a transient mall error, but what the merchant reads (the shop's last error, a job's,
 * the モール更新ログ) says so in words: the statement and its parameters go to the log alone.
 */
export function asMallError(err: unknown): MallError {
  if (err instanceof MallError) return err;
  const detail = err instanceof Error ? err.message : String(err);
  if (/Failed query|D1_|SQLITE/i.test(detail)) {
    console.error(JSON.stringify({ msg: "internal error during mall sync", error: detail.slice(0, 2000) }));
    return new MallError("transient", "Kura 内部のデータベースで一時的なエラーが発生しました。自動で再試行します (internal database error; retried)");
  }
  return new MallError("transient", detail);
}

/** Keeps the shop's status honest: auth failures stop it (停止中), others mark it as retrying. */
async function guarded<T>(env: Env, db: Db, shop: Shop, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    const e = asMallError(err);
    // Kura holding itself back (its own pacing of the mall's budget) says nothing about the shop.
    if (e.errorClass === "rate" && (e.opts.code === "PACING" || e.opts.code === "BUDGET")) throw e;
    await updateShop(db, shop.accountId, shop.id, { status: e.errorClass === "auth" ? "stopped" : "retrying", lastError: `${e.errorClass}: ${e.message}` });
    if (e.errorClass === "auth" && shop.status !== "stopped") await shopStopped(env, db, shop, e.message).catch(() => undefined);
    throw e;
  }
}

/**
 * After a call went through: 正常 only when no listing of the shop is failing; otherwise the
 * shop stays 一時エラー with the count and the latest item error, so a shop whose items fail never
 * says 正常.
 */
async function settleStatus(db: Db, shop: Shop, latestItemError: string | null, extra: Partial<Shop> = {}) {
  const failing = (await failingListingCounts(db, shop.accountId, [shop.id])).get(shop.id) ?? 0;
  const lastError = failing === 0 ? null : latestItemError ? `item: ${failing} 件の商品でモール更新に失敗しています (${failing} listings failing). 最新: ${latestItemError}` : shop.lastError;
  await updateShop(db, shop.accountId, shop.id, { ...extra, status: failing === 0 ? "ok" : "retrying", lastError });
}

export interface SyncIo {
  /** Outbound fetch for the mall (the ShopSync object's budgeted one). */
  fetch?: typeof fetch;
}

export interface PullOutcome {
  counts: PullCounts;
  lines: number;
  /** Products whose listing on this shop moved with the shop's own sales (due for a push). */
  ownProducts: number[];
}

export async function pullShop(env: Env, db: Db, shop: Shop, io: SyncIo = {}): Promise<PullOutcome> {
  // An e-mail cart's orders arrive by mail (src/mail/intake.ts); there is nothing to poll.
  if (isMailKind(shop.kind)) return { counts: { applied: 0, duplicate: 0, unknown_code: 0, unmatched: 0, ignored: 0 }, lines: 0, ownProducts: [] };
  const adapter = adapterFor(shop.kind);
  return guarded(env, db, shop, async () => {
    const ctx = await mallContext(env, db, shop, io);
    const ownProducts = new Set<number>();
    const counts: PullCounts = { applied: 0, duplicate: 0, unknown_code: 0, unmatched: 0, ignored: 0 };
    let cursor: unknown = shop.pullCursor ? JSON.parse(shop.pullCursor) : null;
    let lines = 0;
    for (let page = 0; page < MAX_PULL_PAGES; page++) {
      const res = await adapter.fetchOrders(ctx, cursor);
      if (res.lines.length) {
        const taken = await takeInShopLines(env, db, shop, res.lines);
        for (const k of Object.keys(counts) as (keyof PullCounts)[]) counts[k] += taken.counts[k];
        lines += res.lines.length;
        for (const p of taken.ownProducts) ownProducts.add(p);
      }
      // The cursor moves only after the StockGroups accepted the lines.
      cursor = res.cursor;
      await updateShop(db, shop.accountId, shop.id, { pullCursor: JSON.stringify(cursor), lastImportAt: Date.now() });
      if (!res.more) break;
    }
    if (shop.status !== "ok") await settleStatus(db, shop, null);
    return { counts, lines, ownProducts: [...ownProducts] };
  });
}

/**
 * A shop's own order lines (from its poll or its webhooks) into stock, under the shop's one
 * idempotency prefix, so the same order line from either path changes stock once. The mall has
 * already moved its own figure for them: its listings' mall_figure follows.
 */
export async function takeInShopLines(env: Env, db: Db, shop: Shop, lines: OrderLine[]): Promise<{ counts: PullCounts; ownProducts: number[] }> {
  const adapter = adapterFor(shop.kind);
  const src = { key: `shop:${shop.id}`, label: String(shop.id), shopId: shop.id, cancelPolicy: shop.cancelPolicy, defaultRule: adapter.defaultMallCode };
  const counts: PullCounts = { applied: 0, duplicate: 0, unknown_code: 0, unmatched: 0, ignored: 0 };
  if (lines.length === 0) return { counts, ownProducts: [] };
  const results = await takeInLines(
    env,
    db,
    shop.accountId,
    src,
    lines.map((l) => ({ orderId: l.orderId, lineId: l.lineId, code: l.mallCode, quantity: l.quantity, kind: l.kind })),
  );
  for (const r of results) counts[r.result]++;
  // The mall already lowered (or, on a restocking cancel, raised) its own figure.
  const own: OwnSale[] = results.flatMap((r, i) => (r.productId !== undefined && r.units ? [{ productId: r.productId, units: r.units, at: lines[i].at }] : []));
  await noteOwnSales(db, shop.accountId, shop.id, own);
  return { counts, ownProducts: [...new Set(own.map((o) => o.productId))] };
}

/**
 * Sends the shop every figure (SPEC §3.2) that differs from what the mall shows now (`all`: every
 * one). A refused compare-and-swap (Shopify) means the mall sold something Kura has not taken in
 * yet: its orders are taken in and the figure sent again; if the mall still shows something Kura
 * cannot explain (edited in the mall's admin), Kura's figure wins against the figure read back
 * and the difference goes to the 操作ログ. It never becomes a permanent failure.
 */
export async function pushShop(
  env: Env,
  db: Db,
  shop: Shop,
  opts: { all?: boolean; productIds?: number[]; planned?: DueItem[] } & SyncIo = {},
): Promise<PushOutcome[]> {
  if (isMailKind(shop.kind)) return []; // no API to send figures to
  const adapter = adapterFor(shop.kind);
  // `planned`: the caller planned these figures itself (a resync plans its next chunk while the
  // current one is on its way); otherwise they are planned here, just before they go.
  const due = opts.planned ?? (await planPush(env, db, shop, { all: opts.all, productIds: opts.productIds }));
  if (due.length === 0) {
    if (shop.status !== "ok") await settleStatus(db, shop, null);
    return [];
  }
  return guarded(env, db, shop, async () => {
    const ctx = await mallContext(env, db, shop, { fetch: opts.fetch });
    const final = new Map<number, PushOutcome>();
    let round = await sendRound(db, shop, ctx, adapter, due, 1, final);

    let stale = round.filter(({ r }) => !r.ok && r.error?.code === CAS_STALE);
    if (stale.length) {
      if (shop.importEnabled) await pullShop(env, db, shop, { fetch: opts.fetch }).catch(() => undefined);
      const again = await planPush(env, db, shop, { productIds: stale.map(({ item }) => item.productId) });
      round = again.length ? await sendRound(db, shop, ctx, adapter, again, 2, final) : [];
      stale = round.filter(({ r }) => !r.ok && r.error?.code === CAS_STALE && typeof r.observed === "number");
      if (stale.length) {
        const forced = stale.map(({ item, r }) => ({ ...item, expected: r.observed as number }));
        const last = await sendRound(db, shop, ctx, adapter, forced, 3, final);
        for (const { item } of last.filter(({ r }) => r.ok)) {
          const was = stale.find((s) => s.item.productId === item.productId)!;
          await operationInsert(db, shop.accountId, {
            actor: "system",
            action: "shop.drift_corrected",
            target: item.masterCode,
            before: { shopId: shop.id, mallShowed: was.r.observed, kuraExpected: was.item.expected },
            after: { figure: item.quantity, note: "モールの在庫数が Kura の想定と異なったため、Kura の在庫数で上書きしました" },
          }).run();
          console.warn(JSON.stringify({ msg: "mall figure drifted; Kura's figure pushed", shopId: shop.id, masterCode: item.masterCode, mallShowed: was.r.observed, expected: was.item.expected, sent: item.quantity }));
        }
      }
    }
    const outcomes = [...final.values()];
    const failed = outcomes.filter((o) => !o.ok);
    await settleStatus(db, shop, failed.length ? `${failed[failed.length - 1].mallCode}: ${failed[failed.length - 1].error}` : null, outcomes.some((o) => o.ok) ? { lastPushAt: Date.now() } : {});
    return outcomes;
  });
}

/** One call to the mall and its record. A whole-call failure is logged per item, then thrown. */
async function sendRound(db: Db, shop: Shop, ctx: MallContext<unknown>, adapter: MallAdapter<unknown>, due: DueItem[], attempt: number, final: Map<number, PushOutcome>) {
  let results: PushResult[];
  try {
    results = await adapter.pushStock(
      ctx,
      due.map(({ mallCode, quantity, ref, expected }) => ({ mallCode, quantity, ref, expected })),
    );
  } catch (err) {
    // The whole call failed: every item stays 未反映 with the error, and the attempt is logged.
    const e = asMallError(err);
    await recordRound(db, shop, due, due.map((d) => ({ mallCode: d.mallCode, ok: false, error: { errorClass: e.errorClass, message: e.message } })), attempt);
    throw e;
  }
  if (adapter.acceptsUnknownCodes) results = await catchUnknownCodes(ctx, adapter, due, results);
  const outcomes = await recordRound(db, shop, due, results, attempt);
  due.forEach((d, i) => final.set(d.productId, outcomes[i]));
  return due.map((item, i) => ({ item, r: results[i] }));
}
