// Every GraphQL document the adapter sends (Admin API 2026-07). Tests validate each of them
// against the real 2026-07 schema, so keep them here as plain strings.

export const API_VERSION = "2026-07";

export const CONNECTION_DOC = /* GraphQL */ `
  query KuraConnection {
    shop {
      name
      myshopifyDomain
    }
    currentAppInstallation {
      accessScopes {
        handle
      }
    }
  }
`;

export const LOCATIONS_DOC = /* GraphQL */ `
  query KuraLocations {
    locations(first: 50) {
      nodes {
        id
        name
        isActive
        shipsInventory
        fulfillsOnlineOrders
      }
    }
  }
`;

/** SKU → inventory item (push path: no quantities, so the lookup stays cheap). */
export const VARIANTS_BY_SKU_DOC = /* GraphQL */ `
  query KuraVariantsBySku($first: Int!, $after: String, $query: String!) {
    productVariants(first: $first, after: $after, query: $query) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        sku
        inventoryItem {
          id
          tracked
        }
      }
    }
  }
`;

/** SKU → inventory item + its "available" quantity at one location (readStock path). */
export const STOCK_BY_SKU_DOC = /* GraphQL */ `
  query KuraStockBySku($first: Int!, $after: String, $query: String!, $locationId: ID!) {
    productVariants(first: $first, after: $after, query: $query) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        id
        sku
        inventoryItem {
          id
          tracked
          inventoryLevel(locationId: $locationId) {
            quantities(names: ["available"]) {
              name
              quantity
            }
          }
        }
      }
    }
  }
`;

/** Current "available" of known inventory items (after CHANGE_FROM_QUANTITY_STALE). */
export const LEVELS_DOC = /* GraphQL */ `
  query KuraLevels($ids: [ID!]!, $locationId: ID!) {
    nodes(ids: $ids) {
      ... on InventoryItem {
        id
        inventoryLevel(locationId: $locationId) {
          quantities(names: ["available"]) {
            name
            quantity
          }
        }
      }
    }
  }
`;

/** Absolute set with compare-and-swap; @idempotent is mandatory from 2026-04. */
export const SET_QUANTITIES_DOC = /* GraphQL */ `
  mutation KuraSetQuantities($input: InventorySetQuantitiesInput!, $idempotencyKey: String!) {
    inventorySetQuantities(input: $input) @idempotent(key: $idempotencyKey) {
      inventoryAdjustmentGroup {
        id
        createdAt
        reason
        changes {
          name
          delta
          quantityAfterChange
          item {
            id
          }
          location {
            id
          }
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`;

const ORDER_FIELDS = /* GraphQL */ `
  id
  legacyResourceId
  name
  createdAt
  updatedAt
  cancelledAt
  lineItems(first: $lineFirst) {
    pageInfo {
      hasNextPage
      endCursor
    }
    nodes {
      id
      sku
      quantity
      currentQuantity
    }
  }
`;

export const ORDERS_DOC = /* GraphQL */ `
  query KuraOrders($first: Int!, $after: String, $query: String!, $lineFirst: Int!) {
    orders(first: $first, after: $after, query: $query, sortKey: UPDATED_AT) {
      pageInfo {
        hasNextPage
        endCursor
      }
      nodes {
        ${ORDER_FIELDS}
      }
    }
  }
`;

/** The rest of an order's line items when it has more than fit in ORDERS_DOC. */
export const ORDER_LINES_DOC = /* GraphQL */ `
  query KuraOrderLines($id: ID!, $first: Int!, $after: String) {
    order(id: $id) {
      lineItems(first: $first, after: $after) {
        pageInfo {
          hasNextPage
          endCursor
        }
        nodes {
          id
          sku
          quantity
          currentQuantity
        }
      }
    }
  }
`;

/** One subscription per topic; 接続テスト registers every topic Kura handles (webhooks.ts). */
export const WEBHOOK_SUBSCRIBE_DOC = /* GraphQL */ `
  mutation KuraWebhookSubscribe($topic: WebhookSubscriptionTopic!, $uri: String!) {
    webhookSubscriptionCreate(topic: $topic, webhookSubscription: { uri: $uri, format: JSON }) {
      webhookSubscription {
        id
        topic
        uri
      }
      userErrors {
        field
        message
      }
    }
  }
`;

export const ALL_DOCUMENTS = {
  CONNECTION_DOC,
  LOCATIONS_DOC,
  VARIANTS_BY_SKU_DOC,
  STOCK_BY_SKU_DOC,
  LEVELS_DOC,
  SET_QUANTITIES_DOC,
  ORDERS_DOC,
  ORDER_LINES_DOC,
  WEBHOOK_SUBSCRIBE_DOC,
};
