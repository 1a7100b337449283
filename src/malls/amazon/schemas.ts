import { z } from "zod";

// zod schemas of the Selling Partner API responses Kura reads (vendored in test/fixtures/specs/amazon). Only the
// fields we use are declared; everything else passes through untouched (objects are loose), so
// Amazon adding fields never breaks parsing.

/** LWA `POST /auth/o2/token` success. */
export const lwaTokenSchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  token_type: z.string().optional(),
  expires_in: z.number().int().positive(),
});

/** LWA error body (RFC 6749 §5.2 shape): invalid_client, invalid_grant, unauthorized_client… */
export const lwaErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

/** SP-API `ErrorList` (every API section uses the same shape). */
export const errorListSchema = z.object({
  errors: z.array(
    z.object({ code: z.string(), message: z.string(), details: z.string().optional() }),
  ),
});

export const issueSchema = z.object({
  code: z.string(),
  message: z.string(),
  severity: z.enum(["ERROR", "WARNING", "INFO"]),
  attributeNames: z.array(z.string()).optional(),
});

/** patchListingsItem → ListingsItemSubmissionResponse. */
export const submissionResponseSchema = z.object({
  sku: z.string(),
  status: z.enum(["ACCEPTED", "INVALID", "VALID"]),
  submissionId: z.string(),
  issues: z.array(issueSchema).optional(),
});

/** getListingsItem → Item (with includedData=productTypes and/or fulfillmentAvailability). */
export const listingsItemSchema = z.object({
  sku: z.string(),
  productTypes: z
    .array(z.object({ marketplaceId: z.string(), productType: z.string() }))
    .optional(),
  fulfillmentAvailability: z
    .array(
      z.object({
        fulfillmentChannelCode: z.string(),
        quantity: z.number().int().min(0).optional(),
      }),
    )
    .optional(),
});

/** searchListingsItems → ItemSearchResults (used only as the cheap connection probe). */
export const itemSearchResultsSchema = z.object({
  numberOfResults: z.number().int(),
  items: z.array(z.object({ sku: z.string() })),
});

export const createFeedDocumentResponseSchema = z.object({
  feedDocumentId: z.string(),
  url: z.string().url(),
});
export const createFeedResponseSchema = z.object({ feedId: z.string() });
export const feedSchema = z.object({
  feedId: z.string(),
  feedType: z.string(),
  processingStatus: z.enum(["CANCELLED", "DONE", "FATAL", "IN_PROGRESS", "IN_QUEUE"]),
  resultFeedDocumentId: z.string().optional(),
});
export const feedDocumentSchema = z.object({
  feedDocumentId: z.string(),
  url: z.string().url(),
  compressionAlgorithm: z.enum(["GZIP"]).optional(),
});

/**
 * JSON_LISTINGS_FEED processing report. [verify] The report has no machine-readable schema in
 * the models repo; this shape (header / issues keyed by messageId / summary) is what Amazon's
 * feed guide shows. Everything but `issues[].messageId/severity` is optional so a variation in
 * the summary block cannot break a push.
 */
export const processingReportSchema = z.object({
  header: z.object({ feedId: z.string().optional() }).optional(),
  issues: z
    .array(
      z.object({
        messageId: z.number().int().optional(),
        code: z.string(),
        severity: z.string(),
        message: z.string(),
      }),
    )
    .default([]),
  summary: z
    .object({
      errors: z.number().optional(),
      messagesProcessed: z.number().optional(),
      messagesAccepted: z.number().optional(),
      messagesInvalid: z.number().optional(),
    })
    .optional(),
});

const itemCancellationSchema = z.object({
  cancellationRequest: z.object({ requester: z.string().optional() }).optional(),
  cancellationExecution: z.object({ cancelledBy: z.string().optional() }).optional(),
});

/** Orders API 2026-01-01 searchOrders → SearchOrdersResponse (items embedded). */
export const searchOrdersResponseSchema = z.object({
  orders: z.array(
    z.object({
      orderId: z.string(),
      createdTime: z.string(),
      lastUpdatedTime: z.string(),
      fulfillment: z
        .object({
          fulfillmentStatus: z.enum([
            "PENDING_AVAILABILITY",
            "PENDING",
            "UNSHIPPED",
            "PARTIALLY_SHIPPED",
            "SHIPPED",
            "CANCELLED",
            "UNFULFILLABLE",
          ]),
          fulfilledBy: z.string().optional(),
        })
        .optional(),
      orderItems: z.array(
        z.object({
          orderItemId: z.string(),
          quantityOrdered: z.number().int().min(0),
          product: z.object({ sellerSku: z.string().optional(), asin: z.string().optional() }),
          cancellation: itemCancellationSchema.optional(),
        }),
      ),
    }),
  ),
  pagination: z.object({ nextToken: z.string().optional() }).optional(),
  lastUpdatedBefore: z.string().optional(),
});

export type SearchOrdersResponse = z.infer<typeof searchOrdersResponseSchema>;
export type AmazonOrder = SearchOrdersResponse["orders"][number];

/** Orders API v0 OrderStatus (ordersV0.json, Order.OrderStatus). */
export const V0_ORDER_STATUSES = [
  "PendingAvailability",
  "Pending",
  "Unshipped",
  "PartiallyShipped",
  "Shipped",
  "Canceled",
  "Unfulfillable",
  "InvoiceUnconfirmed",
] as const;
export type V0OrderStatus = (typeof V0_ORDER_STATUSES)[number];

/** Orders v0 getOrders → GetOrdersResponse (payload: OrdersList). */
export const getOrdersResponseSchema = z.object({
  payload: z.object({
    Orders: z.array(
      z.object({
        AmazonOrderId: z.string(),
        PurchaseDate: z.string(),
        LastUpdateDate: z.string(),
        OrderStatus: z.enum(V0_ORDER_STATUSES),
        FulfillmentChannel: z.string().optional(),
      }),
    ),
    NextToken: z.string().optional(),
    LastUpdatedBefore: z.string().optional(),
  }),
});

/** Orders v0 getOrderItems → GetOrderItemsResponse (payload: OrderItemsList). */
export const getOrderItemsResponseSchema = z.object({
  payload: z.object({
    AmazonOrderId: z.string(),
    OrderItems: z.array(
      z.object({
        OrderItemId: z.string(),
        SellerSKU: z.string().optional(),
        QuantityOrdered: z.number().int().min(0),
        QuantityShipped: z.number().int().min(0).optional(),
        BuyerRequestedCancel: z.object({ IsBuyerRequestedCancel: z.string().optional() }).optional(),
      }),
    ),
    NextToken: z.string().optional(),
  }),
});
export type V0OrderItem = z.infer<typeof getOrderItemsResponseSchema>["payload"]["OrderItems"][number];
