// Mall codes in the shape Kura gives au PAY マーケット items.
//
// A plain item (在庫区分 1, 通常在庫) is known by its 商品コード: `itemCode`. One choice of a
// choice item (在庫区分 2, 選択肢別在庫) is `itemCode:horizontal:vertical` — the 商品コード and
// the choice's 横軸 and 縦軸 codes, joined by ":" (the peers' SKU is 商品コード + 横軸code +
// 縦軸code; the separator is Kura's). An axis the item does not have is written "-", as the mall
// itself shows it, e.g. `TSHIRT:RED:-` for a colour-only choice. [verify] that ":" never appears
// in a 商品コード or a choice code (the allowed character set was not found).

export const SEP = ":";
export const NO_AXIS = "-";
/** 商品コード: at most 256 bytes (MALLS-MORE.md §1). */
const MAX_ITEM_CODE_BYTES = 256;

export interface AupayCode {
  itemCode: string;
  /** null: the axis is absent (plain item, or a choice with one axis). */
  horizontal: string | null;
  vertical: string | null;
}

/** A choice code as the mall shows it: empty and "-" both mean the axis is absent. */
export function axis(raw: string | undefined | null): string | null {
  const s = (raw ?? "").trim();
  return s === "" || s === NO_AXIS ? null : s;
}

const validPart = (s: string) => s.length > 0 && !/\s/.test(s) && !s.includes(SEP);

/** `itemCode` or `itemCode:horizontal:vertical`; null when the string cannot be an au PAY code. */
export function parseMallCode(code: string): AupayCode | null {
  const parts = code.split(SEP);
  const itemCode = parts[0];
  if (!validPart(itemCode) || new TextEncoder().encode(itemCode).length > MAX_ITEM_CODE_BYTES) return null;
  if (parts.length === 1) return { itemCode, horizontal: null, vertical: null };
  if (parts.length !== 3) return null;
  const horizontal = axis(parts[1]);
  const vertical = axis(parts[2]);
  // A choice needs at least one axis; "ITEM:-:-" would be a second spelling of the plain "ITEM".
  if (horizontal === null && vertical === null) return null;
  if ((parts[1] !== NO_AXIS && !validPart(parts[1])) || (parts[2] !== NO_AXIS && !validPart(parts[2]))) return null;
  return { itemCode, horizontal, vertical };
}

export function isChoice(c: AupayCode): boolean {
  return c.horizontal !== null || c.vertical !== null;
}

export function formatMallCode(itemCode: string, horizontal: string | null, vertical: string | null): string {
  if (horizontal === null && vertical === null) return itemCode;
  return [itemCode, horizontal ?? NO_AXIS, vertical ?? NO_AXIS].join(SEP);
}
