import { parse } from "csv-parse/browser/esm/sync";
import Encoding from "encoding-japanese";
import { describe, expect, it } from "vitest";
import { CsvEncoder, csvFileName, csvStream, csvText, defuseFormula } from "../../src/csv/encode";

// The CSV writer and its encodings on their own: what a file's bytes are, what happens to a
// character Shift_JIS cannot hold, and that the stream reads one page at a time.

async function bytesOf(stream: ReadableStream<Uint8Array>): Promise<Uint8Array> {
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function* pagesOf(pages: string[][][], log: string[] = []) {
  for (const [i, p] of pages.entries()) {
    log.push(`read ${i}`);
    yield p;
  }
}

describe("csvText", () => {
  it("quotes commas, quotes and any line break (CR, LF, CRLF); records end in CRLF", () => {
    const text = csvText([["a,b", 'say "hi"', "one\ntwo", "cr\rx", "crlf\r\ny", "plain"]]);
    expect(text).toBe('"a,b","say ""hi""","one\ntwo","cr\rx","crlf\r\ny",plain\r\n');
    expect(parse(text)).toEqual([["a,b", 'say "hi"', "one\ntwo", "cr\rx", "crlf\r\ny", "plain"]]);
  });
});

describe("defuseFormula", () => {
  it("writes a cell Excel would run as a formula as text, and leaves the rest alone", () => {
    expect(["=1+1", "+81", "-x", "@SUM(A1)", "\t=1", "\r=1"].map(defuseFormula)).toEqual(["'=1+1", "'+81", "'-x", "'@SUM(A1)", "'\t=1", "'\r=1"]);
    expect(["煎茶", "a=b", "", "'quoted"].map(defuseFormula)).toEqual(["煎茶", "a=b", "", "'quoted"]);
  });
});

describe("CsvEncoder", () => {
  it("UTF-8 starts with a BOM; Shift_JIS has none", () => {
    expect([...new CsvEncoder("utf-8").start()]).toEqual([0xef, 0xbb, 0xbf]);
    expect(new CsvEncoder("shift_jis").start()).toHaveLength(0);
  });

  it("Shift_JIS: machine-dependent characters are encoding-japanese's CP932 bytes, and decode back", () => {
    const text = "①②㈱㈲№髙﨑塚德ⅰⅱ∵";
    const enc = new CsvEncoder("shift_jis");
    const bytes = enc.encode(text);
    expect([...bytes]).toEqual(Encoding.convert(text, { to: "SJIS", from: "UNICODE", type: "array" }));
    expect(new TextDecoder("shift_jis", { fatal: true, ignoreBOM: false }).decode(bytes)).toBe(text);
    expect(enc.replaced).toBe(0);
  });

  it("Shift_JIS: each character CP932 cannot hold is one \"?\" and counted; a typed \"?\" is not", () => {
    const enc = new CsvEncoder("shift_jis");
    const out = new TextDecoder("shift_jis").decode(enc.encode("寿司🍣?ビール🍺 𩸽"));
    expect(out).toBe("寿司??ビール? ?");
    expect(enc.replaced).toBe(3);
    enc.encode("🍵");
    expect(enc.replaced).toBe(4);
  });

  it("Shift_JIS: JIS-style variants (〜 − ‖ — ¢ £ ¬ ¥) become CP932's own, not \"?\"", () => {
    const enc = new CsvEncoder("shift_jis");
    const out = new TextDecoder("shift_jis").decode(enc.encode("春〜夏 −5 ‖ — ¢£¬ ¥100"));
    expect(out).toBe("春～夏 －5 ∥ ― ￠￡￢ ￥100");
    expect(enc.replaced).toBe(0);
  });
});

describe("csvStream", () => {
  it("writes the header, then each page only when the reader asks for more", async () => {
    const log: string[] = [];
    const stream = csvStream({ header: ["コード", "名前"], pages: pagesOf([[["A", "一"]], [["B", "二"]]], log), encoding: "utf-8" });
    const reader = stream.getReader();
    const first = await reader.read();
    expect(new TextDecoder().decode(first.value)).toBe("コード,名前\r\n");
    expect(log).toEqual([]);
    await reader.read();
    expect(log).toEqual(["read 0"]);
    await reader.read();
    expect(log).toEqual(["read 0", "read 1"]);
    expect((await reader.read()).done).toBe(true);
  });

  it("skips empty pages, counts rows and replaced characters when done", async () => {
    let summary: { rows: number; replaced: number } | null = null;
    const stream = csvStream({
      header: ["名前"],
      pages: pagesOf([[], [["🍵"]], [], [["茶"], ["🍡"]]]),
      encoding: "shift_jis",
      onDone: (s) => (summary = s),
    });
    const text = new TextDecoder("shift_jis").decode(await bytesOf(stream));
    expect(text).toBe("名前\r\n?\r\n茶\r\n?\r\n");
    expect(summary).toEqual({ rows: 3, replaced: 2 });
  });

  it("an empty export is its header alone", async () => {
    const bytes = await bytesOf(csvStream({ header: ["マスターコード"], pages: pagesOf([]), encoding: "utf-8" }));
    expect(new TextDecoder("utf-8", { ignoreBOM: true, fatal: true }).decode(bytes)).toBe("\uFEFFマスターコード\r\n");
  });

  it("names files kura-<kind>-<yyyymmdd>.csv", () => {
    expect(csvFileName("products", "2026-12-01")).toBe("kura-products-20261201.csv");
  });
});
