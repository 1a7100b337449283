import type { Db } from "../env";
import { recordUntakenLines, type UntakenLine } from "../db/queries/logs";
import { resolveCodes } from "../db/queries/products";
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
  onHand?: number;
  pending?: boolean;
  oversold?: boolean;
}

export async function takeInLines(env: Env, db: Db, accountId: number, src: IntakeSource, lines: IntakeLine[]): Promise<IntakeResult[]> {
  const at = Date.now();
  const resolved = await resolveCodes(db, accountId, src.shopId, lines.map((l) => l.code), src.defaultRule);
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
      results[index] = { ...base, result: skip };
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
        results[index] = { orderId: line.orderId, lineId: line.lineId, kind: line.kind, result: r.result, onHand: r.onHand, pending: r.pending, oversold: r.oversold };
      });
    }),
  );
  return results;
}
