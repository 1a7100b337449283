import { Hono } from "hono";
import { z } from "zod";
import { csv, guard, invalidInput, spError, spJson } from "./http";
import { type AmazonSimState, JP, type SimListing } from "./state";

// Listings Items API 2021-08-01: getListingsItem, patchListingsItem, searchListingsItems.

const INCLUDED = ["summaries", "attributes", "issues", "offers", "fulfillmentAvailability", "procurement", "relationships", "productTypes"];
/** The offer-only product type accepted for quantity/price patches of any listing [verify]. */
const OFFER_ONLY = "PRODUCT";

export const patchBodySchema = z.object({
  productType: z.string().min(1),
  patches: z
    .array(
      z.object({
        op: z.enum(["add", "replace", "merge", "delete"]),
        path: z.string().startsWith("/attributes/"),
        value: z.array(z.record(z.string(), z.unknown())).optional(),
      }),
    )
    .min(1),
});
type Patch = z.infer<typeof patchBodySchema>["patches"][number];

export interface Issue {
  code: string;
  message: string;
  severity: "ERROR" | "WARNING";
  attributeNames?: string[];
  categories: string[];
}

/**
 * Validates and (unless `preview`) applies patches to one listing, as both the PATCH endpoint
 * and a JSON_LISTINGS_FEED PATCH message do. Returns the listing issues (ERROR = rejected).
 * [verify] issue codes: Amazon's numeric codes for these cases are not in the models.
 */
export function applyPatches(state: AmazonSimState, sku: string, productType: string, patches: Patch[], preview = false): Issue[] {
  const l = state.listings.get(sku);
  if (!l) return [{ code: "4000004", message: `SKU '${sku}' does not exist in marketplace ${JP}.`, severity: "ERROR", categories: ["INVALID_ATTRIBUTE"] }];
  if (productType !== l.productType && productType !== OFFER_ONLY) {
    return [{ code: "4000003", message: `The product type '${productType}' does not match the listing's product type '${l.productType}'.`, severity: "ERROR", categories: ["INVALID_ATTRIBUTE"] }];
  }
  let quantity: number | undefined;
  for (const p of patches) {
    if (p.path !== "/attributes/fulfillment_availability") continue; // other attributes: accepted, not modelled
    if (p.op === "delete") continue;
    const row = p.value?.find((v) => v.fulfillment_channel_code === "DEFAULT");
    const q = row?.quantity;
    if (p.op === "replace" && !row) continue;
    if (q !== undefined && (typeof q !== "number" || !Number.isInteger(q) || q < 0)) {
      return [{ code: "4000001", message: "The provided value for 'quantity' is invalid.", severity: "ERROR", attributeNames: ["fulfillment_availability"], categories: ["INVALID_ATTRIBUTE"] }];
    }
    if (typeof q === "number") quantity = q;
  }
  if (!preview && quantity !== undefined) {
    l.quantity = quantity;
    l.updatedAt = state.now();
  }
  return [];
}

function renderItem(l: SimListing, included: string[]) {
  const out: Record<string, unknown> = { sku: l.sku };
  if (included.includes("summaries")) {
    out.summaries = [{
      marketplaceId: JP,
      asin: l.asin,
      productType: l.productType,
      conditionType: "new_new",
      status: l.quantity > 0 ? ["BUYABLE", "DISCOVERABLE"] : ["DISCOVERABLE"],
      itemName: `Kura sim item ${l.sku}`,
      createdDate: new Date(l.createdAt).toISOString(),
      lastUpdatedDate: new Date(l.updatedAt).toISOString(),
    }];
  }
  if (included.includes("productTypes")) out.productTypes = [{ marketplaceId: JP, productType: l.productType }];
  if (included.includes("fulfillmentAvailability")) out.fulfillmentAvailability = [{ fulfillmentChannelCode: "DEFAULT", quantity: l.quantity }];
  if (included.includes("issues")) out.issues = [];
  if (included.includes("attributes")) {
    out.attributes = { fulfillment_availability: [{ fulfillment_channel_code: "DEFAULT", quantity: l.quantity }] };
  }
  return out;
}

function readIncluded(c: Parameters<typeof csv>[0]): string[] | string {
  const included = csv(c, "includedData") ?? ["summaries"];
  const bad = included.find((x) => !INCLUDED.includes(x));
  return bad ? `Invalid includedData value: ${bad}` : included;
}

function checkMarketplace(c: Parameters<typeof csv>[0]): string | null {
  const mps = csv(c, "marketplaceIds");
  if (!mps?.length) return "Missing required parameter: marketplaceIds";
  if (mps.length > 1 || mps[0] !== JP) return `Invalid marketplaceIds: ${mps.join(",")}`;
  return null;
}

export function listingsRoutes(state: AmazonSimState) {
  const app = new Hono();
  const base = "/listings/2021-08-01/items/:sellerId";

  app.get(`${base}/:sku`, (c) => {
    const denied = guard(state, c, "getListingsItem", "listings", c.req.param("sellerId"));
    if (denied) return denied;
    const mpError = checkMarketplace(c);
    if (mpError) return invalidInput(c, mpError);
    const included = readIncluded(c);
    if (typeof included === "string") return invalidInput(c, included);
    const sku = c.req.param("sku");
    const l = state.listings.get(sku);
    if (!l) return spError(c, 404, "NOT_FOUND", `SKU '${sku}' not found in marketplace ${JP}`);
    return spJson(c, renderItem(l, included), "getListingsItem");
  });

  app.patch(`${base}/:sku`, async (c) => {
    const denied = guard(state, c, "patchListingsItem", "listings", c.req.param("sellerId"));
    if (denied) return denied;
    const mpError = checkMarketplace(c);
    if (mpError) return invalidInput(c, mpError);
    const raw = await c.req.json().catch(() => undefined);
    state.recordRequest("patchListingsItem", raw);
    const body = patchBodySchema.safeParse(raw);
    if (!body.success) return invalidInput(c, `Invalid request body: ${body.error.issues[0]?.message ?? "malformed"}`);
    const sku = c.req.param("sku");
    const preview = c.req.query("mode") === "VALIDATION_PREVIEW";
    const issues = applyPatches(state, sku, body.data.productType, body.data.patches, preview);
    const invalid = issues.some((i) => i.severity === "ERROR");
    return spJson(c, {
      sku,
      status: invalid ? "INVALID" : preview ? "VALID" : "ACCEPTED",
      submissionId: crypto.randomUUID().replaceAll("-", ""),
      issues,
    }, "patchListingsItem");
  });

  app.get(base, (c) => {
    const denied = guard(state, c, "searchListingsItems", "listings", c.req.param("sellerId"));
    if (denied) return denied;
    const mpError = checkMarketplace(c);
    if (mpError) return invalidInput(c, mpError);
    const included = readIncluded(c);
    if (typeof included === "string") return invalidInput(c, included);
    const pageSize = Number(c.req.query("pageSize") ?? "10");
    if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > 20) return invalidInput(c, "pageSize must be between 1 and 20");
    const ids = csv(c, "identifiers");
    if (ids && ids.length > 20) return invalidInput(c, "identifiers accepts at most 20 values");
    if (ids && c.req.query("identifiersType") !== "SKU") return invalidInput(c, "identifiersType is required with identifiers (only SKU is simulated)");
    const all = [...state.listings.values()].filter((l) => !ids || ids.includes(l.sku));
    let offset = 0;
    const pageToken = c.req.query("pageToken");
    if (pageToken) {
      offset = Number(/^[A-Za-z0-9+/=]+$/.test(pageToken) ? atob(pageToken) : Number.NaN);
      if (!Number.isInteger(offset) || offset < 0) return invalidInput(c, "Invalid pageToken");
    }
    const page = all.slice(offset, offset + pageSize);
    const more = offset + pageSize < all.length;
    return spJson(c, {
      numberOfResults: all.length,
      ...(more ? { pagination: { nextToken: btoa(String(offset + pageSize)) } } : {}),
      items: page.map((l) => renderItem(l, included)),
    }, "searchListingsItems");
  });
  return app;
}
