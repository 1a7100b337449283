import { z } from "zod";
import { child, childrenNamed, childText, leaves, parseXml, type XmlElement } from "./xml";

// Zod schemas of the Yahoo!ショッピング store API responses. XML is first read into plain
// records (element name → text) by the small parser in ./xml, then validated here.

const int = z.string().trim().regex(/^-?\d+$/).transform(Number);
const optText = z.string().optional();
const bool = z
  .string()
  .trim()
  .transform((s) => s === "true" || s === "1");

/** `<Error><Message/><Code/></Error>` (XML error body of every store API). */
export const errorSchema = z.object({ Message: optText, Code: optText });
export type YahooErrorBody = z.infer<typeof errorSchema>;

/** yconnect v2 token endpoint (JSON). */
export const tokenSchema = z.object({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.union([z.number(), z.string().regex(/^\d+$/).transform(Number)]),
  refresh_token: z.string().min(1).optional(),
});
export const tokenErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

/** setStock: one Result per code; a rejected code carries ErrorCode instead of Quantity. */
export const setStockSchema = z.object({
  results: z.array(
    z.object({
      ItemCode: z.string(),
      SubCode: optText,
      Quantity: optText,
      ErrorCode: optText,
      ErrorMessage: optText,
    }),
  ),
});

/** getStock: Status 1 = known code, 0 = not found. An empty Quantity means unlimited (legacy). */
export const getStockSchema = z.object({
  results: z.array(
    z.object({
      ItemCode: z.string(),
      SubCode: optText,
      Status: z.string().trim(),
      Quantity: z.string().trim().regex(/^(-?\d+)?$/).optional(),
    }),
  ),
});

/** orderCount (cheap order-API call used as the connection test). */
export const orderCountSchema = z.object({ Status: z.string() });

export const orderListSchema = z.object({
  Status: z.string(),
  TotalCount: int,
  orders: z.array(
    z.object({
      OrderId: z.string().min(1),
      OrderTime: optText,
      OrderStatus: int.optional(),
      IsActive: bool.optional(),
      Version: int.optional(),
      LastUpdateTime: optText,
    }),
  ),
});
export type OrderListOrder = z.infer<typeof orderListSchema>["orders"][number];

export const orderInfoSchema = z.object({
  Status: z.string(),
  order: z.object({
    OrderId: z.string().min(1),
    OrderTime: z.string().min(1),
    OrderStatus: int,
    IsActive: bool.optional(),
    Version: int.optional(),
    LastUpdateTime: optText,
    items: z.array(
      z.object({
        LineId: z.string().trim().min(1),
        ItemId: z.string().trim().min(1),
        SubCode: optText,
        Quantity: int,
      }),
    ),
  }),
});
export type OrderInfo = z.infer<typeof orderInfoSchema>["order"];

// ---- XML → plain records ------------------------------------------------------------------

export function readError(root: XmlElement): unknown {
  return root.name === "Error" ? leaves(root) : {};
}

export function readResultRows(root: XmlElement): unknown {
  return { results: childrenNamed(root, "Result").map(leaves) };
}

/** ResultSet/Result/Status (orderCount, orderInfo wrap their payload the same way). */
export function readOrderCount(root: XmlElement): unknown {
  return leaves(child(root, "Result") ?? root);
}

/** orderList answers `<Result><Status/><Search><TotalCount/><OrderInfo>…</OrderInfo></Search></Result>`. */
export function readOrderList(root: XmlElement): unknown {
  const search = child(root, "Search");
  return {
    Status: childText(root, "Status"),
    TotalCount: childText(search, "TotalCount"),
    orders: childrenNamed(search, "OrderInfo").map(leaves),
  };
}

/** orderInfo answers `<ResultSet><Result><Status/><OrderInfo>… <Item/>…</OrderInfo></Result></ResultSet>`. */
export function readOrderInfo(root: XmlElement): unknown {
  const result = child(root, "Result");
  const info = child(result, "OrderInfo");
  return {
    Status: childText(result, "Status"),
    order: info && { ...leaves(info), items: childrenNamed(info, "Item").map(leaves) },
  };
}

export { parseXml };
