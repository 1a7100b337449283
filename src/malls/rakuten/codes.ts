// Kura's Rakuten mall code: `{manageNumber}:{variantId}` (see the format note in index.ts).

/** Rakuten's own variantId for an item without variations after the 2023 SKU migration [code]. */
export const SINGLE_SKU_VARIANT_ID = "normal-inventory";

// Both parts: a-z A-Z 0-9 - _ , ≤ 32 bytes (ASCII only, so bytes = chars) [doc: Inventory API 2.0].
const PART = /^[A-Za-z0-9_-]{1,32}$/;

export interface RakutenSku {
  manageNumber: string; // always lowercase (Rakuten lowercases it itself)
  variantId: string; // case-sensitive, kept as given
}

/** Parses a mall code; null when it is not `manageNumber:variantId` with valid parts. */
export function parseMallCode(code: string): RakutenSku | null {
  const i = code.indexOf(":");
  if (i < 0) return null;
  const manageNumber = code.slice(0, i).trim().toLowerCase();
  const variantId = code.slice(i + 1).trim();
  if (!PART.test(manageNumber) || !PART.test(variantId)) return null;
  return { manageNumber, variantId };
}

export function formatMallCode(sku: RakutenSku): string {
  return `${sku.manageNumber.toLowerCase()}:${sku.variantId}`;
}

/**
 * MALLS.md §8 default rule. A master code already written as `manageNumber:variantId` is used
 * as is (manageNumber lowercased). Any other master code is taken as the 商品管理番号 of an item
 * without variations, whose only SKU Rakuten names `normal-inventory`. Items with variations
 * whose master codes do not follow `mn:vid` need a 別品番紐づけ override per listing.
 */
export function defaultMallCode(masterCode: string): string {
  const trimmed = masterCode.trim();
  const parsed = parseMallCode(trimmed);
  if (parsed) return formatMallCode(parsed);
  if (trimmed.includes(":")) return trimmed; // malformed: pushStock reports it as an item error
  return `${trimmed.toLowerCase()}:${SINGLE_SKU_VARIANT_ID}`;
}
