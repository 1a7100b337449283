import { z } from "zod";

// Request and response shapes of the JSON API v1. Routes validate with these; the OpenAPI
// document is generated from the same schemas, so the two cannot drift.

const CODE = /^[\x21-\x7E]+$/;
const FORBIDDEN_IN_CODE = /[/?#%\\]/;

export const masterCode = z
  .string()
  .min(1)
  .max(64)
  .regex(CODE, "printable ASCII without spaces")
  .refine((s) => !FORBIDDEN_IN_CODE.test(s), "must not contain / ? # % or \\")
  .describe("マスターコード: unique per account, 1–64 printable ASCII characters");

const count = (max = 9_999_999) => z.number().int().min(0).max(max);
const signed = (max = 9_999_999) => z.number().int().min(-max).max(max);

export const syncMode = z.enum(["auto", "manual", "stopped"]).describe("連動: 自動 / 手動 / 停止");

export const groupRef = z
  .union([z.number().int().positive(), z.string().min(1).max(100)])
  .describe("商品グループ: its id or its name");

export const component = z.object({ masterCode, quantity: z.number().int().min(1).max(999) });

export const createAccountBody = z.object({
  name: z.string().trim().min(1).max(100),
  plan: z.object({ maxProducts: z.number().int().min(1).max(1_000_000), maxShops: z.number().int().min(0).max(100) }).optional(),
  owner: z.object({ email: z.email().max(254), password: z.string().min(10).max(200) }),
});

export const createTokenBody = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(["read", "write"])).min(1).default(["read", "write"]),
});

export const createProductBody = z.object({
  masterCode,
  name: z.string().trim().min(1).max(255),
  onHand: signed().optional().describe("Opening 総在庫数 (not for sets: their figure is derived)"),
  group: groupRef.optional(),
  reserved: count().nullable().optional().describe("確保在庫 override; null = the group's value"),
  lowStockThreshold: count().nullable().optional().describe("在庫少設定数"),
  syncMode: syncMode.optional(),
  components: z.array(component).min(1).max(50).optional().describe("Makes this a セット商品"),
});

export const patchProductBody = z
  .object({
    name: z.string().trim().min(1).max(255),
    group: groupRef,
    reserved: count().nullable(),
    lowStockThreshold: count().nullable(),
    syncMode,
    components: z.array(component).min(1).max(50),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "nothing to change");

export const stockBody = z.object({
  mode: z.enum(["set", "adjust"]).describe("set = 上書き (absolute), adjust = 加算・減算 (relative)"),
  quantity: signed(),
  reason: z.string().max(200).optional(),
  idempotencyKey: z.string().min(1).max(200).optional(),
});

const lineId = z.string().min(1).max(100);

export const salesBody = z.object({
  source: z
    .string()
    .min(1)
    .max(64)
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, "a shop id or a name made of letters, digits, . _ -")
    .describe("A shop id, or a free name for an outside system such as pos-shibuya"),
  orderId: z.string().min(1).max(100),
  kind: z.enum(["sale", "cancel"]).default("sale"),
  lines: z
    .array(
      z.object({
        lineId,
        code: z.string().min(1).max(100).describe("A master code, or a mall code mapped to one for this shop"),
        quantity: z.number().int().min(1).max(99_999).describe("For a cancel: the total units of the line cancelled so far"),
      }),
    )
    .min(1)
    .max(500)
    .refine((ls) => new Set(ls.map((l) => l.lineId)).size === ls.length, "lineId must be unique within an order"),
});

export const groupBody = z.object({
  name: z.string().trim().min(1).max(100),
  reserved: count().nullable().optional().describe("確保在庫"),
  ratio: z.number().int().min(0).max(100).nullable().optional().describe("在庫比率 (%)"),
  salesLimit: count().nullable().optional().describe("販売制限"),
});

export const patchGroupBody = groupBody.partial().refine((b) => Object.keys(b).length > 0, "nothing to change");

const cursor = z.string().max(500).optional();
const limit = z.coerce.number().int().min(1).max(500).default(50);

export const listProductsQuery = z.object({
  query: z.string().max(40).optional(),
  group: z.string().max(100).optional(),
  status: z.enum(["low", "negative", "unsynced", "error"]).optional(),
  cursor,
  limit,
});

const time = z.union([z.coerce.number().int().nonnegative(), z.iso.datetime({ offset: true }).transform((s) => Date.parse(s))]);

export const logsQuery = z.object({
  from: time.optional(),
  to: time.optional(),
  masterCode: z.string().max(64).optional(),
  cursor,
  limit,
});

export const movementsQuery = z.object({ cursor, limit });

// ---- responses -------------------------------------------------------------------------

export const productOut = z.object({
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
});

export const lineResult = z.enum(["applied", "duplicate", "unknown_code", "unmatched", "ignored"]);

export const problemOut = z.object({ type: z.string(), title: z.string(), status: z.number(), detail: z.string() });

// ---- shops -------------------------------------------------------------------------------

const LOOPBACK = /^http:\/\/(127\.0\.0\.1|localhost)(:\d+)?(\/|$)/;
export const baseUrl = z
  .url()
  .max(300)
  .refine((u) => u.startsWith("https://") || LOOPBACK.test(u), "must be https:// (http:// only for a simulator on loopback)")
  .transform((u) => u.replace(/\/+$/, ""))
  .describe("The mall's API base URL; omit for the real endpoint (a sandbox, a simulator or a fixed-IP proxy otherwise)");

export const mallKind = z.enum(["rakuten", "yahoo", "amazon", "shopify", "base"]);

export const createShopBody = z.object({
  kind: mallKind,
  name: z.string().trim().min(1).max(100),
  credentials: z.record(z.string(), z.unknown()).describe("What the mall needs; validated by the kind's schema, stored encrypted, never returned"),
  baseUrl: baseUrl.optional(),
  importEnabled: z.boolean().default(true).describe("取込み"),
  updateEnabled: z.boolean().default(true).describe("モール更新"),
  cancelPolicy: z.enum(["restore", "ignore"]).default("restore").describe("キャンセル時: 自動で在庫を戻す / 戻さない"),
  ratio: z.number().int().min(0).max(100).nullable().optional().describe("在庫比率 override for this shop"),
  salesLimit: count().nullable().optional().describe("販売制限 override for this shop"),
});

export const patchShopBody = createShopBody
  .omit({ kind: true })
  .extend({ baseUrl: baseUrl.nullable() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, "nothing to change");

export const listingBody = z.object({
  managed: z.boolean().describe("管理 対象 / 対象外"),
  mallCode: z.string().trim().min(1).max(200).nullable().optional().describe("別品番紐づけ; null = the mall's default rule"),
  manualFigure: count().nullable().optional().describe("Figure sent when the product's 連動 is 手動"),
});

export const shopStockQuery = z.object({
  codes: z
    .string()
    .min(1)
    .max(4000)
    .transform((s) => [...new Set(s.split(",").map((c) => c.trim()).filter(Boolean))])
    .refine((a) => a.length >= 1 && a.length <= 100, "1–100 master codes, comma-separated"),
});

export const pushQuery = z.object({ all: z.enum(["true", "false"]).optional() });
