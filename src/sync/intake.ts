import type { Db } from "../env";
import { recordUntakenLines, type UntakenLine } from "../db/queries/logs";
import { type ResolvedCode, resolveCodes } from "../db/queries/products";
import { stockGroup } from "../stock/client";
import type { LineResult, SaleLineIn } from "../stock/types";

// Every sale and cancel — from the API, a shop's order poll, a webhook or an e-mail — enters
// stock here: codes are resolved to products, lines are grouped by the StockGroup that owns
// them, and each object applies its lines idempotently.

export interface IntakeSource {
  /** Stable idempotency prefix: "shop:<id>" or "ext:<name>". */
  key: string;
  /** As shown in the 販売ログ: the shop id or the outside system's name. */
  label: string;
  shopId: number | null;
  cancelPolicy: "restore" | "ignore";
  /** The shop's mall rule from master code to mall code (MALLS.md §8), for codes without an override. */
  defaultRule?: (masterCode: string) => string;
}

export interface IntakeLine {
  orderId: string;
  lineId: string;
  code: string;
  quantity: number;
  kind: "sale" | "cancel";
}

export interface IntakeResult {
  orderId: string;
  lineId: string;
  kind: "sale" | "cancel";
  result: LineResult | "ignored";
  /** The product the line's code resolved to (absent for an unknown code). */
  productId?: number;
  /** Units of that product the line moved (see SaleLineOut.units); 0 when nothing moved. */
  units?: number;
  onHand?: number;
  pending?: boolean;
  oversold?: boolean;
}

// Master codes seen from outside systems (POS, ERP) resolve through a short per-isolate cache, so
// such a sale costs one Durable Object call and no D1 read. It is safe because a master code
// never changes its product: a product moved to another group is forwarded by its old object, and
// a deleted one is answered "unknown" by its object, upon which the entry is dropped and the line
// resolved again from D1 (it may have been re-created under the same code). Shop lines are not
// cached: a shop's 別品番紐づけ can change what a mall code means at any time.
const CODE_TTL_MS = 60_000;
const CODE_CACHE_MAX = 10_000;
const codeCache = new Map<string, { r: ResolvedCode; until: number }>();
const cacheKey = (accountId: number, code: string) => `${accountId} ${code}`;

export async function takeInLines(env: Env, db: Db, accountId: number, src: IntakeSource, lines: IntakeLine[]): Promise<IntakeResult[]> {
  const cacheable = src.shopId === null;
  const fromCache = new Map<string, ResolvedCode>();
  if (cacheable) {
    const now = Date.now();
    for (const l of lines) {
      const hit = codeCache.get(cacheKey(accountId, l.code));
      if (hit && hit.until > now) fromCache.set(l.code, hit.r);
    }
  }
  const fresh = await resolveCodes(db, accountId, src.shopId, lines.map((l) => l.code).filter((c) => !fromCache.has(c)), src.defaultRule);
  if (cacheable) {
    for (const [code, r] of fresh) {
      if (codeCache.size >= CODE_CACHE_MAX) codeCache.delete(codeCache.keys().next().value!);
      codeCache.set(cacheKey(accountId, code), { r, until: Date.now() + CODE_TTL_MS });
    }
  }
  const results = await apply(env, db, accountId, src, lines, new Map([...fromCache, ...fresh]));

  const stale = lines.flatMap((l, i) => (results[i].result === "unknown_code" && fromCache.has(l.code) ? [i] : []));
  if (stale.length) {
    for (const i of stale) codeCache.delete(cacheKey(accountId, lines[i].code));
    const again = await takeInLines(env, db, accountId, src, stale.map((i) => lines[i]));
    stale.forEach((i, j) => (results[i] = again[j]));
  }
  return results;
}

async function apply(env: Env, db: Db, accountId: number, src: IntakeSource, lines: IntakeLine[], resolved: Map<string, ResolvedCode>): Promise<IntakeResult[]> {
  const at = Date.now();
  const results: IntakeResult[] = new Array(lines.length);
  const untaken: UntakenLine[] = [];
  const byGroup = new Map<number, { index: number; line: SaleLineIn }[]>();

  lines.forEach((l, index) => {
    const key = `${src.key}|${l.orderId}|${l.lineId}`;
    const base = { orderId: l.orderId, lineId: l.lineId, kind: l.kind };
    const product = resolved.get(l.code);
    const skip = !product ? "unknown_code" : l.kind === "cancel" && src.cancelPolicy === "ignore" ? "ignored" : null;
    if (skip) {
      untaken.push({
        at, source: src.label, shopId: src.shopId, orderId: l.orderId, lineId: l.lineId, kind: l.kind,
        mallCode: l.code, masterCode: product?.masterCode ?? null, productId: product?.productId ?? null,
        quantity: l.quantity, result: skip, lineKey: `${key}|${l.kind}`,
      });
      results[index] = { ...base, result: skip, productId: product?.productId };
      return;
    }
    const line: SaleLineIn = {
      key, productId: product!.productId, masterCode: product!.masterCode, kind: l.kind, quantity: l.quantity,
      // Logged and moved at the time Kura took the line in (販売ログ: 取込み日時), not the order time.
      source: src.label, shopId: src.shopId, orderId: l.orderId, lineId: l.lineId, mallCode: l.code,
    };
    byGroup.set(product!.groupId, [...(byGroup.get(product!.groupId) ?? []), { index, line }]);
  });

  await recordUntakenLines(db, accountId, untaken);
  await Promise.all(
    [...byGroup].map(async ([groupId, items]) => {
      const ref = { accountId, groupId };
      const out = await stockGroup(env, ref).applySales(ref, items.map((i) => i.line));
      items.forEach(({ index, line }, i) => {
        const r = out[i];
        results[index] = {
          orderId: line.orderId, lineId: line.lineId, kind: line.kind, result: r.result, productId: line.productId,
          units: r.units ?? 0, onHand: r.onHand, pending: r.pending, oversold: r.oversold,
        };
      });
    }),
  );
  return results;
}
