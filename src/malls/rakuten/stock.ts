import type { MallContext, PushItem, PushResult, StockReading } from "../types";
import { formatMallCode, parseMallCode, type RakutenSku } from "./codes";
import { badRequest, parseBody, rmsRequest, sleep } from "./client";
import { bulkGetResponseSchema, inventoryErrorSchema, type RakutenCredentials } from "./schemas";

// Inventory API 2.0 [doc]: bulk-upsert ≤ 400 rows at 1 request/s (204 on success), bulk-get
// ≤ 1000 rows at 5 requests/s. Unknown manageNumber/variantId are NOT errors on upsert: the row
// is parked invisibly and purged after 24 h, and bulk-get simply omits it. So an `ok` push does
// not prove the code exists; Kura reads back after the first push (MALLS.md §8/§9).

export const PUSH_BATCH = 400;
export const READ_BATCH = 1000;
const MAX_QUANTITY = 99_999;
const UPSERT_GAP_MS = 1_050; // 1 rps, with a little margin
const GET_GAP_MS = 210; // 5 rps

type Ctx = MallContext<RakutenCredentials>;

interface Row {
  sku: RakutenSku;
  quantity: number;
  /** Indexes into the caller's items that share this code (duplicates are sent once). */
  items: number[];
}

/** Rakuten accepts 0–99999: more is shown as 99999, an oversold (negative) figure as 0. */
function clampQuantity(q: number): number {
  if (!Number.isFinite(q)) return 0;
  return Math.min(MAX_QUANTITY, Math.max(0, Math.floor(q)));
}

/** `inventories[12].quantity` → 12 */
function rowIndex(propertyPath: string | undefined): number | null {
  const m = propertyPath ? /^inventories\[(\d+)\]/.exec(propertyPath) : null;
  return m ? Number(m[1]) : null;
}

async function upsert(ctx: Ctx, rows: Row[]) {
  const body = {
    inventories: rows.map((r) => ({
      manageNumber: r.sku.manageNumber,
      variantId: r.sku.variantId,
      mode: "ABSOLUTE" as const, // never RELATIVE: absolute sets keep retries idempotent
      quantity: r.quantity,
    })),
  };
  return rmsRequest(ctx, "POST", "/es/2.0/inventories/bulk-upsert", body);
}

export async function pushStock(ctx: Ctx, items: PushItem[]): Promise<PushResult[]> {
  const results: PushResult[] = items.map((it) => ({ mallCode: it.mallCode, ok: false }));
  const byCode = new Map<string, Row>();
  items.forEach((it, i) => {
    const sku = parseMallCode(it.mallCode);
    if (!sku) {
      results[i].error = { errorClass: "item", message: "モールコードの形式が不正です (商品管理番号:SKU管理番号)" };
      return;
    }
    const key = formatMallCode(sku);
    const row = byCode.get(key);
    // The same SKU twice in one call: the later figure wins, both items get its result.
    if (row) {
      row.quantity = clampQuantity(it.quantity);
      row.items.push(i);
    } else byCode.set(key, { sku, quantity: clampQuantity(it.quantity), items: [i] });
  });
  const rows = [...byCode.values()];
  const markOk = (r: Row) => r.items.forEach((i) => (results[i] = { mallCode: items[i].mallCode, ok: true }));
  const markFail = (r: Row, message: string, code?: string) =>
    r.items.forEach((i) => (results[i] = { mallCode: items[i].mallCode, ok: false, error: { errorClass: "item", message, code } }));

  let calls = 0;
  const paced = async (batch: Row[]) => {
    if (calls++ > 0) await sleep(UPSERT_GAP_MS);
    return upsert(ctx, batch);
  };

  for (let start = 0; start < rows.length; start += PUSH_BATCH) {
    let batch = rows.slice(start, start + PUSH_BATCH);
    // At most one resend of the rows that were not blamed by a 400.
    for (let attempt = 0; attempt < 2 && batch.length > 0; attempt++) {
      const res = await paced(batch);
      if (res.status >= 200 && res.status < 300) {
        batch.forEach(markOk);
        break;
      }
      if (res.status !== 400) throw badRequest(res, "inventories/bulk-upsert");
      const parsed = inventoryErrorSchema.safeParse(res.json);
      const errors = parsed.success ? parsed.data.errors : [];
      const blamed = new Map<number, { code: string; message: string }>();
      for (const e of errors) {
        const idx = rowIndex(e.metadata?.propertyPath);
        if (idx !== null && idx < batch.length && !blamed.has(idx)) blamed.set(idx, { code: e.code, message: e.message });
      }
      if (blamed.size === 0 || attempt === 1) {
        // Nothing attributable (or still failing): the whole batch was refused as sent.
        const first = errors[0];
        batch.forEach((r, i) => {
          const own = blamed.get(i) ?? first;
          markFail(r, `楽天RMSが在庫更新を拒否しました${own ? `: ${own.message}` : ""}`, own?.code);
        });
        break;
      }
      batch.forEach((r, i) => {
        const e = blamed.get(i);
        if (e) markFail(r, `楽天RMSが在庫更新を拒否しました: ${e.message}`, e.code);
      });
      batch = batch.filter((_, i) => !blamed.has(i));
    }
  }
  return results;
}

export async function readStock(ctx: Ctx, codes: string[]): Promise<StockReading[]> {
  const skus = codes.map(parseMallCode);
  const unique = new Map<string, RakutenSku>();
  for (const s of skus) if (s) unique.set(formatMallCode(s), s);
  const found = new Map<string, number>();
  const all = [...unique.values()];
  for (let start = 0; start < all.length; start += READ_BATCH) {
    if (start > 0) await sleep(GET_GAP_MS);
    const batch = all.slice(start, start + READ_BATCH);
    const res = await rmsRequest(ctx, "POST", "/es/2.0/inventories/bulk-get", {
      inventories: batch.map((s) => ({ manageNumber: s.manageNumber, variantId: s.variantId })),
    });
    if (res.status !== 200) throw badRequest(res, "inventories/bulk-get");
    const body = parseBody(bulkGetResponseSchema, res, "inventories/bulk-get");
    for (const row of body.inventories) {
      found.set(formatMallCode({ manageNumber: row.manageNumber, variantId: row.variantId }), row.quantity);
    }
  }
  return codes.map((code, i) => {
    const s = skus[i];
    const q = s ? found.get(formatMallCode(s)) : undefined;
    return { mallCode: code, quantity: q ?? null };
  });
}
