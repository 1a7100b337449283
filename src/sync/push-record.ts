import type { Db } from "../env";
import { type MallUpdateRow, recordMallUpdates } from "../db/queries/logs";
import { recordSent, type Shop } from "../db/queries/shops";
import type { MallAdapter, MallContext, PushResult } from "../malls/types";
import type { DueItem } from "./push-plan";

export interface PushOutcome {
  productId: number;
  masterCode: string;
  mallCode: string;
  figure: number;
  ok: boolean;
  error?: string;
  errorClass?: string;
}

/**
 * Rakuten and Yahoo accept a figure for a code they do not know and silently drop it. A code's
 * first push is read back; one the mall does not know becomes an item error (未登録コード) so the
 * merchant sees it instead of believing the shop is in step.
 */
export async function catchUnknownCodes(ctx: MallContext<unknown>, adapter: MallAdapter<unknown>, due: DueItem[], results: PushResult[]): Promise<PushResult[]> {
  const firsts = due.filter((d, i) => results[i].ok && d.first).map((d) => d.mallCode);
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

/** Writes one round of results to the listings and the モール更新ログ. */
export async function recordRound(db: Db, shop: Shop, due: DueItem[], results: PushResult[], attempt: number): Promise<PushOutcome[]> {
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
    attempt,
  }));
  await recordMallUpdates(db, shop.accountId, logRows, at);
  return outcomes.map(({ item, r }) => ({
    productId: item.productId,
    masterCode: item.masterCode,
    mallCode: item.mallCode,
    figure: item.quantity,
    ok: r.ok,
    ...(r.ok ? {} : { error: r.error?.message ?? "error", errorClass: r.error?.errorClass ?? "item" }),
  }));
}
