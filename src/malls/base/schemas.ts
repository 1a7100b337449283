import { z } from "zod";

// Shapes of BASE API v1 (api.thebase.in/1, β) as documented in baseinc/api-docs
// (now docs.thebase.in/docs/api). Only the fields Kura reads are declared; the rest is stripped.

/** What the merchant enters, plus the token state the adapter rotates. */
export const baseCredentialsSchema = z.object({
  clientId: z.string().min(1).describe("BASE Developers (developers.thebase.in) → アプリ一覧 → the app: client_id"),
  clientSecret: z.string().min(1).describe("The same app's client_secret"),
  /** The callback URL registered with the app: BASE requires it on the refresh grant too. */
  redirectUri: z.string().min(1).describe("The コールバックURL registered with the app (BASE asks for it again on every token refresh)"),
  /** Rotated on every refresh: the adapter saves the new one before using the new access token. */
  refreshToken: z.string().min(1).describe("Refresh token from authorising the app on the shop (POST /1/oauth/token); lives 30 days and Kura renews it on each refresh"),
  /** epoch ms; BASE says "30日" from issue. Unknown (omitted) until the adapter's first refresh. */
  refreshTokenExpiresAt: z.number().int().optional().describe("Kept by Kura; leave it out"),
  accessToken: z.string().min(1).optional().describe("Kept by Kura (1 h access token); leave it out"),
  /** epoch ms; access tokens live 1 h (`expires_in: 3600`). */
  accessTokenExpiresAt: z.number().int().optional().describe("Kept by Kura; leave it out"),
});
export type BaseCredentials = z.infer<typeof baseCredentialsSchema>;

/** Every error: HTTP 400 with this body (README "レスポンス"). */
export const baseErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional().nullable(),
});

export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.coerce.number().int().positive(),
  refresh_token: z.string().min(1),
});

const id = z.coerce.number().int();

export const variationSchema = z.object({
  variation_id: id,
  variation: z.string().nullable().optional(),
  variation_stock: z.coerce.number().int(),
  variation_identifier: z.string().nullable().optional(),
});

export const itemSchema = z.object({
  item_id: id,
  title: z.string().optional(),
  stock: z.coerce.number().int(),
  identifier: z.string().nullable().optional(),
  modified: z.number().optional(),
  variations: z.array(variationSchema).default([]),
});
export const itemResponseSchema = z.object({ item: itemSchema });
export const itemsListSchema = z.object({ items: z.array(itemSchema) });

/** Row of GET /1/orders. */
export const orderSummarySchema = z.object({
  unique_key: z.string(),
  ordered: z.number(), // epoch seconds
  cancelled: z.number().nullable().optional(),
  dispatch_status: z.string(), // kept open-ended: an unknown status must not break intake
  modified: z.number().nullable().optional(),
});
export const ordersListSchema = z.object({ orders: z.array(orderSummarySchema) });

export const orderItemSchema = z.object({
  order_item_id: id,
  item_id: id,
  variation_id: id.nullable().optional(),
  amount: z.coerce.number().int(),
  status: z.string(), // ordered / cancelled / dispatched
  modified: z.number().nullable().optional(),
});
export const orderDetailSchema = z.object({
  order: orderSummarySchema.extend({ order_items: z.array(orderItemSchema) }),
});
export type OrderDetail = z.infer<typeof orderDetailSchema>["order"];

export const usersMeSchema = z.object({ user: z.object({ shop_id: z.string() }).loose() });
