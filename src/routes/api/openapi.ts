import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv } from "../../env";
import {
  createAccountBody,
  createProductBody,
  createShopBody,
  createTokenBody,
  listingBody,
  patchShopBody,
  pushQuery,
  shopStockQuery,
  groupBody,
  lineResult,
  listProductsQuery,
  logsQuery,
  movementsQuery,
  patchGroupBody,
  patchProductBody,
  problemOut,
  productOut,
  salesBody,
  stockBody,
} from "../../schemas/api";
import { invariantReportOut, invariantsQuery, syncFailureOut, syncFailuresQuery } from "../../schemas/sync";

// The OpenAPI document is generated from the same zod schemas the routes validate with.

const schema = (s: z.ZodType) => z.toJSONSchema(s, { io: "input", unrepresentable: "any" });
const json = (s: z.ZodType, description = "OK") => ({ description, content: { "application/json": { schema: schema(s) } } });
const body = (s: z.ZodType) => ({ required: true, content: { "application/json": { schema: schema(s) } } });
const problems = (...codes: number[]) =>
  Object.fromEntries(codes.map((c) => [String(c), { description: "Problem", content: { "application/problem+json": { schema: schema(problemOut) } } }]));
const queryParams = (s: z.ZodObject) =>
  Object.entries(s.shape).map(([name, v]) => ({ name, in: "query", required: false, schema: schema(v as z.ZodType) }));
const codeParam = { name: "masterCode", in: "path", required: true, schema: { type: "string" } };
const page = (item: z.ZodType) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
const secured = [{ bearer: [] }];
const shopParam = { name: "id", in: "path", required: true, schema: { type: "integer" } };
const shopOut = z.object({
  id: z.number(),
  kind: z.string(),
  name: z.string(),
  importEnabled: z.boolean(),
  updateEnabled: z.boolean(),
  cancelPolicy: z.enum(["restore", "ignore"]),
  ratio: z.number().nullable(),
  salesLimit: z.number().nullable(),
  baseUrl: z.string().nullable(),
  credentials: z.object({ configured: z.boolean() }),
  credentialsExpireAt: z.string().nullable(),
  status: z.enum(["ok", "retrying", "stopped"]),
  lastTest: z.object({ at: z.string(), ok: z.boolean(), reason: z.string().nullable() }).nullable(),
  lastImportAt: z.string().nullable(),
  lastPushAt: z.string().nullable(),
  lastError: z.string().nullable(),
  warnings: z.array(z.object({ code: z.enum(["credentials_expiring", "credentials_expired"]), expiresAt: z.string(), daysLeft: z.number(), message: z.string() })),
});

function document() {
  return {
    openapi: "3.1.0",
    info: {
      title: "Kura API",
      version: "1.0.0",
      description:
        "Kura (蔵) multi-channel inventory sync. Authenticate with `Authorization: Bearer <token>`: the operator token for /operator, an account API token for everything else (a token only ever sees its own account). Errors are application/problem+json.",
    },
    servers: [{ url: "/api/v1" }],
    components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
    security: secured,
    paths: {
      "/operator/accounts": {
        post: {
          summary: "Create an account with its owner and a first API token (shown once)",
          requestBody: body(createAccountBody),
          responses: { "201": json(z.object({ account: z.object({ id: z.number(), name: z.string() }), apiToken: z.string() }), "Created"), ...problems(400, 401, 409) },
        },
      },
      "/operator/accounts/{id}/tokens": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        post: {
          summary: "Mint another API token for an account (shown once)",
          requestBody: body(createTokenBody),
          responses: { "201": json(z.object({ id: z.number(), apiToken: z.string(), scopes: z.array(z.string()) }), "Created"), ...problems(400, 401, 404) },
        },
      },
      "/shops": {
        get: { summary: "The account's shops (credentials never returned)", responses: { "200": json(z.object({ items: z.array(shopOut) })), ...problems(401) } },
        post: {
          summary: "Connect a shop; credentials are validated by the mall's schema and stored encrypted",
          requestBody: body(createShopBody),
          responses: { "201": json(shopOut, "Created"), ...problems(400, 401, 403) },
        },
      },
      "/shops/{id}": {
        parameters: [shopParam],
        get: { summary: "One shop", responses: { "200": json(shopOut), ...problems(401, 404) } },
        patch: { summary: "Edit a shop (switches, cancel policy, overrides, replace credentials)", requestBody: body(patchShopBody), responses: { "200": json(shopOut), ...problems(400, 401, 404) } },
        delete: { summary: "Remove a shop", responses: { "204": { description: "Deleted" }, ...problems(401, 404) } },
      },
      "/shops/{id}/test": {
        parameters: [shopParam],
        post: {
          summary: "接続テスト: one real call; NG turns the shop to 停止中",
          responses: { "200": json(z.object({ ok: z.boolean(), reason: z.string().optional(), errorClass: z.string().optional(), expiresAt: z.string().optional() })), ...problems(401, 404) },
        },
      },
      "/shops/{id}/pull": {
        parameters: [shopParam],
        post: {
          summary: "Take in the shop's orders and cancels since its cursor now (idempotent)",
          responses: { "200": json(z.object({ lines: z.number(), counts: z.record(z.string(), z.number()) })), ...problems(401, 404, 409, 502, 503) },
        },
      },
      "/shops/{id}/push": {
        parameters: [shopParam],
        post: {
          summary: "Send the figures that differ from what the shop was last sent (?all=true: every managed listing)",
          parameters: queryParams(pushQuery),
          responses: {
            "200": json(z.object({ sent: z.number(), failed: z.number(), items: z.array(z.object({ masterCode: z.string(), mallCode: z.string(), figure: z.number(), ok: z.boolean(), error: z.string().optional(), errorClass: z.string().optional() })) })),
            ...problems(401, 404, 409, 502, 503),
          },
        },
      },
      "/shops/{id}/stock": {
        parameters: [shopParam],
        get: {
          summary: "The shop's live figures for some master codes",
          parameters: queryParams(shopStockQuery),
          responses: { "200": json(z.object({ items: z.array(z.object({ masterCode: z.string(), mallCode: z.string(), lastSentFigure: z.number().nullable(), quantity: z.number().nullable() })) })), ...problems(400, 401, 404, 502, 503) },
        },
      },
      "/products/{masterCode}/shops/{shopId}": {
        parameters: [codeParam, { name: "shopId", in: "path", required: true, schema: { type: "integer" } }],
        put: { summary: "管理 対象/対象外, 別品番紐づけ and the 手動 figure of a product on a shop", requestBody: body(listingBody), responses: { "200": json(z.any()), ...problems(400, 401, 403, 404, 409) } },
      },
      "/products": {
        get: { summary: "List products (keyset pagination by master code)", parameters: queryParams(listProductsQuery), responses: { "200": json(page(productOut)), ...problems(400, 401) } },
        post: { summary: "Register a product or a set", requestBody: body(createProductBody), responses: { "201": json(productOut, "Created"), ...problems(400, 401, 403, 409) } },
      },
      "/products/{masterCode}": {
        parameters: [codeParam],
        get: { summary: "One product with its authoritative on_hand", responses: { "200": json(productOut), ...problems(401, 404) } },
        patch: { summary: "Edit a product; `group` moves it (sets move with their components)", requestBody: body(patchProductBody), responses: { "200": json(productOut), ...problems(400, 401, 404, 409) } },
        delete: { summary: "Delete a product", responses: { "204": { description: "Deleted" }, ...problems(401, 404, 409) } },
      },
      "/products/{masterCode}/stock": {
        parameters: [codeParam],
        post: {
          summary: "Set (上書き) or adjust (加算・減算) on_hand; idempotent with idempotencyKey",
          requestBody: body(stockBody),
          responses: { "200": json(z.object({ onHand: z.number(), duplicate: z.boolean() })), ...problems(400, 401, 404, 409) },
        },
      },
      "/products/{masterCode}/movements": {
        parameters: [codeParam],
        get: {
          summary: "The ledger, newest first",
          parameters: queryParams(movementsQuery),
          responses: {
            "200": json(
              z.object({
                masterCode: z.string(),
                items: z.array(z.object({ id: z.number(), delta: z.number(), reason: z.string(), ref: z.string(), onHandAfter: z.number(), at: z.string() })),
                nextCursor: z.string().nullable(),
              }),
            ),
            ...problems(401, 404),
          },
        },
      },
      "/products/{masterCode}/figures": {
        parameters: [codeParam],
        get: {
          summary: "The figure each shop is sent, with its step-by-step trace (SPEC §3.2)",
          responses: {
            "200": json(
              z.object({
                masterCode: z.string(),
                shops: z.array(
                  z.object({
                    shopId: z.number(),
                    shopName: z.string(),
                    kind: z.string(),
                    figure: z.number().nullable(),
                    trace: z.array(z.object({ step: z.string(), label: z.string(), value: z.number().nullable(), note: z.string() })),
                    lastSentFigure: z.number().nullable(),
                    lastSentAt: z.string().nullable(),
                  }),
                ),
              }),
            ),
            ...problems(401, 404),
          },
        },
      },
      "/sales": {
        post: {
          summary: "Report sale or cancel lines (idempotent per source + order + line)",
          description:
            "A cancel line's quantity is the total of the line cancelled so far, so re-sending it is harmless. `unmatched`: a cancel of a line never taken in (recorded, changes nothing). `ignored`: the shop's cancel policy is 戻さない.",
          requestBody: body(salesBody),
          responses: {
            "200": json(
              z.object({
                lines: z.array(z.object({ lineId: z.string(), result: lineResult, onHand: z.number().optional(), oversold: z.boolean().optional(), pending: z.boolean().optional() })),
              }),
            ),
            ...problems(400, 401),
          },
        },
      },
      "/groups": {
        get: { summary: "Product groups", responses: { "200": json(z.object({ items: z.array(z.any()) })), ...problems(401) } },
        post: { summary: "Create a group with 確保在庫 / 在庫比率 / 販売制限", requestBody: body(groupBody), responses: { "201": json(z.any(), "Created"), ...problems(400, 401, 409) } },
      },
      "/groups/{id}": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        get: { summary: "One group", responses: { "200": json(z.any()), ...problems(401, 404) } },
        patch: { summary: "Edit a group", requestBody: body(patchGroupBody), responses: { "200": json(z.any()), ...problems(400, 401, 404, 409) } },
      },
      "/logs/sales": { get: { summary: "販売ログ, newest first", parameters: queryParams(logsQuery), responses: { "200": json(page(z.any())), ...problems(400, 401) } } },
      "/logs/operations": { get: { summary: "操作ログ, newest first", parameters: queryParams(logsQuery), responses: { "200": json(page(z.any())), ...problems(400, 401) } } },
      "/sync/failures": {
        get: { summary: "Tasks that failed every retry (dead-lettered), newest first", parameters: queryParams(syncFailuresQuery), responses: { "200": json(page(syncFailureOut)), ...problems(400, 401) } },
      },
      "/sync/failures/{id}/retry": {
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "integer" } }],
        post: { summary: "Send a failed task again on its original queue and mark it resolved", responses: { "200": json(syncFailureOut), ...problems(401, 404, 409) } },
      },
      "/sync/invariants": {
        get: {
          summary: "The latest daily invariant check per product group (only those with problems unless all=true)",
          parameters: queryParams(invariantsQuery),
          responses: { "200": json(z.object({ items: z.array(invariantReportOut) })), ...problems(400, 401) },
        },
      },
      "/openapi.json": { get: { summary: "This document", security: [], responses: { "200": { description: "OpenAPI 3.1" } } } },
    },
  };
}

export const openapiApi = new Hono<AppEnv>();
let cached: ReturnType<typeof document> | null = null;
openapiApi.get("/openapi.json", (c) => c.json((cached ??= document())));
