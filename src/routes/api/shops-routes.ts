import { createRoute, z } from "@hono/zod-openapi";
import { idParam } from "../../schemas/api";
import { createShopBody, mallKind, patchShopBody, pushQuery, shopStockQuery } from "../../schemas/api-shops";
import { jobSchema } from "./jobs";
import { API_TOKEN, json, jsonBody, noContent, problems } from "./openapi-kit";

// The shop routes as OpenAPI definitions; shops.ts holds their handlers.

const iso = z.string().nullable();

export const shopSchema = z
  .object({
    id: z.number(),
    kind: mallKind,
    intake: z
      .enum(["api", "mail"])
      .describe("api: Kura polls the mall's orders and sends it stock figures; mail: a cart without an order API, whose order mails are forwarded to the account's inboundEmail (no pushes, pulls or reads: updateEnabled is always false)"),
    name: z.string(),
    importEnabled: z.boolean(),
    updateEnabled: z.boolean(),
    cancelPolicy: z.enum(["restore", "ignore"]),
    driftPolicy: z.enum(["report", "fix", "accept"]).describe("report 通知のみ / fix 自動修正 / accept 取り込む"),
    ratio: z.number().nullable(),
    salesLimit: z.number().nullable(),
    baseUrl: z.string().nullable(),
    credentials: z.object({ configured: z.boolean() }).describe("Whether credentials are stored; they are never returned"),
    credentialsExpireAt: iso,
    status: z.enum(["ok", "retrying", "stopped"]),
    failingListings: z.number().int().describe("対象 listings whose last push failed"),
    unreflected: z.number().int().describe("未反映: products waiting to be sent to this shop plus listings whose last push failed"),
    lag: z
      .object({ p50Ms: z.number().nullable(), p95Ms: z.number().nullable(), samples: z.number().int() })
      .describe("How long changes took to reach this shop lately (change → mall accepted), in ms; null without samples"),
    health: z.enum(["ok", "error", "stopped"]).describe("stopped when 停止中; error when the last call failed or a listing's push failed"),
    healthLabel: z.enum(["正常", "一時エラー", "停止中"]),
    lastTest: z.object({ at: iso, ok: z.boolean().nullable(), reason: z.string().nullable() }).nullable(),
    lastImportAt: iso,
    lastPushAt: iso,
    lastError: z.string().nullable(),
    warnings: z
      .array(
        z.object({
          code: z.enum(["credentials_expiring", "credentials_expired"]),
          expiresAt: z.string(),
          daysLeft: z.number(),
          message: z.string(),
        }),
      )
      .describe("What needs the merchant soon, e.g. credentials that expire within 14 days"),
  })
  .openapi("Shop");

const shopId = { params: z.object({ id: idParam() }) };
const tags = ["shops"];

export const listShopsRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN,
  summary: "The account's shops (credentials never returned)",
  responses: { 200: json(z.object({ items: z.array(shopSchema) })), ...problems(401) },
});

export const createShopRoute = createRoute({
  method: "post", path: "/", tags, security: API_TOKEN,
  summary: "Connect a shop; credentials are validated by the mall's schema and stored encrypted",
  request: { body: jsonBody(createShopBody) },
  responses: { 201: json(shopSchema, "Created"), ...problems(400, 401, 403, 415) },
});

export const getShopRoute = createRoute({
  method: "get", path: "/{id}", tags, security: API_TOKEN, summary: "One shop",
  request: shopId,
  responses: { 200: json(shopSchema), ...problems(401, 404) },
});

export const patchShopRoute = createRoute({
  method: "patch", path: "/{id}", tags, security: API_TOKEN,
  summary: "Change a shop's settings or replace its credentials; fields left out keep their value",
  request: { ...shopId, body: jsonBody(patchShopBody) },
  responses: { 200: json(shopSchema), ...problems(400, 401, 403, 404, 415) },
});

export const deleteShopRoute = createRoute({
  method: "delete", path: "/{id}", tags, security: API_TOKEN, summary: "Remove a shop",
  request: shopId,
  responses: { 204: noContent, ...problems(401, 403, 404) },
});

export const testShopRoute = createRoute({
  method: "post", path: "/{id}/test", tags, security: API_TOKEN,
  summary: "接続テスト: one real call; NG turns the shop to 停止中",
  request: shopId,
  responses: {
    200: json(z.object({ ok: z.boolean(), reason: z.string().optional(), errorClass: z.string().optional(), expiresAt: z.string().optional() })),
    ...problems(401, 403, 404),
  },
});

const counts = z.object({ applied: z.number(), duplicate: z.number(), unknown_code: z.number(), unmatched: z.number(), ignored: z.number() });

export const pullShopRoute = createRoute({
  method: "post", path: "/{id}/pull", tags, security: API_TOKEN,
  summary: "Take in the shop's orders and cancels since its cursor now (idempotent)",
  request: shopId,
  responses: { 200: json(z.object({ lines: z.number(), counts })), ...problems(401, 403, 404, 409, 502, 503) },
});

const pushItem = z.object({
  masterCode: z.string(),
  mallCode: z.string(),
  figure: z.number(),
  ok: z.boolean(),
  error: z.string().optional(),
  errorClass: z.string().optional(),
});

export const pushShopRoute = createRoute({
  method: "post", path: "/{id}/push", tags, security: API_TOKEN,
  summary: "Send the figures that differ from what the shop was last sent (?all=true: every 対象 listing)",
  request: { ...shopId, query: pushQuery },
  responses: { 200: json(z.object({ sent: z.number(), failed: z.number(), items: z.array(pushItem) })), ...problems(400, 401, 403, 404, 409, 502, 503) },
});

export const resyncShopRoute = createRoute({
  method: "post", path: "/{id}/resync", tags, security: API_TOKEN,
  summary: "一括反映: re-send every managed listing of this shop at its full budget, as a job",
  request: shopId,
  responses: { 202: json(jobSchema, "Started; poll GET /api/v1/jobs/{id}"), ...problems(400, 401, 403, 404, 409) },
});

export const shopStockRoute = createRoute({
  method: "get", path: "/{id}/stock", tags, security: API_TOKEN,
  summary: "The shop's live figures for some master codes",
  request: { ...shopId, query: shopStockQuery },
  responses: {
    200: json(z.object({ items: z.array(z.object({ masterCode: z.string(), mallCode: z.string(), lastSentFigure: z.number().nullable(), quantity: z.number().nullable() })) })),
    ...problems(400, 401, 404, 502, 503),
  },
});
