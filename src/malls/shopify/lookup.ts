import type { z } from "zod";
import { MallError } from "../types";
import type { ShopifySession } from "./client";
import { configuredLocationGid } from "./credentials";
import { LEVELS_DOC, LOCATIONS_DOC, STOCK_BY_SKU_DOC, VARIANTS_BY_SKU_DOC } from "./documents";
import { availableOf, levelsData, locationsData, variantsData, type VariantNode } from "./schemas";

/**
 * SKUs per productVariants search. Shopify charges a search by what it may return (2 + first ×
 * the cost of one node), not by what it does return, so `first` is the number of SKUs asked for:
 * a page twice that size cost twice the bucket for the same answer and halved a first sync's
 * pace (about 25 SKUs/s against a 100 points/s restore rate). The rare extra match (`sku:` is a
 * search, a case variant may match too) is fetched as a further page.
 */
export const SKUS_PER_LOOKUP = 50;
const MAX_LOOKUP_PAGES = 5;

/**
 * The location Kura syncs: the merchant's setting, else a cached ref's, else the first active
 * location that ships inventory (Location.isPrimary is deprecated in 2026-07).
 */
export async function resolveLocation(s: ShopifySession, cached?: string): Promise<string> {
  const configured = configuredLocationGid(s.creds);
  if (configured) return configured;
  if (cached) return cached;
  const data = await s.gql(LOCATIONS_DOC, {}, locationsData);
  const active = data.locations.nodes.filter((l) => l.isActive);
  const pick =
    active.find((l) => l.shipsInventory && l.fulfillsOnlineOrders) ?? active.find((l) => l.shipsInventory) ?? active[0];
  if (!pick) throw new MallError("auth", "Shopify: 在庫を置ける有効なロケーションがありません", { code: "NO_LOCATION" });
  return pick.id;
}

/**
 * Shopify search syntax: a quoted value with `\` and `"` escaped. The `sku:` filter is a search,
 * not an exact lookup, so results are filtered by exact SKU afterwards. [verify] exact escaping
 * rules of the search syntax for SKUs containing quotes.
 */
export function skuQuery(codes: string[]): string {
  return codes.map((c) => `sku:"${c.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`).join(" OR ");
}

export type Resolution =
  | { ok: true; inventoryItemId: string; available: number | null; stocked: boolean }
  | { ok: false; code: "UNKNOWN_SKU" | "DUPLICATE_SKU" | "NOT_TRACKED"; message: string };

/** Resolves variant SKUs to inventory items (with the location's "available" when withStock). */
export async function resolveSkus(
  s: ShopifySession,
  codes: string[],
  locationId: string,
  withStock: boolean,
): Promise<Map<string, Resolution>> {
  const unique = [...new Set(codes)];
  const out = new Map<string, Resolution>();
  for (let i = 0; i < unique.length; i += SKUS_PER_LOOKUP) {
    const chunk = unique.slice(i, i + SKUS_PER_LOOKUP);
    const found = new Map<string, VariantNode[]>();
    let after: string | null = null;
    for (let page = 0; page < MAX_LOOKUP_PAGES; page++) {
      const variables: Record<string, unknown> = { first: chunk.length, after, query: skuQuery(chunk), ...(withStock ? { locationId } : {}) };
      const data: z.infer<typeof variantsData> = await s.gql(withStock ? STOCK_BY_SKU_DOC : VARIANTS_BY_SKU_DOC, variables, variantsData);
      for (const v of data.productVariants.nodes) {
        if (v.sku == null || !chunk.includes(v.sku)) continue;
        found.set(v.sku, [...(found.get(v.sku) ?? []), v]);
      }
      if (!data.productVariants.pageInfo.hasNextPage) break;
      after = data.productVariants.pageInfo.endCursor;
    }
    for (const code of chunk) out.set(code, toResolution(code, found.get(code) ?? []));
  }
  return out;
}

function toResolution(code: string, variants: VariantNode[]): Resolution {
  if (variants.length === 0) {
    return { ok: false, code: "UNKNOWN_SKU", message: `Shopify に SKU「${code}」のバリエーションがありません` };
  }
  if (variants.length > 1) {
    return {
      ok: false,
      code: "DUPLICATE_SKU",
      message: `SKU「${code}」が ${variants.length} 件のバリエーションで重複しています`,
    };
  }
  const item = variants[0].inventoryItem;
  if (!item.tracked) {
    return { ok: false, code: "NOT_TRACKED", message: `SKU「${code}」は Shopify で在庫を追跡していません` };
  }
  const level = item.inventoryLevel;
  return { ok: true, inventoryItemId: item.id, available: availableOf(level), stocked: level != null };
}

/** Current "available" per inventory item at the location (null: not stocked there / unknown). */
export async function readLevels(
  s: ShopifySession,
  inventoryItemIds: string[],
  locationId: string,
): Promise<Map<string, number | null>> {
  const out = new Map<string, number | null>();
  for (let i = 0; i < inventoryItemIds.length; i += 100) {
    const ids = inventoryItemIds.slice(i, i + 100);
    const data = await s.gql(LEVELS_DOC, { ids, locationId }, levelsData);
    data.nodes.forEach((n, k) => out.set(ids[k], n ? availableOf(n.inventoryLevel) : null));
  }
  return out;
}
