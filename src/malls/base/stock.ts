import { MallError, type MallContext, type PushItem, type PushResult, type StockReading } from "../types";
import { BaseClient } from "./client";
import { parseBaseCode } from "./codes";
import { itemResponseSchema, type BaseCredentials } from "./schemas";

/**
 * POST /1/items/edit_stock, one item (or one variation) per call, absolute figures only.
 * A rejected item becomes that item's `ok:false`; auth / rate / transient failures stop the
 * whole push (thrown). Pushes are absolute, so resending the ones already done is harmless.
 */
export async function pushStock(ctx: MallContext<BaseCredentials>, items: PushItem[]): Promise<PushResult[]> {
  const client = new BaseClient(ctx);
  const results: PushResult[] = [];
  for (const it of items) {
    const code = parseBaseCode(it.mallCode);
    if (!code) {
      results.push(itemError(it.mallCode, "BASEのモールコードは item_id または item_id:variation_id (数字) です", "bad_code"));
      continue;
    }
    if (!Number.isInteger(it.quantity) || it.quantity < 0) {
      results.push(itemError(it.mallCode, `在庫数は0以上の整数で指定してください (${it.quantity})`, "bad_quantity"));
      continue;
    }
    const form: Record<string, string> = code.variationId
      ? { item_id: code.itemId, variation_id: code.variationId, variation_stock: String(it.quantity) }
      : { item_id: code.itemId, stock: String(it.quantity) };
    try {
      await client.post("/1/items/edit_stock", itemResponseSchema, form);
      results.push({ mallCode: it.mallCode, ok: true });
    } catch (e) {
      if (e instanceof MallError && e.errorClass === "item") {
        results.push(itemError(it.mallCode, e.message, e.opts.code));
        continue;
      }
      throw e;
    }
  }
  return results;
}

/** GET /1/items/detail/:item_id once per distinct item; its variations answer the rest. */
export async function readStock(ctx: MallContext<BaseCredentials>, codes: string[]): Promise<StockReading[]> {
  const client = new BaseClient(ctx);
  const byItem = new Map<string, Map<string, number> | null>();
  for (const c of codes) {
    const code = parseBaseCode(c);
    if (!code || byItem.has(code.itemId)) continue;
    byItem.set(code.itemId, await readItem(client, code.itemId));
  }
  return codes.map((c) => {
    const code = parseBaseCode(c);
    const stock = code ? byItem.get(code.itemId) : null;
    const q = stock?.get(code!.variationId ?? "");
    return { mallCode: c, quantity: q ?? null };
  });
}

/** "" → the item's own stock (only for items without variations), else variation_id → stock. */
async function readItem(client: BaseClient, itemId: string): Promise<Map<string, number> | null> {
  try {
    const { item } = await client.get(`/1/items/detail/${itemId}`, itemResponseSchema);
    const m = new Map<string, number>();
    // An item with variations is only addressable per variation: its `stock` is their sum.
    if (item.variations.length === 0) m.set("", item.stock);
    for (const v of item.variations) m.set(String(v.variation_id), v.variation_stock);
    return m;
  } catch (e) {
    if (e instanceof MallError && e.errorClass === "item") return null; // no_item: unknown to BASE
    throw e;
  }
}

function itemError(mallCode: string, message: string, code?: string): PushResult {
  return { mallCode, ok: false, error: { errorClass: "item", message, code } };
}
