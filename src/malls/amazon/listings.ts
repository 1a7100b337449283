import type { z } from "zod";
import { MallError, type PushItem, type PushResult, type StockReading } from "../types";
import { type AmazonSession, firstError } from "./client";
import { listingsItemSchema, submissionResponseSchema } from "./schemas";

// Listings Items API 2021-08-01: getListingsItem (productType, fulfillmentAvailability) and
// patchListingsItem (replace /attributes/fulfillment_availability) for one SKU at a time.

/** Merchant-fulfilled stock lives on the DEFAULT channel; AMAZON_JP (FBA) is Amazon's own. */
export const MFN_CHANNEL = "DEFAULT";

/** searchListingsItems: the seller's listings. */
export function sellerListingsPath(s: AmazonSession): string {
  return `/listings/2021-08-01/items/${encodeURIComponent(s.sellerId)}`;
}

export function listingPath(s: AmazonSession, sku: string): string {
  // Seller SKUs may hold "/", spaces, "#", Japanese…: always one encoded path segment.
  return `${sellerListingsPath(s)}/${encodeURIComponent(sku)}`;
}

/** The patch that sets the merchant-fulfilled quantity to an absolute figure. */
export function quantityPatch(quantity: number) {
  return {
    op: "replace" as const,
    path: "/attributes/fulfillment_availability",
    value: [{ fulfillment_channel_code: MFN_CHANNEL, quantity }],
  };
}

type Lookup =
  | { found: true; item: z.infer<typeof listingsItemSchema> }
  | { found: false; code: string; message: string };

export async function getListing(s: AmazonSession, sku: string, includedData: string): Promise<Lookup> {
  const r = await s.call("getListingsItem", "GET", listingPath(s, sku), {
    query: { marketplaceIds: s.marketplaceId, includedData, issueLocale: "ja_JP" },
  });
  if (r.status === 200) {
    const item = listingsItemSchema.safeParse(r.json);
    if (!item.success) throw new MallError("transient", "getListingsItem の応答を解釈できません", { status: 200 });
    return { found: true, item: item.data };
  }
  // 404 = no such SKU in this marketplace; 400 = a SKU Amazon cannot even address.
  const err = firstError(r.json);
  return { found: false, code: err?.code ?? `HTTP ${r.status}`, message: err?.message ?? `HTTP ${r.status}` };
}

export async function readOne(s: AmazonSession, sku: string): Promise<StockReading> {
  const got = await getListing(s, sku, "fulfillmentAvailability");
  if (!got.found) return { mallCode: sku, quantity: null };
  const mfn = got.item.fulfillmentAvailability?.find((f) => f.fulfillmentChannelCode === MFN_CHANNEL);
  // A listing without a DEFAULT row (FBA-only, or never given a quantity) shows 0 to buyers.
  return { mallCode: sku, quantity: mfn?.quantity ?? 0 };
}

function itemError(mallCode: string, code: string, message: string): PushResult {
  return { mallCode, ok: false, error: { errorClass: "item", code, message } };
}

export function invalidQuantity(item: PushItem): PushResult | null {
  if (Number.isInteger(item.quantity) && item.quantity >= 0) return null;
  return itemError(item.mallCode, "INVALID_QUANTITY", `在庫数が不正です (${item.quantity})`);
}

async function readProductType(s: AmazonSession, sku: string): Promise<{ productType: string } | PushResult> {
  const got = await getListing(s, sku, "productTypes");
  if (!got.found) return itemError(sku, got.code, `出品が見つかりません: ${got.message}`);
  const types = got.item.productTypes ?? [];
  const pt = (types.find((t) => t.marketplaceId === s.marketplaceId) ?? types[0])?.productType;
  return pt ? { productType: pt } : itemError(sku, "NO_PRODUCT_TYPE", "出品の商品タイプ (productType) を取得できません");
}

async function patch(s: AmazonSession, sku: string, productType: string, quantity: number) {
  const r = await s.call("patchListingsItem", "PATCH", listingPath(s, sku), {
    query: { marketplaceIds: s.marketplaceId, issueLocale: "ja_JP" },
    body: { productType, patches: [quantityPatch(quantity)] },
  });
  if (r.status !== 200) {
    const err = firstError(r.json);
    return { rejected: { code: err?.code ?? `HTTP ${r.status}`, message: err?.message ?? `HTTP ${r.status}` } };
  }
  const sub = submissionResponseSchema.safeParse(r.json);
  if (!sub.success) throw new MallError("transient", "patchListingsItem の応答を解釈できません", { status: 200 });
  return { submission: sub.data };
}

/**
 * One SKU through patchListingsItem. The productType comes from the listing's cached ref, else
 * from getListingsItem (and is handed back in `ref` to be cached). ACCEPTED is asynchronous:
 * Amazon has queued the change, not applied it (MALLS.md §9) — hence `submissionId`.
 */
export async function pushOne(s: AmazonSession, item: PushItem): Promise<PushResult> {
  const bad = invalidQuantity(item);
  if (bad) return bad;
  const sku = item.mallCode;
  let productType = item.ref?.productType;
  const cached = !!productType;
  if (!productType) {
    const pt = await readProductType(s, sku);
    if (!("productType" in pt)) return pt;
    productType = pt.productType;
  }
  let out = await patch(s, sku, productType, item.quantity);
  if (cached && (out.rejected || out.submission?.status === "INVALID")) {
    // The cached type may be stale (the listing was re-categorised): re-read it once.
    const pt = await readProductType(s, sku);
    if (!("productType" in pt)) return pt;
    if (pt.productType !== productType) {
      productType = pt.productType;
      out = await patch(s, sku, productType, item.quantity);
    }
  }
  const ref = { ...(item.ref ?? {}), productType };
  if (out.rejected) return { ...itemError(sku, out.rejected.code, out.rejected.message), ref };
  const sub = out.submission!;
  if (sub.status !== "ACCEPTED") {
    const issue = sub.issues?.find((i) => i.severity === "ERROR") ?? sub.issues?.[0];
    return { ...itemError(sku, issue?.code ?? sub.status, issue?.message ?? `Amazon が更新を受け付けませんでした (${sub.status})`), ref };
  }
  return { mallCode: sku, ok: true, submissionId: sub.submissionId, ref };
}
