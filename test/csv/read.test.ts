import { describe, expect, it } from "vitest";
import { decodeCsv } from "../../src/csv/decode";
import { parseCsvText, resolveHeader } from "../../src/csv/read";
import { checkFile, toRow } from "../../src/csv/rows";
import { sjis, utf8 } from "./helpers";

describe("reading a CSV file (pure: decode, parse, header, rows)", () => {
  it("detects UTF-8 with and without a BOM, and Shift_JIS with NEC and IBM extensions", () => {
    const text = "マスターコード,商品名\r\nA,①㈱髙﨑～\r\n";
    expect(decodeCsv(utf8(text, true))).toEqual({ text, encoding: "utf-8" });
    expect(decodeCsv(utf8(text))).toEqual({ text, encoding: "utf-8" });
    expect(decodeCsv(sjis(text))).toEqual({ text, encoding: "shift_jis" });
    // Forced: the merchant's choice wins.
    expect(decodeCsv(sjis(text), "shift_jis").text).toBe(text);
    expect(() => decodeCsv(sjis(text), "utf-8")).toThrow(/UTF-8/);
  });

  it("numbers each record by the physical line it starts on, across CRLF and LF breaks inside cells and blank lines", () => {
    const text = 'h,n\r\nQ-2,"one\r\ntwo\r\nthree",2\r\n\r\nQ-3,x\r\nQ-4,"a\nb"\r\nQ-5,"p\r\nq"\r\n,\r\nQ-6,y\nQ-7,z';
    const { header, records } = parseCsvText(text);
    expect(header).toEqual(["h", "n"]);
    // The empty row ("," on line 11) is no row.
    expect(records.map((r) => [r.cells[0], r.line])).toEqual([["Q-2", 2], ["Q-3", 6], ["Q-4", 7], ["Q-5", 9], ["Q-6", 12], ["Q-7", 13]]);
    expect(records[0].cells[1]).toBe("one\r\ntwo\r\nthree");
  });

  it("reads cells with the shared codecs; an empty optional cell is left out (unchanged)", () => {
    const shops = new Map([["楽天店", 7]]);
    const header = ["マスターコード", "商品名", "総在庫数", "確保在庫", "連動", "セット構成", "楽天店:管理", "楽天店:モールコード"];
    const columns = resolveHeader("products", header, shops);
    const ctx = { kind: "products" as const, stockMode: "adjust" as const, columns, shops };
    const rows = [
      toRow({ line: 2, cells: ["A-1", "", "－３", "", "手動", "", "対象外", "r-a1"] }, ctx),
      toRow({ line: 3, cells: ["SET", "セット", "", "", "", "A-1*2;B-9", "", ""] }, ctx),
      toRow({ line: 4, cells: ["A-1", "二度目", "1,200", "x", "", "", "", "r-a1"] }, ctx),
    ];
    checkFile(rows, ctx);
    expect(rows[0]).toEqual({ line: 2, code: "A-1", onHand: -3, syncMode: "manual", shops: [{ shopId: 7, managed: false, mallCode: "r-a1" }] });
    expect(rows[1].components).toEqual([{ masterCode: "A-1", quantity: 2, inFile: { isSet: false } }, { masterCode: "B-9", quantity: 1 }]);
    expect(rows[2].errors?.map((e) => [e.line, e.column])).toEqual([[4, "確保在庫"], [4, "マスターコード"]]);
  });
});
