// BASE mall codes: "<item_id>" for an item without variations, "<item_id>:<variation_id>" for
// one variation. Both ids are BASE's own numeric ids (not the merchant's 商品コード `identifier`),
// because edit_stock and items/detail only take ids.

export interface BaseCode {
  itemId: string;
  variationId: string | null;
}

const CODE = /^(\d{1,20})(?::(\d{1,20}))?$/;

export function parseBaseCode(code: string): BaseCode | null {
  const m = CODE.exec(code.trim());
  if (!m) return null;
  return { itemId: m[1], variationId: m[2] ?? null };
}

export function formatBaseCode(itemId: number | string, variationId?: number | string | null): string {
  // Items without variations come back with variation_id null (0 seen in some clients [verify]).
  return variationId == null || variationId === 0 || variationId === "0"
    ? String(itemId)
    : `${itemId}:${variationId}`;
}
