import { createRoute, z } from "@hono/zod-openapi";
import { lineResult, logsQuery, mallUpdatesQuery, page } from "../../schemas/api";
import { API_TOKEN, json, problems } from "./openapi-kit";

// The three logs as OpenAPI definitions; logs.ts holds their handlers.

const at = z.string().describe("ISO 8601");

export const salesEntry = z
  .object({
    id: z.number(),
    at,
    source: z.string(),
    shopId: z.number().nullable(),
    orderId: z.string(),
    lineId: z.string(),
    kind: z.enum(["sale", "cancel"]),
    mallCode: z.string().nullable(),
    masterCode: z.string().nullable(),
    productId: z.number().nullable(),
    quantity: z.number(),
    onHandBefore: z.number().nullable(),
    onHandAfter: z.number().nullable(),
    result: lineResult,
    resolvedAt: z.string().nullable(),
  })
  .openapi("SalesLogEntry");

export const operationEntry = z
  .object({
    id: z.number(),
    at,
    actor: z.string().describe('"user:<id>", "token:<id>", "operator" or "system"'),
    action: z.string(),
    target: z.string().nullable(),
    before: z.record(z.string(), z.unknown()).nullable().describe("The state the operation changed, as it was"),
    after: z.record(z.string(), z.unknown()).nullable().describe("What the operation set"),
  })
  .openapi("OperationLogEntry");

export const mallUpdateEntry = z
  .object({
    id: z.number(),
    at,
    shopId: z.number(),
    productId: z.number().nullable(),
    masterCode: z.string().nullable(),
    mallCode: z.string().nullable(),
    figure: z.number().nullable(),
    ok: z.boolean(),
    result: z.string().describe('"ok" or the error text'),
    errorClass: z.string().nullable().describe("auth | rate | transient | item"),
    attempt: z.number(),
    confirmedAt: z.string().nullable(),
  })
  .openapi("MallUpdateLogEntry");

const tags = ["logs"];
const FILTERS = "Newest first; `from`/`to` bound the time, `cursor` is the previous page's nextCursor.";

export const salesLogRoute = createRoute({
  method: "get", path: "/sales", tags, security: API_TOKEN,
  summary: "販売ログ", description: FILTERS,
  request: { query: logsQuery },
  responses: { 200: json(page(salesEntry)), ...problems(400, 401) },
});

export const operationLogRoute = createRoute({
  method: "get", path: "/operations", tags, security: API_TOKEN,
  summary: "操作ログ", description: `${FILTERS} \`masterCode\` matches the operation's target.`,
  request: { query: logsQuery },
  responses: { 200: json(page(operationEntry)), ...problems(400, 401) },
});

export const mallUpdateLogRoute = createRoute({
  method: "get", path: "/mall-updates", tags, security: API_TOKEN,
  summary: "モール更新ログ: one row per figure sent to a shop",
  description: `${FILTERS} \`shopId\` keeps one shop; \`result=error\` keeps only failed pushes.`,
  request: { query: mallUpdatesQuery },
  responses: { 200: json(page(mallUpdateEntry)), ...problems(400, 401) },
});
