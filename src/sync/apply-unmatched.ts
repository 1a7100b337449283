import type { Db } from "../env";
import { getShop } from "../db/queries/shops";
import { resolveUnmatched, type UnmatchedLine } from "../db/queries/unmatched";
import { adapterFor } from "../malls/registry";
import { type IntakeResult, type IntakeSource, takeInLines } from "./intake";

// 未登録コード applied after a mapping or product was added: each line goes through takeInLines
// again under its ORIGINAL source key, order and line id, so the StockGroup's idempotency makes a
// second apply (or the same line arriving again from the mall) change stock once. Lines that now
// resolve are marked resolved; the rest stay in the list.

export interface AppliedLine {
  id: number;
  result: IntakeResult["result"];
  onHand?: number;
}

async function sourceOf(db: Db, accountId: number, line: UnmatchedLine): Promise<IntakeSource | null> {
  if (line.shopId === null) return { key: `ext:${line.source}`, label: line.source, shopId: null, cancelPolicy: "restore" };
  const shop = await getShop(db, accountId, line.shopId);
  if (!shop) return null; // the shop was deleted: its codes can no longer be read
  return { key: `shop:${shop.id}`, label: String(shop.id), shopId: shop.id, cancelPolicy: shop.cancelPolicy, defaultRule: adapterFor(shop.kind).defaultMallCode };
}

export async function applyUnmatched(env: Env, db: Db, accountId: number, lines: UnmatchedLine[]): Promise<AppliedLine[]> {
  const bySource = new Map<string, { src: IntakeSource | null; lines: UnmatchedLine[] }>();
  for (const l of lines) {
    const k = l.shopId === null ? `ext:${l.source}` : `shop:${l.shopId}`;
    if (!bySource.has(k)) bySource.set(k, { src: await sourceOf(db, accountId, l), lines: [] });
    bySource.get(k)!.lines.push(l);
  }
  const out: AppliedLine[] = [];
  for (const { src, lines: group } of bySource.values()) {
    if (!src) {
      out.push(...group.map((l) => ({ id: l.id, result: "unknown_code" as const })));
      continue;
    }
    const results = await takeInLines(
      env, db, accountId, src,
      group.map((l) => ({ orderId: l.orderId, lineId: l.lineId, code: l.mallCode ?? "", quantity: l.quantity, kind: l.kind })),
    );
    group.forEach((l, i) => out.push({ id: l.id, result: results[i].result, ...(results[i].onHand !== undefined && { onHand: results[i].onHand }) }));
  }
  const resolved = out.filter((r) => r.result !== "unknown_code").map((r) => r.id);
  await resolveUnmatched(db, accountId, resolved, Date.now());
  return out;
}
