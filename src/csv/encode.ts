import { stringify } from "csv-stringify/browser/esm/sync";
import Encoding from "encoding-japanese";

// Writing CSV files for merchants: RFC 4180 rows (csv-stringify quotes commas, quotes and line
// breaks in cells) with CRLF line ends, in UTF-8 with a BOM (without it Excel reads UTF-8 as
// Shift_JIS and shows mojibake) or in Shift_JIS/CP932, which is what Excel in Japan reads and
// writes. Files are streamed: each pull of the stream writes one page of rows, so a 100,000-row
// export never sits whole in memory.

export const CSV_ENCODINGS = ["utf-8", "shift_jis"] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** A dashboard link's ?encoding=: Shift_JIS when asked for by any of its usual names, else UTF-8. */
export const csvEncodingParam = (raw: string | undefined): CsvEncoding => (/^(shift_jis|sjis|cp932|windows-31j)$/i.test(raw ?? "") ? "shift_jis" : "utf-8");

export const csvContentType = (encoding: CsvEncoding) => (encoding === "shift_jis" ? "text/csv; charset=Shift_JIS" : "text/csv; charset=utf-8");

/** "kura-products-20261201.csv": what the file is and the JST day it was taken. */
export function csvFileName(kind: string, jstDay: string): string {
  return `kura-${kind}-${jstDay.replace(/-/g, "")}.csv`;
}

/**
 * Rows as CSV text, every record ending in CRLF as Excel writes it. csv-stringify quotes a cell
 * holding the record delimiter, but with CRLF records a lone LF or CR would go out bare and split
 * the row for every reader: any line break is quoted.
 */
export const csvText = (rows: readonly (readonly string[])[]) => stringify(rows as string[][], { record_delimiter: "windows", quoted_match: /[\r\n]/ });

/**
 * A text cell Excel would run as a formula (=, +, -, @, or a tab or CR before one) gets a leading
 * "'", which Excel shows as text. Only for files that are read, never imported back (the logs,
 * whose cells hold what malls and outside systems sent): the catalogue files must import back
 * unchanged, and their cells are the merchant's own.
 */
export const defuseFormula = (cell: string) => (/^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell);

// Characters that JIS X 0208 (and text from Macs and the web) writes with one code point and CP932
// with another: Windows maps them onto CP932's own. Without this, a product named "春〜夏" would
// lose its wave dash to "?" in a Shift_JIS file.
const CP932_VARIANTS: Record<string, string> = {
  "\u301C": "\uFF5E", // 〜 WAVE DASH → ～
  "\u2016": "\u2225", // ‖ → ∥
  "\u2212": "\uFF0D", // − MINUS SIGN → －
  "\u00A2": "\uFFE0", // ¢ → ￠
  "\u00A3": "\uFFE1", // £ → ￡
  "\u00AC": "\uFFE2", // ¬ → ￢
  "\u2014": "\u2015", // — EM DASH → ―
  "\u00A5": "\uFFE5", // ¥ → ￥
};
const VARIANT_RE = new RegExp(`[${Object.keys(CP932_VARIANTS).join("")}]`, "g");

const QUESTION = 0x3f;
const countQuestionMarks = (s: string) => {
  let n = 0;
  for (let i = s.indexOf("?"); i >= 0; i = s.indexOf("?", i + 1)) n++;
  return n;
};

/**
 * Turns text into the bytes of one encoding, a chunk at a time. For Shift_JIS, a character CP932
 * cannot hold (an emoji, 𩸽) becomes "?" — the same as Excel does when it saves a sheet as CSV —
 * and is counted in `replaced`, so the caller can say so; it never silently vanishes. The BOM is
 * written once, by `start()`.
 */
export class CsvEncoder {
  replaced = 0;
  private readonly utf8 = new TextEncoder();

  constructor(readonly encoding: CsvEncoding) {}

  start(): Uint8Array {
    return this.encoding === "utf-8" ? Uint8Array.of(0xef, 0xbb, 0xbf) : new Uint8Array(0);
  }

  encode(text: string): Uint8Array {
    if (this.encoding === "utf-8") return this.utf8.encode(text);
    const normal = text.replace(VARIANT_RE, (ch) => CP932_VARIANTS[ch]);
    // encoding-japanese writes "?" for each code point it cannot map (one for a surrogate pair):
    // the "?" it wrote beyond those in the text are the characters it had to replace.
    const bytes = Uint8Array.from(Encoding.convert(normal, { to: "SJIS", from: "UNICODE", type: "array" }));
    let written = 0;
    for (const b of bytes) if (b === QUESTION) written++;
    this.replaced += written - countQuestionMarks(normal);
    return bytes;
  }
}

export interface CsvStreamOptions {
  header: readonly string[];
  /** The rows, a page at a time; the stream asks for the next page only when it has sent the last. */
  pages: AsyncIterable<readonly (readonly string[])[]>;
  encoding: CsvEncoding;
  /** Called once the whole file is written (with the count of characters Shift_JIS could not hold). */
  onDone?: (summary: { rows: number; replaced: number }) => void;
}

/**
 * A CSV file as a byte stream: the header line first (with the BOM for UTF-8), then one page of
 * rows per pull. Pages are read lazily, so memory holds one page whatever the file's length.
 */
export function csvStream(opts: CsvStreamOptions): ReadableStream<Uint8Array> {
  const enc = new CsvEncoder(opts.encoding);
  let pages: AsyncIterator<readonly (readonly string[])[]> | null = null;
  let rows = 0;
  return new ReadableStream<Uint8Array>(
    {
      start(controller) {
        const bom = enc.start();
        const head = enc.encode(csvText([opts.header]));
        const first = new Uint8Array(bom.length + head.length);
        first.set(bom);
        first.set(head, bom.length);
        controller.enqueue(first);
      },
      async pull(controller) {
        pages ??= opts.pages[Symbol.asyncIterator]();
        // Skip empty pages (a page of products none of which has a row in this file) without
        // ending the pull empty-handed, which would stall a reader waiting for bytes.
        for (;;) {
          const next = await pages.next();
          if (next.done) {
            controller.close();
            opts.onDone?.({ rows, replaced: enc.replaced });
            return;
          }
          if (next.value.length === 0) continue;
          rows += next.value.length;
          controller.enqueue(enc.encode(csvText(next.value)));
          return;
        }
      },
      async cancel() {
        await pages?.return?.();
      },
    },
    // One page in flight at a time: nothing is read ahead of what the client has taken.
    { highWaterMark: 0 },
  );
}
