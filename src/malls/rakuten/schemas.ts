import { z } from "zod";

// Zod shapes of the RMS responses Kura reads. Only the fields used are declared; everything
// else in Rakuten's (very large) order model is stripped.

export const rakutenCredentialsSchema = z.object({
  /** serviceSecret of the WEB APIサービス app (or the one issued for Kura in API アクセス許可設定). */
  serviceSecret: z
    .string()
    .trim()
    .min(1, "serviceSecret を入力してください")
    .describe("RMS → 店舗様向け情報・サービス → WEB APIサービス → 利用設定 (or API アクセス許可設定 for an app issued to Kura): serviceSecret"),
  /** licenseKey: expires every 90 days; the merchant re-issues it in RMS. */
  licenseKey: z
    .string()
    .trim()
    .min(1, "licenseKey を入力してください")
    .describe("Same RMS screen as serviceSecret: licenseKey. Expires after 90 days: issue a new one in RMS and PATCH the shop (a new key can take up to 1.5 h to become active)"),
  /**
   * Adapter-maintained: the licence expiry (epoch ms) last read from the License Management
   * API, so a later 401 can be explained as "expired" rather than "wrong key".
   */
  licenseKeyExpiresAt: z.number().int().optional().describe("Kept by Kura (read from the License Management API); leave it out"),
});
export type RakutenCredentials = z.infer<typeof rakutenCredentialsSchema>;

/** Inventory / License Management API error envelope [doc]. */
export const inventoryErrorSchema = z.object({
  errors: z.array(
    z.object({
      code: z.string(),
      message: z.string().optional().default(""),
      metadata: z.object({ propertyPath: z.string().optional() }).nullish(),
    }),
  ),
});

/**
 * Older gateway envelopes seen for auth failures (`ES01-01 Un-Authorised`) [vendor manuals; verify
 * the exact JSON]. Read only to pick a code for the message; classification is by HTTP status.
 */
export const legacyErrorSchema = z.object({
  Results: z.object({ errorCode: z.string().optional(), message: z.string().optional() }),
});

export const expiryDateSchema = z.object({ expiryDate: z.string() });

export const inventoryRowSchema = z.object({
  manageNumber: z.string(),
  variantId: z.string(),
  quantity: z.number(),
  created: z.string().optional(),
  updated: z.string().optional(),
});
export const bulkGetResponseSchema = z.object({ inventories: z.array(inventoryRowSchema) });

const messageModelSchema = z.object({
  messageType: z.string(), // INFO | WARNING | ERROR
  messageCode: z.string(),
  message: z.string().nullish(),
  orderNumber: z.string().nullish(),
});
export const messageEnvelopeSchema = z.object({ MessageModelList: z.array(messageModelSchema) });

export const searchOrderResponseSchema = z.object({
  orderNumberList: z.array(z.string()).nullish(),
  MessageModelList: z.array(messageModelSchema),
  // All three are null when nothing matched (ORDER_EXT_API_SEARCH_ORDER_INFO_102) [doc sample].
  PaginationResponseModel: z
    .object({
      totalRecordsAmount: z.number().nullish(),
      totalPages: z.number().nullish(),
      requestPage: z.number().nullish(),
    })
    .nullish(),
});

const skuModelSchema = z.object({
  variantId: z.string().nullish(),
  merchantDefinedSkuId: z.string().nullish(), // システム連携用SKU番号
  skuInfo: z.string().nullish(),
});

const itemModelSchema = z.object({
  itemDetailId: z.union([z.number(), z.string()]),
  manageNumber: z.string(),
  itemNumber: z.string().nullish(),
  units: z.number(),
  deleteItemFlag: z.number().nullish(), // 1: the line was removed from the order
  restoreInventoryFlag: z.number().nullish(),
  SkuModelList: z.array(skuModelSchema).nullish(), // version ≥ 7 only
});

const changeReasonSchema = z.object({
  changeId: z.number().nullish(),
  changeType: z.number().nullish(),
  changeApplyDatetime: z.string().nullish(),
  changeFixDatetime: z.string().nullish(),
  changeCmplDatetime: z.string().nullish(),
});

export const orderModelSchema = z.object({
  orderNumber: z.string(),
  orderProgress: z.number(),
  orderDatetime: z.string(),
  PackageModelList: z.array(z.object({ ItemModelList: z.array(itemModelSchema) })),
  ChangeReasonModelList: z.array(changeReasonSchema).nullish(),
});
export type RmsOrder = z.infer<typeof orderModelSchema>;

export const getOrderResponseSchema = z.object({
  MessageModelList: z.array(messageModelSchema),
  OrderModelList: z.array(orderModelSchema).nullish(),
});

/** Kura's own fetchOrders cursor (opaque to the caller). */
export const cursorSchema = z.object({
  v: z.literal(1),
  /** End of the last completed search window (epoch ms); the next one starts 10 min earlier. */
  from: z.number(),
  /** A window being paged through (kept fixed until its last page is read). */
  pend: z.object({ start: z.number(), end: z.number(), page: z.number().int().min(1) }).nullish(),
  /**
   * Orders seen recently: `at` order time, `c` last checked, `f` final (no re-check, kept only
   * while inside the overlap window), `l` itemDetailId → largest units ever seen.
   */
  open: z.record(
    z.string(),
    z.object({ at: z.number(), c: z.number(), f: z.boolean().optional(), l: z.record(z.string(), z.number()) }),
  ),
});
export type RakutenCursor = z.infer<typeof cursorSchema>;
