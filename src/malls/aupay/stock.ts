import { MallError, type PushItem, type PushResult, type StockReading } from "../types";
import { escapeXml } from "../xml";
import type { AupaySession } from "./client";
import { formatMallCode, axis, isChoice, parseMallCode, type AupayCode } from "./codes";
import { readSearchStocks, readUpdateResults, searchStocksSchema, updateResultsSchema } from "./schemas";

// updateStock (POST, XML, ≤ 200 <stockUpdateItem> per call, absolute figures) and searchStocks
// (GET, ≤ 500 rows per page, itemCode a PARTIAL match).

export const UPDATE_BATCH = 200;
export const SEARCH_PAGE = 500;
/** [verify] 0–99999 is the range searchStocks filters by; assumed to bound updateStock too. */
export const MAX_QUANTITY = 99_999;

interface Choice {
  code: string;
  horizontal: string | null;
  vertical: string | null;
  quantity: number;
}
/** One <stockUpdateItem>: a plain item's figure, or the figures of some choices of one item. */
interface Entry {
  itemCode: string;
  plain: { code: string; quantity: number } | null;
  choices: Choice[];
}

function itemError(mallCode: string, code: string, message: string): PushResult {
  return { mallCode, ok: false, error: { errorClass: "item", code, message } };
}

function entryXml(e: Entry): string {
  const head = `<itemCode>${escapeXml(e.itemCode)}</itemCode>`;
  if (e.plain) return `<stockUpdateItem>${head}<stockSegment>1</stockSegment><stockCount>${e.plain.quantity}</stockCount></stockUpdateItem>`;
  // An absent axis is sent empty [verify]: the mall shows "-" or empty for it.
  const choices = e.choices
    .map(
      (c) =>
        `<choicesStocks><choicesStockHorizontalCode>${escapeXml(c.horizontal ?? "")}</choicesStockHorizontalCode>` +
        `<choicesStockVerticalCode>${escapeXml(c.vertical ?? "")}</choicesStockVerticalCode>` +
        `<choicesStockCount>${c.quantity}</choicesStockCount></choicesStocks>`,
    )
    .join("");
  return `<stockUpdateItem>${head}<stockSegment>2</stockSegment>${choices}</stockUpdateItem>`;
}

const codesOf = (e: Entry) => (e.plain ? [e.plain.code] : e.choices.map((c) => c.code));

export async function pushStock(s: AupaySession, items: PushItem[]): Promise<PushResult[]> {
  const results = new Map<string, PushResult>();
  // The last figure for a code wins; choices of one item go in one <stockUpdateItem> (stockSegment 2).
  const latest = new Map<string, { parsed: AupayCode; quantity: number }>();
  for (const item of items) {
    latest.delete(item.mallCode);
    const parsed = parseMallCode(item.mallCode);
    if (!parsed) {
      results.set(item.mallCode, itemError(item.mallCode, "invalid_code", "au PAY の商品コードの形式ではありません(商品コード、または 商品コード:横軸コード:縦軸コード)"));
      continue;
    }
    if (!Number.isFinite(item.quantity) || Math.floor(item.quantity) > MAX_QUANTITY) {
      results.set(item.mallCode, itemError(item.mallCode, "invalid_quantity", `在庫数は0〜${MAX_QUANTITY}の整数です`));
      continue;
    }
    results.delete(item.mallCode);
    // Always absolute; Kura's oversell (a negative figure) is shown as 0.
    latest.set(item.mallCode, { parsed, quantity: Math.max(0, Math.floor(item.quantity)) });
  }
  const entries: Entry[] = [];
  const choiceEntry = new Map<string, Entry>();
  for (const [code, { parsed, quantity }] of latest) {
    if (!isChoice(parsed)) {
      entries.push({ itemCode: parsed.itemCode, plain: { code, quantity }, choices: [] });
      continue;
    }
    let e = choiceEntry.get(parsed.itemCode);
    if (!e) {
      e = { itemCode: parsed.itemCode, plain: null, choices: [] };
      choiceEntry.set(parsed.itemCode, e);
      entries.push(e);
    }
    e.choices.push({ code, horizontal: parsed.horizontal, vertical: parsed.vertical, quantity });
  }

  for (let i = 0; i < entries.length; i += UPDATE_BATCH) {
    const batch = entries.slice(i, i + UPDATE_BATCH);
    const xml = `<?xml version="1.0" encoding="UTF-8"?><request><shopId>${escapeXml(s.shopId)}</shopId>${batch.map(entryXml).join("")}</request>`;
    try {
      const { doc, env } = await s.post("updateStock", xml);
      for (const e of batch) for (const code of codesOf(e)) results.set(code, { mallCode: code, ok: true });
      if (env.status === "0") continue;
      const parsed = updateResultsSchema.safeParse(readUpdateResults(doc));
      if (!parsed.success) throw new MallError("transient", "au PAY updateStock の応答を読めませんでした");
      // status 1 without per-item results: the whole call was refused (auth, or a bad request).
      if (parsed.data.length === 0) throw s.logicalError("updateStock", env);
      const refused = new Map(parsed.data.map((r) => [r.itemCode ?? "", r.errors]));
      for (const e of batch) {
        const errs = refused.get(e.itemCode);
        if (!errs) continue;
        const first = errs[0];
        const why = errs.map((x) => `${x.code ?? ""} ${x.message ?? ""}`.trim()).join(", ");
        for (const code of codesOf(e)) results.set(code, itemError(code, first?.code ?? "rejected", `au PAY が在庫数を拒否しました (${why})`));
      }
    } catch (err) {
      // A refused request fails this batch's items only; auth, rate and transient failures stop
      // the push and go to the sync engine.
      if (!(err instanceof MallError) || err.errorClass !== "item") throw err;
      for (const e of batch) for (const code of codesOf(e)) results.set(code, itemError(code, err.opts.code ?? "rejected", err.message));
    }
  }
  return items.map((item) => results.get(item.mallCode) ?? { mallCode: item.mallCode, ok: true });
}

/** Every row searchStocks returns whose 商品コード is exactly `itemCode` (its filter is a partial match). */
export async function searchItem(s: AupaySession, itemCode: string, pageSize = SEARCH_PAGE) {
  for (let start = 1; ; start += pageSize) {
    let answer;
    try {
      answer = await s.get("searchStocks", { itemCode, totalCount: pageSize, startCount: start });
    } catch (e) {
      if (e instanceof MallError && e.errorClass === "item") throw new MallError("transient", e.message, e.opts); // a read has no per-item result
      throw e;
    }
    if (answer.env.status !== "0") throw s.logicalError("searchStocks", answer.env);
    const parsed = searchStocksSchema.safeParse(readSearchStocks(answer.doc));
    if (!parsed.success) throw new MallError("transient", "au PAY searchStocks の応答を読めませんでした");
    const exact = parsed.data.stocks.find((r) => r.itemCode === itemCode);
    if (exact) return exact;
    const max = parsed.data.maxCount ?? 0;
    if (parsed.data.stocks.length < pageSize || start - 1 + parsed.data.stocks.length >= max) return null;
  }
}

export type StockRow = NonNullable<Awaited<ReturnType<typeof searchItem>>>;

/** The figures one searchStocks row gives, by Kura's mall code. */
export function figuresOf(row: StockRow): Map<string, number> {
  const out = new Map<string, number>();
  if (row.stockSegment === "2" || row.choices.length > 0) {
    for (const c of row.choices) out.set(formatMallCode(row.itemCode, axis(c.choicesStockHorizontalCode), axis(c.choicesStockVerticalCode)), c.choicesStockCount);
  } else if (row.stockCount !== undefined) {
    out.set(row.itemCode, row.stockCount);
  }
  return out;
}

/** One searchStocks conversation per distinct 商品コード (readPerItem). */
export async function readStock(s: AupaySession, codes: string[]): Promise<StockReading[]> {
  const found = new Map<string, number>();
  const itemCodes = new Set<string>();
  for (const c of codes) {
    const p = parseMallCode(c);
    if (p) itemCodes.add(p.itemCode);
  }
  for (const itemCode of itemCodes) {
    const row = await searchItem(s, itemCode);
    if (row) for (const [code, q] of figuresOf(row)) found.set(code, q);
  }
  return codes.map((code) => ({ mallCode: code, quantity: found.get(code) ?? null }));
}
