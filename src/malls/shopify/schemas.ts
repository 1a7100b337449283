import { z } from "zod";

// zod schemas of what the Admin GraphQL API answers (only the fields the documents select).

export const throttleStatusSchema = z.object({
  maximumAvailable: z.number(),
  currentlyAvailable: z.number(),
  restoreRate: z.number(),
});

export const costSchema = z.object({
  requestedQueryCost: z.number().nullable().optional(),
  actualQueryCost: z.number().nullable().optional(),
  throttleStatus: throttleStatusSchema.optional(),
});
export type QueryCost = z.infer<typeof costSchema>;

export const graphqlErrorSchema = z.object({
  message: z.string(),
  extensions: z.looseObject({ code: z.string().optional() }).optional(),
  path: z.array(z.union([z.string(), z.number()])).optional(),
});

/** The envelope of every answer; `errors` is a plain string on some HTTP 4xx answers. */
export const envelopeSchema = z.object({
  data: z.unknown().optional(),
  errors: z.union([z.array(graphqlErrorSchema), z.string(), z.record(z.string(), z.unknown())]).optional(),
  extensions: z.looseObject({ cost: costSchema.optional() }).optional(),
});

/** OAuth token endpoint (refresh_token grant). */
export const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().optional(),
  refresh_token: z.string().min(1).optional(),
  refresh_token_expires_in: z.number().optional(),
  scope: z.string().optional(),
});
export const oauthErrorSchema = z.object({
  error: z.string(),
  error_description: z.string().optional(),
});

const pageInfo = z.object({ hasNextPage: z.boolean(), endCursor: z.string().nullable() });
const quantities = z.array(z.object({ name: z.string(), quantity: z.number().int() }));

export const connectionData = z.object({
  shop: z.object({ name: z.string(), myshopifyDomain: z.string() }),
  currentAppInstallation: z.object({ accessScopes: z.array(z.object({ handle: z.string() })) }),
});

export const locationsData = z.object({
  locations: z.object({
    nodes: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        isActive: z.boolean(),
        shipsInventory: z.boolean(),
        fulfillsOnlineOrders: z.boolean(),
      }),
    ),
  }),
});

export const variantsData = z.object({
  productVariants: z.object({
    pageInfo,
    nodes: z.array(
      z.object({
        id: z.string(),
        sku: z.string().nullable(),
        inventoryItem: z.object({
          id: z.string(),
          tracked: z.boolean(),
          inventoryLevel: z.object({ quantities }).nullable().optional(),
        }),
      }),
    ),
  }),
});
export type VariantNode = z.infer<typeof variantsData>["productVariants"]["nodes"][number];

export const levelsData = z.object({
  nodes: z.array(
    z
      .object({
        id: z.string().optional(),
        inventoryLevel: z.object({ quantities }).nullable().optional(),
      })
      .nullable(),
  ),
});

export const userErrorSchema = z.object({
  code: z.string().nullable(),
  field: z.array(z.string()).nullable(),
  message: z.string(),
});
export type SetUserError = z.infer<typeof userErrorSchema>;

export const setQuantitiesData = z.object({
  inventorySetQuantities: z
    .object({
      inventoryAdjustmentGroup: z
        .object({
          id: z.string(),
          createdAt: z.string(),
          reason: z.string(),
          changes: z.array(
            z.object({
              name: z.string(),
              delta: z.number().int(),
              quantityAfterChange: z.number().int().nullable(),
              item: z.object({ id: z.string() }).nullable(),
              location: z.object({ id: z.string() }).nullable(),
            }),
          ),
        })
        .nullable(),
      userErrors: z.array(userErrorSchema),
    })
    .nullable(),
});

const lineItems = z.object({
  pageInfo,
  nodes: z.array(
    z.object({
      id: z.string(),
      sku: z.string().nullable(),
      quantity: z.number().int(),
      currentQuantity: z.number().int(),
    }),
  ),
});
export type LineItemNode = z.infer<typeof lineItems>["nodes"][number];

export const ordersData = z.object({
  orders: z.object({
    pageInfo,
    nodes: z.array(
      z.object({
        id: z.string(),
        legacyResourceId: z.union([z.string(), z.number()]).transform(String),
        name: z.string(),
        createdAt: z.string(),
        updatedAt: z.string(),
        cancelledAt: z.string().nullable(),
        lineItems,
      }),
    ),
  }),
});
export type OrderNode = z.infer<typeof ordersData>["orders"]["nodes"][number];

export const orderLinesData = z.object({
  order: z.object({ lineItems }).nullable(),
});

export function availableOf(level: { quantities: { name: string; quantity: number }[] } | null | undefined) {
  if (!level) return null;
  return level.quantities.find((q) => q.name === "available")?.quantity ?? null;
}
