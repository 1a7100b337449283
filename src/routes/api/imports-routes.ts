import { createRoute, z } from "@hono/zod-openapi";
import { idParam } from "../../schemas/api";
import { API_TOKEN, json, problems } from "./openapi-kit";

// The CSV import routes as OpenAPI definitions; imports.ts holds their handlers, src/csv/imports.ts the logic.

const tags = ["imports"];
const byId = { params: z.object({ id: idParam() }) };

const kind = z.enum(["products", "stock", "mappings"]).describe("products: 商品 CSV; stock: マスターコード, 総在庫数; mappings: 別品番紐づけ (one row per master code × shop)");
const encoding = z.enum(["auto", "utf-8", "shift_jis"]).default("auto").describe("auto: a UTF-8 BOM or valid UTF-8 is UTF-8, anything else Shift_JIS (CP932)");
const stockMode = z.enum(["set", "adjust"]).default("set").describe("総在庫数 is 上書き (set: the new figure) or 加算・減算 (adjust: a signed change)");

export const startQuery = z.object({ kind: kind.optional(), encoding: encoding.optional(), stockMode: stockMode.optional() });

const rowError = z.object({
  line: z.number().int().describe("Physical line of the file where the record starts (header = 1)"),
  column: z.string().describe("The column's header as written in the file (empty when the row failed as it was applied)"),
  message: z.string().describe("Reason in Japanese"),
  messageEn: z.string().describe("Reason in English"),
});

export const importReport = z
  .object({
    id: z.number().int(),
    jobId: z.number().int().describe("GET /api/v1/jobs/{jobId} shows the phase and progress"),
    kind,
    encoding: z.enum(["utf-8", "shift_jis"]).describe("The encoding detected (or forced)"),
    stockMode: z.enum(["set", "adjust"]),
    status: z.enum(["validating", "validated", "applying", "applied", "cancelled", "failed"]),
    fileName: z.string().nullable(),
    rows: z.object({ total: z.number().int(), validated: z.number().int(), valid: z.number().int(), invalid: z.number().int() }),
    newProducts: z.number().int().describe("Valid rows for products not registered yet"),
    planRemaining: z.number().int().nullable().describe("How many more products the plan takes (at the end of validation; at apply once applied)"),
    planFits: z.boolean().nullable().describe("false: applying with onPlanLimit nothing is refused; fit registers the first planRemaining"),
    onPlanLimit: z.enum(["fit", "nothing"]).nullable(),
    errorsTotal: z.number().int(),
    errors: z.array(rowError),
    nextErrorsAfterLine: z.number().int().nullable().describe("More errors: pass it as errorsAfterLine"),
    applied: z.record(z.string(), z.number()).nullable().describe("What apply did: rows, created, updated, skippedByPlan, skippedInvalid, failed"),
    progress: z.object({ rowsDone: z.number().int(), rowsTotal: z.number().int(), etaSeconds: z.number().int().nullable() }),
    failure: z.string().nullable(),
    createdBy: z.string(),
    appliedBy: z.string().nullable(),
    createdAt: z.string(),
    finishedAt: z.string().nullable(),
  })
  .openapi("ImportReport");

export const startImportRoute = createRoute({
  method: "post", path: "/", tags, security: API_TOKEN,
  summary: "Upload a CSV (raw text/csv body, or multipart/form-data with `file`); it is validated as a job",
  description:
    "Query (or form fields): kind, encoding, stockMode. A header that names an unknown column or shop is a 400 listing them (errors[]). " +
    "Every row is then checked as a job; poll GET /imports/{id} (or /jobs/{jobId}) until status is validated, then apply or cancel.",
  request: {
    query: startQuery,
    // Not `required`: OpenAPIHono would then parse every body as a form. The handler checks it is there.
    body: {
      content: {
        "text/csv": { schema: z.string().describe("The file's bytes, UTF-8 or Shift_JIS") },
        "application/octet-stream": { schema: z.string().describe("The file's bytes") },
        "multipart/form-data": {
          schema: z.object({
            file: z.any().optional().describe("The CSV file").openapi({ type: "string", format: "binary" }),
            kind: kind.optional(),
            encoding: encoding.optional(),
            stockMode: stockMode.optional(),
          }),
        },
      },
    },
  },
  responses: { 202: json(importReport, "Accepted; validation runs as a job"), ...problems(400, 401, 403, 415) },
});

export const getImportRoute = createRoute({
  method: "get", path: "/{id}", tags, security: API_TOKEN,
  summary: "The import's report: status, counts, the plan, and every bad row (line, column, reason JP/EN)",
  request: {
    ...byId,
    query: z.object({
      errorsAfterLine: z.coerce.number().int().min(0).optional(),
      errorsLimit: z.coerce.number().int().min(1).max(10_000).default(1000),
    }),
  },
  responses: { 200: json(importReport), ...problems(400, 401, 404) },
});

export const listImportsRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN,
  summary: "The account's latest imports, newest first (reports without their errors)",
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }) },
  responses: { 200: json(z.object({ items: z.array(importReport) })), ...problems(400, 401) },
});

export const applyImportRoute = createRoute({
  method: "post", path: "/{id}/apply", tags, security: API_TOKEN,
  summary: "Apply the valid rows (bad rows are skipped) as a job; applying again changes nothing",
  request: {
    ...byId,
    body: {
      required: false,
      content: {
        "application/json": {
          schema: z.object({
            onPlanLimit: z
              .enum(["fit", "nothing"])
              .default("nothing")
              .describe("More new products than the plan takes: nothing (409, nothing applied) or fit (the first that fit, in file order)"),
          }),
        },
      },
    },
  },
  responses: { 202: json(importReport, "Applying; poll GET /imports/{id}"), ...problems(400, 401, 403, 404, 409, 415) },
});

export const cancelImportRoute = createRoute({
  method: "post", path: "/{id}/cancel", tags, security: API_TOKEN,
  summary: "Cancel: before apply nothing changes; during apply what is done stays done",
  request: byId,
  responses: { 200: json(importReport), ...problems(401, 403, 404, 409) },
});
