import { buildSchema } from "graphql";

// The slice of the Admin GraphQL 2026-07 schema the simulator serves, written from the public
// reference (same names, arguments and nullability as the real types; unsupported fields are
// simply absent, so a query using them fails validation like a typo would on Shopify).
export const SIM_SDL = /* GraphQL */ `
  directive @idempotent(key: String!) on FIELD

  scalar DateTime
  scalar UnsignedInt64

  interface Node {
    id: ID!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type Query {
    shop: Shop!
    currentAppInstallation: AppInstallation!
    node(id: ID!): Node
    nodes(ids: [ID!]!): [Node]!
    location(id: ID): Location
    locations(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean, sortKey: LocationSortKeys, includeInactive: Boolean, includeLegacy: Boolean): LocationConnection!
    productVariants(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean, sortKey: ProductVariantSortKeys, savedSearchId: ID): ProductVariantConnection!
    inventoryItem(id: ID!): InventoryItem
    order(id: ID!): Order
    orders(first: Int, after: String, last: Int, before: String, query: String, reverse: Boolean, sortKey: OrderSortKeys, savedSearchId: ID): OrderConnection!
  }

  type Mutation {
    inventorySetQuantities(input: InventorySetQuantitiesInput!): InventorySetQuantitiesPayload
    webhookSubscriptionCreate(topic: WebhookSubscriptionTopic!, webhookSubscription: WebhookSubscriptionInput!): WebhookSubscriptionCreatePayload
  }

  enum WebhookSubscriptionTopic { APP_UNINSTALLED INVENTORY_LEVELS_UPDATE ORDERS_CANCELLED ORDERS_CREATE ORDERS_UPDATED REFUNDS_CREATE }
  enum WebhookSubscriptionFormat { JSON XML }
  input WebhookSubscriptionInput {
    uri: String
    callbackUrl: URL
    format: WebhookSubscriptionFormat
  }
  scalar URL
  type WebhookSubscription implements Node { id: ID! topic: WebhookSubscriptionTopic! uri: String! }
  type UserError { field: [String!] message: String! }
  type WebhookSubscriptionCreatePayload {
    userErrors: [UserError!]!
    webhookSubscription: WebhookSubscription
  }

  enum LocationSortKeys { ID NAME RELEVANCE }
  enum ProductVariantSortKeys { ID INVENTORY_LEVELS_AVAILABLE INVENTORY_MANAGEMENT INVENTORY_POLICY NAME POPULAR POSITION RELEVANCE SKU TITLE }
  enum OrderSortKeys { CREATED_AT CURRENT_TOTAL_PRICE CUSTOMER_NAME DESTINATION FINANCIAL_STATUS FULFILLMENT_STATUS ID ORDER_NUMBER PO_NUMBER PROCESSED_AT RELEVANCE TOTAL_ITEMS_QUANTITY TOTAL_PRICE UPDATED_AT }
  enum OrderCancelReason { CUSTOMER DECLINED FRAUD INVENTORY OTHER STAFF }

  type Shop implements Node { id: ID! name: String! myshopifyDomain: String! }
  type AccessScope { handle: String! description: String! }
  type AppInstallation implements Node { id: ID! accessScopes: [AccessScope!]! }

  type Location implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    isActive: Boolean!
    shipsInventory: Boolean!
    fulfillsOnlineOrders: Boolean!
    inventoryLevel(inventoryItemId: ID!, includeInactive: Boolean): InventoryLevel
  }
  type LocationEdge { cursor: String! node: Location! }
  type LocationConnection { edges: [LocationEdge!]! nodes: [Location!]! pageInfo: PageInfo! }

  type ProductVariant implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    sku: String
    title: String!
    displayName: String!
    inventoryQuantity: Int
    inventoryItem: InventoryItem!
  }
  type ProductVariantEdge { cursor: String! node: ProductVariant! }
  type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }

  type InventoryItem implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    sku: String
    tracked: Boolean!
    duplicateSkuCount: Int!
    createdAt: DateTime!
    updatedAt: DateTime!
    inventoryLevel(locationId: ID!, includeInactive: Boolean): InventoryLevel
  }
  type InventoryLevel implements Node {
    id: ID!
    isActive: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
    item: InventoryItem!
    location: Location!
    quantities(names: [String!]!): [InventoryQuantity!]!
  }
  type InventoryQuantity { id: ID! name: String! quantity: Int! updatedAt: DateTime }

  type Order implements Node {
    id: ID!
    legacyResourceId: UnsignedInt64!
    name: String!
    createdAt: DateTime!
    updatedAt: DateTime!
    processedAt: DateTime!
    cancelledAt: DateTime
    cancelReason: OrderCancelReason
    closed: Boolean!
    test: Boolean!
    lineItems(first: Int, after: String, last: Int, before: String, reverse: Boolean): LineItemConnection!
  }
  type OrderEdge { cursor: String! node: Order! }
  type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }
  type LineItem implements Node {
    id: ID!
    sku: String
    quantity: Int!
    currentQuantity: Int!
    refundableQuantity: Int!
    unfulfilledQuantity: Int!
    variant: ProductVariant
  }
  type LineItemEdge { cursor: String! node: LineItem! }
  type LineItemConnection { edges: [LineItemEdge!]! nodes: [LineItem!]! pageInfo: PageInfo! }

  input InventorySetQuantitiesInput {
    name: String!
    reason: String!
    referenceDocumentUri: String
    quantities: [InventoryQuantityInput!]!
  }
  input InventoryQuantityInput {
    inventoryItemId: ID!
    locationId: ID!
    quantity: Int!
    changeFromQuantity: Int
  }
  type InventorySetQuantitiesPayload {
    inventoryAdjustmentGroup: InventoryAdjustmentGroup
    userErrors: [InventorySetQuantitiesUserError!]!
  }
  type InventoryAdjustmentGroup implements Node {
    id: ID!
    createdAt: DateTime!
    reason: String!
    referenceDocumentUri: String
    changes(inventoryItemIds: [ID!], locationIds: [ID!], quantityNames: [String!]): [InventoryChange!]!
  }
  type InventoryChange {
    name: String!
    delta: Int!
    quantityAfterChange: Int
    ledgerDocumentUri: String
    item: InventoryItem
    location: Location
  }
  type InventorySetQuantitiesUserError {
    code: InventorySetQuantitiesUserErrorCode
    field: [String!]
    message: String!
  }
  enum InventorySetQuantitiesUserErrorCode {
    CHANGE_FROM_QUANTITY_STALE
    COMPARE_QUANTITY_REQUIRED
    COMPARE_QUANTITY_STALE
    IDEMPOTENCY_CONCURRENT_REQUEST
    IDEMPOTENCY_KEY_PARAMETER_MISMATCH
    IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED
    INVALID_INVENTORY_ITEM
    INVALID_LOCATION
    INVALID_NAME
    INVALID_QUANTITY_NEGATIVE
    INVALID_QUANTITY_TOO_HIGH
    INVALID_QUANTITY_TOO_LOW
    INVALID_REASON
    INVALID_REFERENCE_DOCUMENT
    ITEM_NOT_STOCKED_AT_LOCATION
    NON_MUTABLE_INVENTORY_ITEM
    NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR
  }
`;

export const simSchema = buildSchema(SIM_SDL);
