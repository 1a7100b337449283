import { z } from "zod";
import { MallError, type MallContext, type PushItem, type PushResult, type StockReading } from "../types";
import { ColormeClient } from "./client";
import { formatColormeCode, optionKey, parseColormeCode, type ColormeCode } from "./codes";
import { productSchema, stocksListSchema, type ColormeCredentials, type ColormeProduct } from "./schemas";

/** GET /v1/stocks.json answers at most 50 rows a page (tools.json getStocks: limit ≤ 50). */
export const STOCKS_PAGE = 50;
/** The PUT answers the product as it is now [verify: shape]; when it does, Kura checks the write took. */
const putAnswerSchema = z.object({ product: productSchema.optional() }).loose();

interface Target {
  index: number;
  item: PushItem;
  code: ColormeCode;
}

/**
 * PUT /v1/products/{product_id}.json, one product per request (the API takes no more), always
 * with ABSOLUTE `stocks`: `{"increment": n}` exists but a retried request would apply it twice
 * (MALLS-MORE §2). Every option of one product that is due goes in the same request as
 * `product.variants[{option1_value, option2_value, stocks}]`.
 *
 * カラーミー ignores `stocks` it cannot apply (a product whose stock is kept per option) and its
 * answer to option values it does not know is not documented [verify], so the product in the
 * answer is checked: an option missing from it, or a figure it does not show, is that item's
 * 未登録コード rather than a success nobody can see.
 */
export async function pushStock(ctx: MallContext<ColormeCredentials>, items: PushItem[]): Promise<PushResult[]> {
  const client = new ColormeClient(ctx);
  const results: PushResult[] = new Array(items.length);
  const byProduct = new Map<string, Target[]>();
  items.forEach((item, index) => {
    const code = parseColormeCode(item.mallCode);
    if (!code) return (results[index] = itemError(item.mallCode, "カラーミーショップのモールコードは 商品ID または 商品ID:オプション1の値[:オプション2の値] です", "bad_code"));
    if (!Number.isInteger(item.quantity) || item.quantity < 0)
      return (results[index] = itemError(item.mallCode, `在庫数は0以上の整数で指定してください (${item.quantity})`, "bad_quantity"));
    byProduct.set(code.productId, [...(byProduct.get(code.productId) ?? []), { index, item, code }]);
  });

  for (const [productId, targets] of byProduct) {
    try {
      const answer = await putProduct(client, productId, targets);
      for (const t of targets) results[t.index] = checkWrite(t, answer);
    } catch (e) {
      if (!(e instanceof MallError) || e.errorClass !== "item") throw e;
      // The whole product refused (unknown product: 404) or one of its options: alone, each
      // item gets its own answer and the good ones still go through.
      if (targets.length === 1 || e.opts.status === 404) {
        for (const t of targets) results[t.index] = itemError(t.item.mallCode, e.message, e.opts.code);
        continue;
      }
      for (const t of targets) {
        try {
          results[t.index] = checkWrite(t, await putProduct(client, productId, [t]));
        } catch (e2) {
          if (!(e2 instanceof MallError) || e2.errorClass !== "item") throw e2;
          results[t.index] = itemError(t.item.mallCode, e2.message, e2.opts.code);
        }
      }
    }
  }
  return results;
}

async function putProduct(client: ColormeClient, productId: string, targets: Target[]): Promise<ColormeProduct | undefined> {
  // The last figure of a code wins if the same code came twice.
  const own = targets.filter((t) => t.code.option1 === null && t.code.option2 === null).at(-1);
  const variants = new Map<string, { option1_value: string | null; option2_value: string | null; stocks: number }>();
  for (const t of targets) {
    if (t.code.option1 === null && t.code.option2 === null) continue;
    variants.set(optionKey(t.code.option1, t.code.option2), { option1_value: t.code.option1, option2_value: t.code.option2, stocks: t.item.quantity });
  }
  const product: Record<string, unknown> = {};
  if (own) product.stocks = own.item.quantity;
  if (variants.size) product.variants = [...variants.values()].map((v) => (v.option2_value === null ? { option1_value: v.option1_value, stocks: v.stocks } : v));
  return (await client.put(`/v1/products/${productId}.json`, putAnswerSchema, { product })).product;
}

function checkWrite(t: Target, p: ColormeProduct | undefined): PushResult {
  if (!p) return { mallCode: t.item.mallCode, ok: true };
  const variants = p.variants ?? [];
  if (t.code.option1 === null && t.code.option2 === null) {
    if (variants.length)
      return itemError(t.item.mallCode, `オプションごとに在庫を管理している商品です。オプションのコード (${formatColormeCode(p.id, variants[0].option1_value, variants[0].option2_value)} など) で紐づけてください`, "per_option");
    if (p.stock_managed === false) return itemError(t.item.mallCode, "在庫管理をしていない商品です。カラーミーショップで在庫管理を有効にしてください", "not_stock_managed");
    return p.stocks === t.item.quantity ? { mallCode: t.item.mallCode, ok: true } : itemError(t.item.mallCode, `在庫数が反映されませんでした (表示 ${p.stocks ?? "なし"})`, "not_applied");
  }
  const v = variants.find((x) => optionKey(x.option1_value || null, x.option2_value || null) === optionKey(t.code.option1, t.code.option2));
  if (!v) return itemError(t.item.mallCode, `未登録コード: ${t.item.mallCode} のオプションはカラーミーショップに存在しません`, "unknown_option");
  return v.stocks === t.item.quantity ? { mallCode: t.item.mallCode, ok: true } : itemError(t.item.mallCode, `在庫数が反映されませんでした (表示 ${v.stocks ?? "なし"})`, "not_applied");
}

/**
 * GET /v1/stocks.json?ids=…, paged by 50 rows: one row per product without options and one per
 * option of the others. A code the rows do not name is unknown to the shop (null); so is a
 * product-level code of a product whose stock is kept per option.
 */
export async function readStock(ctx: MallContext<ColormeCredentials>, codes: string[]): Promise<StockReading[]> {
  const client = new ColormeClient(ctx);
  const ids = [...new Set(codes.flatMap((c) => parseColormeCode(c)?.productId ?? []))];
  const shown = new Map<string, number | null>();
  const withOptions = new Set<string>();
  for (let offset = 0; ids.length; offset += STOCKS_PAGE) {
    const page = await client.get("/v1/stocks.json", stocksListSchema, { ids: ids.join(","), limit: String(STOCKS_PAGE), offset: String(offset) });
    for (const r of page.stocks) {
      const code = formatColormeCode(r.product_id, r.option1_value, r.option2_value);
      if (code !== String(r.product_id)) withOptions.add(String(r.product_id));
      shown.set(code, r.stocks ?? null);
    }
    if (page.stocks.length < STOCKS_PAGE || offset + page.stocks.length >= page.meta.total) break;
  }
  return codes.map((c) => {
    const code = parseColormeCode(c);
    if (!code) return { mallCode: c, quantity: null };
    const canonical = formatColormeCode(code.productId, code.option1, code.option2);
    if (canonical === code.productId && withOptions.has(code.productId)) return { mallCode: c, quantity: null };
    return { mallCode: c, quantity: shown.get(canonical) ?? null };
  });
}

function itemError(mallCode: string, message: string, code?: string): PushResult {
  return { mallCode, ok: false, error: { errorClass: "item", message, code } };
}
