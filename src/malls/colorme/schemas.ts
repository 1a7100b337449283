import { z } from "zod";

// Shapes of カラーミーショップ API v1 (api.shop-pro.jp/v1, JSON) as documented in GMO Pepabo's
// OpenAPI-generated SDK (pepabo/colormeshop-ruby docs/) and its MCP server's tools.json. Only the
// fields Kura reads are declared; the rest is stripped. Times are epoch seconds.

export const colormeCredentialsSchema = z.object({
  /**
   * From the OAuth authorization code grant (POST /oauth/token) with the scopes read_products,
   * write_products and read_sales. It does not expire and there is no refresh token; the
   * merchant can revoke it (許可済みアプリケーション一覧), after which every call answers 401.
   */
  accessToken: z
    .string()
    .min(1)
    .describe("OAuth access token of the shop's authorisation (scopes read_products write_products read_sales); it has no expiry"),
});
export type ColormeCredentials = z.infer<typeof colormeCredentialsSchema>;

/** Every error: `{"errors":[{"code":404100,"message":"…","status":404}]}` (colormeshop-ruby README). */
export const colormeErrorSchema = z.object({
  errors: z
    .array(z.object({ code: z.coerce.number().optional(), message: z.string().optional(), status: z.coerce.number().optional() }))
    .min(1),
});

const int = z.coerce.number().int();
const optionValue = z.string().nullable().optional();

export const variantSchema = z.object({
  product_id: int,
  option1_value: optionValue,
  option2_value: optionValue,
  stocks: int.nullable().optional(),
  model_number: z.string().nullable().optional(),
});

export const productSchema = z.object({
  id: int,
  stock_managed: z.boolean().nullable().optional(),
  stocks: int.nullable().optional(),
  model_number: z.string().nullable().optional(),
  variants: z.array(variantSchema).nullable().optional(),
});
export type ColormeProduct = z.infer<typeof productSchema>;
export const productResponseSchema = z.object({ product: productSchema });

/** GET /v1/stocks.json: one row per product without options, one per option of the others. */
export const stockRowSchema = z.object({
  product_id: int,
  option1_value: optionValue,
  option2_value: optionValue,
  stocks: int.nullable().optional(),
});
const metaSchema = z.object({ total: int, limit: int.optional(), offset: int.optional() });
export const stocksListSchema = z.object({ stocks: z.array(stockRowSchema), meta: metaSchema });

export const saleDetailSchema = z.object({
  id: int,
  sale_id: int.optional(),
  product_id: int,
  option1_value: optionValue,
  option2_value: optionValue,
  product_model_number: z.string().nullable().optional(),
  product_num: int,
});
export const saleSchema = z.object({
  id: int,
  make_date: int,
  update_date: int,
  canceled: z.boolean(),
  details: z.array(saleDetailSchema).default([]),
});
export type ColormeSale = z.infer<typeof saleSchema>;
export const salesListSchema = z.object({ sales: z.array(saleSchema), meta: metaSchema });

export const shopResponseSchema = z.object({ shop: z.object({ id: z.string(), title: z.string().nullable().optional() }).loose() });
