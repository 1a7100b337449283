import { badRequest } from "../lib/errors";

// Bytes of an uploaded CSV → text. Excel in Japan saves Shift_JIS (really CP932, with the NEC and
// IBM extensions: ①, ㈱, 髙, 﨑); everything else saves UTF-8, with or without a BOM. The
// platform's WHATWG decoders do both (its "shift_jis" is the windows-31j table, extensions
// included), so there is no hand-made table here.

export type CsvEncoding = "utf-8" | "shift_jis";
export type EncodingChoice = CsvEncoding | "auto";

const BOM = [0xef, 0xbb, 0xbf];

/**
 * Decodes the file: a UTF-8 BOM means UTF-8; bytes a strict UTF-8 decoder accepts are UTF-8;
 * anything else is Shift_JIS. A forced encoding is used as told (UTF-8 must then be valid).
 */
export function decodeCsv(bytes: Uint8Array, choice: EncodingChoice = "auto"): { text: string; encoding: CsvEncoding } {
  const hasBom = bytes.length >= 3 && BOM.every((b, i) => bytes[i] === b);
  const body = hasBom ? bytes.subarray(3) : bytes;
  if (choice === "shift_jis") return { text: new TextDecoder("shift_jis").decode(bytes), encoding: "shift_jis" };
  if (choice === "utf-8" || hasBom) {
    try {
      return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body), encoding: "utf-8" };
    } catch {
      throw badRequest("ファイルは UTF-8 ではありません (Shift_JIS なら encoding=shift_jis か自動判定を選んでください) / the file is not valid UTF-8");
    }
  }
  try {
    return { text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(body), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("shift_jis").decode(bytes), encoding: "shift_jis" };
  }
}
