import { parse } from "csv-parse/browser/esm/sync";
import { badRequest } from "../lib/errors";
import { type CsvKind, COLUMNS, headerColumn, normaliseHeader, type ShopColumnKey } from "./columns";

// Text of a CSV → its header and records, each with the physical line where it starts (the
// header is line 1; a cell with newlines in it spans several lines). RFC 4180 parsing is
// csv-parse's: quoted commas, newlines in cells, "" for a quote.

export interface RawRecord {
  line: number;
  cells: string[];
}

export interface RowError {
  line: number;
  column: string;
  message: string;
  messageEn: string;
}

const BREAK_CHARS = /[\r\n]/g;
const CRLF = /\r\n/g;

export function parseCsvText(text: string): { header: string[]; records: RawRecord[] } {
  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    parsed = parse(text, {
      info: true,
      bom: true,
      relax_column_count: true,
      skip_empty_lines: true,
      // Excel writes CRLF; files edited elsewhere mix in LF. Any of them ends a record.
      record_delimiter: ["\r\n", "\n", "\r"],
    }) as unknown as { record: string[]; info: { lines: number } }[];
  } catch (err) {
    const e = err as { lines?: number; message?: string };
    throw badRequest(`CSV を読めません (${e.lines ?? "?"} 行目付近) / the CSV cannot be read near line ${e.lines ?? "?"}: ${e.message ?? String(err)}`);
  }
  if (parsed.length === 0) throw badRequest("ファイルが空です / the file is empty");
  // csv-parse reports the line a record ends on, counting each CR and each LF inside a quoted
  // cell as a line of its own (a CRLF in a cell counts twice, for every later record too): the
  // record starts that many lines earlier, less the CRLFs of the cells before it. Pinned by
  // test/csv/read.test.ts, which fails if a csv-parse upgrade counts differently.
  let extra = 0;
  const records = parsed.map(({ record, info }) => {
    const breaks = record.reduce((n, c) => n + (c.match(BREAK_CHARS)?.length ?? 0), 0);
    const line = info.lines - breaks - extra;
    extra += record.reduce((n, c) => n + (c.match(CRLF)?.length ?? 0), 0);
    return { line, cells: record };
  });
  const [head, ...rest] = records;
  // A row of nothing but empty cells (Excel leaves them below the data) is no row.
  return { header: head.cells, records: rest.filter((r) => r.cells.some((c) => c.trim() !== "")) };
}

export type ResolvedColumn = { key: string; header: string } | { key: ShopColumnKey; shop: string; shopId: number; header: string };

const REQUIRED: Record<CsvKind, string[]> = {
  products: ["masterCode"],
  stock: ["masterCode", "onHand"],
  mappings: ["masterCode", "shop", "mallCode"],
};

/**
 * Which column each header cell names. Unknown headers, a shop column for a shop the account
 * does not have, a column twice and a missing required column are one 400 naming them all.
 */
export function resolveHeader(kind: CsvKind, header: string[], shops: Map<string, number>): ResolvedColumn[] {
  const errors: RowError[] = [];
  const err = (column: string, message: string, messageEn: string) => errors.push({ line: 1, column, message, messageEn });
  const out: ResolvedColumn[] = [];
  const seen = new Set<string>();
  header.forEach((raw, i) => {
    const h = normaliseHeader(raw);
    if (h === "" && i === header.length - 1) return; // a trailing comma
    const col = headerColumn(kind, h);
    if (!col) return err(h, `不明な列です: 「${h}」`, `unknown column: "${h}"`);
    const id = "shop" in col ? `${col.shop}\u0000${col.key}` : col.key;
    if (seen.has(id)) return err(h, `同じ列が二度あります: 「${h}」`, `the column appears twice: "${h}"`);
    seen.add(id);
    if ("shop" in col) {
      const shopId = shops.get(col.shop);
      if (shopId === undefined) return err(h, `店舗「${col.shop}」はありません`, `there is no shop named "${col.shop}"`);
      out[i] = { ...col, shopId, header: h };
    } else out[i] = { key: col.key, header: h };
  });
  for (const key of REQUIRED[kind]) {
    if (!out.some((c) => c && !("shop" in c) && c.key === key)) {
      const def = COLUMNS[kind].find((c) => c.key === key)!;
      err(def.ja, `必須の列「${def.ja}」がありません`, `the required column "${def.ja}" (${def.en}) is missing`);
    }
  }
  if (errors.length) {
    throw badRequest(`見出し行に誤りがあります / the header row is wrong: ${errors.map((e) => e.messageEn).join("; ")}`, { errors });
  }
  return out;
}
