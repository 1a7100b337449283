// Mall codes and times in the shapes Yahoo!ショッピング uses.

/** 商品コード / 個別商品コード: [A-Za-z0-9-], at most 99 characters each (MALLS.md §4). */
const PART = /^[A-Za-z0-9-]{1,99}$/;

export interface ParsedCode {
  itemCode: string;
  subCode: string | null;
}

/** `item_code` or `item_code:sub_code`; null when the string cannot be a Yahoo code. */
export function parseMallCode(code: string): ParsedCode | null {
  const parts = code.split(":");
  if (parts.length > 2) return null;
  const [itemCode, subCode] = parts;
  if (!PART.test(itemCode)) return null;
  if (subCode !== undefined && !PART.test(subCode)) return null;
  return { itemCode, subCode: subCode ?? null };
}

/** The code as the stock APIs and Kura write it; an empty SubCode means no sub code. */
export function joinMallCode(itemCode: string, subCode: string | null | undefined): string {
  return subCode ? `${itemCode}:${subCode}` : itemCode;
}

const JST_MS = 9 * 3_600_000;

/** `YYYYMMDDhhmmss` in JST (order search conditions). */
export function toYahooTime(ms: number): string {
  const d = new Date(ms + JST_MS);
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return (
    p(d.getUTCFullYear(), 4) +
    p(d.getUTCMonth() + 1) +
    p(d.getUTCDate()) +
    p(d.getUTCHours()) +
    p(d.getUTCMinutes()) +
    p(d.getUTCSeconds())
  );
}

/**
 * Yahoo times → epoch ms. Responses carry ISO 8601 with an offset ("2026-05-01T10:00:00+09:00");
 * `YYYYMMDDhhmmss` (JST, no offset) is accepted too. [verify] which one each order field uses.
 */
export function parseYahooTime(s: string): number | null {
  const compact = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s);
  if (compact) {
    const [, y, mo, d, h, mi, se] = compact.map(Number);
    return Date.UTC(y, mo - 1, d, h, mi, se) - JST_MS;
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(s)) {
    return Date.parse(s + "+09:00"); // no offset: Yahoo means JST
  }
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : null;
}
