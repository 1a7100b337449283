import { MallError, type PushItem, type PushResult, type StockReading } from "../types";
import type { YahooSession } from "./client";
import { joinMallCode, parseMallCode } from "./codes";
import { getStockSchema, readResultRows, setStockSchema } from "./schemas";

// 在庫更新API (setStock) and 在庫参照API (getStock): form bodies with comma lists of ≤1000 codes.

export const STOCK_BATCH = 1000;
export const MAX_QUANTITY = 999_999_999;

type Prepared = { code: string; quantity: string };

/**
 * Always an ABSOLUTE figure: a plain non-negative integer. A leading "+"/"-" would make Yahoo
 * add or subtract, so a negative figure (Kura's oversell) is sent as 0, never as "-n".
 */
function absoluteQuantity(q: number): string | null {
  if (!Number.isFinite(q)) return null;
  const n = Math.max(0, Math.floor(q));
  return n > MAX_QUANTITY ? null : String(n);
}

export async function pushStock(s: YahooSession, items: PushItem[]): Promise<PushResult[]> {
  const results = new Map<string, PushResult>();
  // Yahoo rejects a whole call that names a code twice (st-02103): the last figure wins.
  const latest = new Map<string, Prepared>();
  for (const item of items) {
    if (!parseMallCode(item.mallCode)) {
      results.set(item.mallCode, itemError(item.mallCode, "invalid_code", "Yahooの商品コードの形式ではありません（英数字とハイフン、item_code:sub_code）"));
      latest.delete(item.mallCode);
      continue;
    }
    const quantity = absoluteQuantity(item.quantity);
    if (quantity === null) {
      results.set(item.mallCode, itemError(item.mallCode, "invalid_quantity", `在庫数は0〜${MAX_QUANTITY}の整数です`));
      latest.delete(item.mallCode);
      continue;
    }
    results.delete(item.mallCode);
    latest.set(item.mallCode, { code: item.mallCode, quantity });
  }

  const rows = [...latest.values()];
  for (let i = 0; i < rows.length; i += STOCK_BATCH) {
    const batch = rows.slice(i, i + STOCK_BATCH);
    try {
      const doc = await s.call("setStock", {
        form: {
          seller_id: s.sellerId,
          item_code: batch.map((r) => r.code).join(","),
          quantity: batch.map((r) => r.quantity).join(","),
        },
      });
      const parsed = setStockSchema.safeParse(readResultRows(doc));
      if (!parsed.success) throw new MallError("transient", "Yahoo setStock の応答を読めませんでした");
      const byCode = new Map(parsed.data.results.map((r) => [joinMallCode(r.ItemCode.trim(), r.SubCode?.trim()), r]));
      for (const row of batch) {
        const r = byCode.get(row.code);
        // Unknown codes are accepted silently by Yahoo (the figure attaches if the item appears
        // later), so a code without an error is ok here; Kura's read-back catches 未登録コード.
        results.set(
          row.code,
          r?.ErrorCode
            ? itemError(row.code, r.ErrorCode.trim(), `Yahooが在庫数を拒否しました (${r.ErrorCode.trim()} ${r.ErrorMessage ?? ""})`.trim())
            : { mallCode: row.code, ok: true },
        );
      }
    } catch (e) {
      // A whole-call validation error (HTTP 400) fails this batch's items only; auth, rate and
      // transient failures stop the push and are thrown to the sync engine.
      if (!(e instanceof MallError) || e.errorClass !== "item") throw e;
      for (const row of batch) results.set(row.code, itemError(row.code, e.opts.code ?? "rejected", e.message));
    }
  }
  return items.map((item) => results.get(item.mallCode) ?? { mallCode: item.mallCode, ok: true });
}

function itemError(mallCode: string, code: string, message: string): PushResult {
  return { mallCode, ok: false, error: { errorClass: "item", code, message } };
}

export async function readStock(s: YahooSession, codes: string[]): Promise<StockReading[]> {
  const found = new Map<string, number | null>();
  const valid = [...new Set(codes.filter((c) => parseMallCode(c)))];
  for (let i = 0; i < valid.length; i += STOCK_BATCH) {
    const batch = valid.slice(i, i + STOCK_BATCH);
    let doc;
    try {
      doc = await s.call("getStock", { form: { seller_id: s.sellerId, item_code: batch.join(",") } });
    } catch (e) {
      if (e instanceof MallError && e.errorClass === "item") {
        throw new MallError("transient", e.message, e.opts); // a read has no per-item result to carry it
      }
      throw e;
    }
    const parsed = getStockSchema.safeParse(readResultRows(doc));
    if (!parsed.success) throw new MallError("transient", "Yahoo getStock の応答を読めませんでした");
    for (const r of parsed.data.results) {
      if (r.Status !== "1") continue;
      const q = r.Quantity?.trim() ?? "";
      // An empty Quantity is the legacy 在庫無制限 (no longer settable): report the ceiling.
      found.set(joinMallCode(r.ItemCode.trim(), r.SubCode?.trim()), q === "" ? MAX_QUANTITY : Number(q));
    }
  }
  return codes.map((code) => ({ mallCode: code, quantity: found.get(code) ?? null }));
}
