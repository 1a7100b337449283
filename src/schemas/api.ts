import { z } from "@hono/zod-openapi";

// Request and response shapes of the JSON API v1. Routes are declared with createRoute from
// these schemas, so what is validated and what the OpenAPI document says cannot drift.

// Control characters break CSV exports, log lines and the malls' own APIs. Checked before any
// trim, so a trailing newline is refused rather than silently dropped.
const NO_CONTROL = /^[^\x00-\x1F\x7F]*$/;
const NO_CONTROL_MESSAGE = "must not contain control characters (U+0000–U+001F, U+007F)";

/** A code or id kept exactly as sent: never trimmed or case-folded (Amazon SKUs are case-sensitive and may hold spaces). */
export const code = (max: number) => z.string().regex(NO_CONTROL, NO_CONTROL_MESSAGE).min(1).max(max);
/** A display name: surrounding spaces trimmed. */
export const name = (max: number) => z.string().regex(NO_CONTROL, NO_CONTROL_MESSAGE).trim().min(1).max(max);

const CODE = /^[\x21-\x7E]+$/;
const FORBIDDEN_IN_CODE = /[/?#%\\]/;

export const masterCode = z
  .string()
  .min(1)
  .max(64)
  .regex(CODE, "printable ASCII only: no spaces or control characters")
  .refine((s) => !FORBIDDEN_IN_CODE.test(s), "must not contain / ? # % or \\")
  .describe("マスターコード: unique per account, 1–64 printable ASCII characters");

export const count = (max = 9_999_999) => z.number().int().min(0).max(max);
const signed = (max = 9_999_999) => z.number().int().min(-max).max(max);

/** A PATCH must change something: an empty object (or one with only unknown keys) is refused. */
export const nonEmpty = <T extends z.ZodObject>(s: T) =>
  s.refine((b) => Object.values(b).some((v) => v !== undefined), "nothing to change: send at least one field");

export const syncMode = z.enum(["auto", "manual", "stopped"]).describe("連動: 自動 / 手動 / 停止");

export const groupRef = z
  .union([z.number().int().positive(), z.string().regex(NO_CONTROL, NO_CONTROL_MESSAGE).min(1).max(100)])
  .describe("商品グループ: its id or its name");

export const component = z.object({ masterCode, quantity: z.number().int().min(1).max(999) });

export const createAccountBody = z.object({
  name: name(100),
  plan: z.object({ maxProducts: z.number().int().min(1).max(1_000_000), maxShops: z.number().int().min(0).max(100) }).optional(),
  // name: shown in the dashboard header, the スタッフ list and 操作ログ (optional: the e-mail stands in).
  owner: z.object({ email: z.email().max(254), password: z.string().min(10).max(200), name: z.string().trim().max(100).optional() }),
});

export const createTokenBody = z.object({
  name: name(100),
  scopes: z.array(z.enum(["read", "write"])).min(1).default(["read", "write"]),
});

// Each editable field once, without defaults: create adds its defaults, PATCH takes them as they
// are (zod's .partial() keeps a .default(), which would silently reset unsent fields).
const productFields = {
  name: name(255),
  group: groupRef,
  reserved: count().nullable().describe("確保在庫 override; null = the group's value"),
  lowStockThreshold: count().nullable().describe("在庫少設定数"),
  syncMode,
  components: z.array(component).min(1).max(50).describe("Makes this a セット商品"),
};

export const createProductBody = z.object({
  masterCode,
  name: productFields.name,
  onHand: signed().optional().describe("Opening 総在庫数 (not for sets: their figure is derived)"),
  group: productFields.group.optional(),
  reserved: productFields.reserved.optional(),
  lowStockThreshold: productFields.lowStockThreshold.optional(),
  syncMode: productFields.syncMode.optional(),
  components: productFields.components.optional(),
});

export const patchProductBody = nonEmpty(z.object(productFields).partial());

export const stockBody = z.object({
  mode: z.enum(["set", "adjust"]).describe("set = 上書き (absolute), adjust = 加算・減算 (relative)"),
  quantity: signed(),
  reason: z.string().regex(NO_CONTROL, NO_CONTROL_MESSAGE).max(200).optional(),
  idempotencyKey: code(200).optional(),
});

export const salesBody = z.object({
  source: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a shop id or a name made of letters, digits, . _ -")
    .describe("A shop id, or a free name for an outside system such as pos-shibuya"),
  orderId: code(100),
  kind: z.enum(["sale", "cancel"]).default("sale"),
  lines: z
    .array(
      z.object({
        lineId: code(100),
        code: code(100).describe("A master code, or a mall code mapped to one for this shop"),
        quantity: z.number().int().min(1).max(99_999).describe("For a cancel: the total units of the line cancelled so far"),
      }),
    )
    .min(1)
    .max(500)
    .refine((ls) => new Set(ls.map((l) => l.lineId)).size === ls.length, "lineId must be unique within an order"),
});

const groupFields = {
  name: name(100),
  reserved: count().nullable().describe("確保在庫"),
  ratio: z.number().int().min(0).max(100).nullable().describe("在庫比率 (%)"),
  salesLimit: count().nullable().describe("販売制限"),
};

export const groupBody = z.object({
  name: groupFields.name,
  reserved: groupFields.reserved.optional(),
  ratio: groupFields.ratio.optional(),
  salesLimit: groupFields.salesLimit.optional(),
});

export const patchGroupBody = nonEmpty(z.object(groupFields).partial());

const cursor = z.string().max(500).optional().describe("nextCursor of the previous page");
const limit = z.coerce.number().int().min(1).max(500).default(50);

export const listProductsQuery = z.object({
  query: z.string().max(40).optional(),
  group: z.string().max(100).optional(),
  status: z.enum(["low", "negative", "unsynced", "error"]).optional(),
  cursor,
  limit,
});

const time = z
  .union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))])
  .describe("epoch milliseconds or an ISO 8601 date-time")
  // Documented as sent: the generator would describe the coerced number as nullable.
  .openapi({ anyOf: [{ type: "integer", minimum: 0 }, { type: "string", format: "date-time" }] });

export const logsQuery = z.object({
  from: time.optional(),
  to: time.optional(),
  masterCode: z.string().max(64).optional(),
  cursor,
  limit,
});

export const mallUpdatesQuery = logsQuery.extend({
  shopId: z.coerce.number().int().positive().optional(),
  result: z.enum(["ok", "error"]).optional().describe("ok = only successful pushes, error = only failed ones"),
});

export const movementsQuery = z.object({ cursor, limit });

// ---- path parameters -------------------------------------------------------------------

export const codeParam = z.object({ masterCode: masterCode.openapi({ param: { name: "masterCode", in: "path" } }) });
/** A numeric id in the path; anything else names nothing (404). */
export const idParam = (key = "id") =>
  z.string().regex(/^[0-9]{1,15}$/).openapi({ param: { name: key, in: "path" }, type: "integer" });

// ---- responses -------------------------------------------------------------------------

export const productOut = z
  .object({
    masterCode: z.string(),
    name: z.string(),
    group: z.object({ id: z.number(), name: z.string() }),
    onHand: z.number().describe("総在庫数; for a set, derived from its components"),
    reserved: z.number().nullable(),
    syncMode,
    lowStockThreshold: z.number().nullable(),
    isSet: z.boolean(),
    components: z.array(component),
    updatedAt: z.string(),
  })
  .openapi("Product");

export const lineResult = z.enum(["applied", "duplicate", "unknown_code", "unmatched", "ignored"]);

export const problemOut = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number(),
    detail: z.string(),
    issues: z.array(z.object({ path: z.string(), message: z.string() })).optional().describe("Each bad field, on a 400"),
  })
  .openapi("Problem", { description: "RFC 9457 problem details" });

export const page = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });
