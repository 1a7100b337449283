import { createRoute, z } from "@hono/zod-openapi";
import { codeParam, createProductBody, idParam, listProductsQuery, movementsQuery, page, patchProductBody, productOut, stockBody } from "../../schemas/api";
import { listingBody } from "../../schemas/api-shops";
import { BULK_MAX } from "../../stock/catalog";
import { API_TOKEN, json, jsonBody, noContent, problems } from "./openapi-kit";

// The product routes as OpenAPI definitions; products.ts holds their handlers.

const tags = ["products"];
const byCode = { params: codeParam };

export const listProductsRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN,
  summary: "List products (keyset pagination by master code)",
  request: { query: listProductsQuery },
  responses: { 200: json(page(productOut)), ...problems(400, 401) },
});

export const createProductRoute = createRoute({
  method: "post", path: "/", tags, security: API_TOKEN,
  summary: "Register a product or a set",
  request: { body: jsonBody(createProductBody) },
  responses: { 201: json(productOut, "Created"), ...problems(400, 401, 403, 409, 415) },
});

export const bulkCreateRoute = createRoute({
  method: "post", path: "/bulk", tags, security: API_TOKEN,
  summary: "Register up to 1,000 plain products at once (all or nothing; sets one by one)",
  request: { body: jsonBody(z.object({ items: z.array(createProductBody).min(1).max(BULK_MAX) }).openapi("ProductsBulk")) },
  responses: { 201: json(z.object({ created: z.number().int(), masterCodes: z.array(z.string()) }), "Created"), ...problems(400, 401, 403, 409, 415) },
});

export const getProductRoute = createRoute({
  method: "get", path: "/{masterCode}", tags, security: API_TOKEN,
  summary: "One product with its authoritative on_hand",
  request: byCode,
  responses: { 200: json(productOut), ...problems(401, 404) },
});

export const patchProductRoute = createRoute({
  method: "patch", path: "/{masterCode}", tags, security: API_TOKEN,
  summary: "Edit a product; fields left out keep their value; `group` moves it (sets move with their components)",
  request: { ...byCode, body: jsonBody(patchProductBody) },
  responses: { 200: json(productOut), ...problems(400, 401, 403, 404, 409, 415) },
});

export const deleteProductRoute = createRoute({
  method: "delete", path: "/{masterCode}", tags, security: API_TOKEN, summary: "Delete a product",
  request: byCode,
  responses: { 204: noContent, ...problems(401, 403, 404, 409) },
});

export const stockRoute = createRoute({
  method: "post", path: "/{masterCode}/stock", tags, security: API_TOKEN,
  summary: "Set (上書き) or adjust (加算・減算) on_hand; idempotent with idempotencyKey",
  request: { ...byCode, body: jsonBody(stockBody) },
  responses: { 200: json(z.object({ onHand: z.number(), duplicate: z.boolean() })), ...problems(400, 401, 403, 404, 409, 415) },
});

const movement = z.object({ id: z.number(), delta: z.number(), reason: z.string(), ref: z.string(), onHandAfter: z.number(), at: z.string() });

export const movementsRoute = createRoute({
  method: "get", path: "/{masterCode}/movements", tags, security: API_TOKEN,
  summary: "The ledger, newest first",
  request: { ...byCode, query: movementsQuery },
  responses: { 200: json(z.object({ masterCode: z.string(), items: z.array(movement), nextCursor: z.string().nullable() })), ...problems(400, 401, 404) },
});

const figureShop = z.object({
  shopId: z.number(),
  shopName: z.string(),
  kind: z.string(),
  figure: z.number().nullable(),
  trace: z.array(z.object({ step: z.string(), label: z.string(), value: z.number().nullable(), note: z.string(), args: z.record(z.string(), z.union([z.string(), z.number()])).optional().openapi({ description: "The inputs of this step (amounts, where a rule came from), for wording the trace in another language" }) })),
  lastSentFigure: z.number().nullable(),
  lastSentAt: z.string().nullable(),
});

export const figuresRoute = createRoute({
  method: "get", path: "/{masterCode}/figures", tags, security: API_TOKEN,
  summary: "The figure each shop is sent, with its step-by-step trace (SPEC §3.2)",
  request: byCode,
  responses: { 200: json(z.object({ masterCode: z.string(), shops: z.array(figureShop) })), ...problems(401, 404) },
});

const listingOut = z.object({
  masterCode: z.string(),
  shopId: z.number(),
  managed: z.boolean(),
  mallCode: z.string().nullable(),
  effectiveMallCode: z.string().describe("The code the shop knows the product by: mallCode, else the mall's default rule"),
  manualFigure: z.number().nullable(),
  lastSentFigure: z.number().nullable(),
});

export const listingRoute = createRoute({
  method: "put", path: "/{masterCode}/shops/{shopId}", tags, security: API_TOKEN,
  summary: "管理 対象/対象外, 別品番紐づけ and the 手動 figure of a product on a shop; fields left out keep their value",
  request: { params: codeParam.extend({ shopId: idParam("shopId") }), body: jsonBody(listingBody) },
  responses: { 200: json(listingOut), ...problems(400, 401, 403, 404, 409, 415) },
});
