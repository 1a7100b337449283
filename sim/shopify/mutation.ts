import { GraphQLError, getDirectiveValues, type GraphQLResolveInfo } from "graphql";
import { itemObj, locationObj, requireScope, type SimContext } from "./resolvers";
import { idOf, isoSeconds, type SimVariant } from "./state";

// inventorySetQuantities as of 2026-04+: @idempotent(key:) is mandatory, every row must carry
// changeFromQuantity (explicit null skips the compare-and-swap), ≤250 rows, and the call is all or
// nothing: one rejected row → no change, userErrors point at input.quantities.<i>.<field> [verify].

const REASONS = new Set([
  "correction", "cycle_count_available", "damaged", "movement_created", "movement_updated", "movement_received",
  "movement_canceled", "other", "promotion", "quality_control", "received", "reservation_created",
  "reservation_deleted", "reservation_updated", "restock", "safety_stock", "shrinkage",
]);
const MAX_TOTAL = 1_000_000_000;

interface Row { inventoryItemId: string; locationId: string; quantity: number; changeFromQuantity?: number | null }
interface UserError { code: string | null; field: string[] | null; message: string }

export function inventorySetQuantities(input: Record<string, unknown>, ctx: SimContext, info: GraphQLResolveInfo) {
  requireScope(ctx, "write_inventory", "inventorySetQuantities");
  const st = ctx.state;
  const directive = info.schema.getDirective("idempotent")!;
  const key = getDirectiveValues(directive, info.fieldNodes[0], info.variableValues)?.key as string | undefined;
  if (key === undefined) {
    throw new GraphQLError("The @idempotent directive is required for this mutation.", { extensions: { code: "BAD_REQUEST" } });
  }
  if (!key.trim()) throw new GraphQLError("Idempotency key cannot be blank.", { extensions: { code: "BAD_REQUEST" } });

  const rows = input.quantities as Row[];
  if (rows.length > 250) {
    throw new GraphQLError(`The input array size of ${rows.length} is greater than the maximum allowed of 250.`, {
      path: ["inventorySetQuantities", "input", "quantities"],
      extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
    });
  }
  if (st.failedKeys.has(key)) {
    return payload(null, [{ code: "IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED", field: null, message: "A previous request with this idempotency key failed. Retry with a new idempotency key." }]);
  }
  // A key names one request: the same key with the same parameters is answered with the stored
  // outcome of the first request, which is NOT carried out again (even if the figures have moved
  // since); the same key with other parameters is refused.
  const fingerprint = JSON.stringify(input);
  const seen = st.idempotency.get(key);
  if (seen) {
    if (seen.fingerprint === fingerprint) return seen.result; // replay of the original outcome
    return payload(null, [{ code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH", field: null, message: "The same idempotency key cannot be used with different operation parameters." }]);
  }
  const result = apply(ctx, input, rows);
  st.idempotency.set(key, { fingerprint, result });
  return result;
}

function payload(group: unknown, userErrors: UserError[]) {
  return { inventoryAdjustmentGroup: group, userErrors };
}

function apply(ctx: SimContext, input: Record<string, unknown>, rows: Row[]) {
  const st = ctx.state;
  const name = input.name as string;
  const errors: UserError[] = [];
  if (name !== "available" && name !== "on_hand") {
    errors.push({ code: "INVALID_NAME", field: ["input", "name"], message: "The quantity name must be either 'available' or 'on_hand'." });
  }
  if (!REASONS.has(input.reason as string)) {
    errors.push({ code: "INVALID_REASON", field: ["input", "reason"], message: "The specified reason is invalid." });
  }
  const uri = input.referenceDocumentUri as string | null | undefined;
  if (uri != null && !/^[a-z][a-z0-9+.-]*:\/\/?\S+$/i.test(uri)) {
    errors.push({ code: "INVALID_REFERENCE_DOCUMENT", field: ["input", "referenceDocumentUri"], message: "The specified reference document is invalid." });
  }
  const targets: { v: SimVariant; loc: number; row: Row }[] = [];
  const pairs = new Set<string>();
  rows.forEach((row, i) => {
    const at = (f: string) => ["input", "quantities", String(i), f];
    const v = st.variantByItem(idOf(row.inventoryItemId, "InventoryItem"));
    const loc = idOf(row.locationId, "Location");
    const pair = `${row.inventoryItemId}|${row.locationId}`;
    if (!("changeFromQuantity" in row)) {
      errors.push({ code: "COMPARE_QUANTITY_REQUIRED", field: at("changeFromQuantity"), message: "changeFromQuantity must be provided (null to skip the check)." });
    } else if (!v) {
      errors.push({ code: "INVALID_INVENTORY_ITEM", field: at("inventoryItemId"), message: "The specified inventory item could not be found." });
    } else if (!st.locations.some((l) => l.id === loc && l.isActive)) {
      errors.push({ code: "INVALID_LOCATION", field: at("locationId"), message: "The specified location could not be found." });
    } else if (!v.levels.has(loc)) {
      errors.push({ code: "ITEM_NOT_STOCKED_AT_LOCATION", field: at("locationId"), message: "The specified inventory item is not stocked at the location." });
    } else if (pairs.has(pair)) {
      errors.push({ code: "NO_DUPLICATE_INVENTORY_ITEM_ID_GROUP_ID_PAIR", field: at("inventoryItemId"), message: "The combination of inventoryItemId and locationId must be unique." });
    } else if (row.quantity < 0) {
      errors.push({ code: "INVALID_QUANTITY_NEGATIVE", field: at("quantity"), message: "The quantity can't be negative." });
    } else if (row.quantity > MAX_TOTAL) {
      errors.push({ code: "INVALID_QUANTITY_TOO_HIGH", field: at("quantity"), message: "The total quantity can't be higher than 1,000,000,000." });
    } else {
      const lv = v.levels.get(loc)!;
      const current = name === "on_hand" ? lv.onHand : lv.available;
      if (row.changeFromQuantity != null && row.changeFromQuantity !== current) {
        errors.push({ code: "CHANGE_FROM_QUANTITY_STALE", field: at("changeFromQuantity"), message: "The changeFromQuantity value does not match persisted value." });
      } else {
        targets.push({ v, loc, row });
      }
    }
    pairs.add(pair);
  });
  if (errors.length > 0) return payload(null, errors);

  const now = st.now();
  const changes: unknown[] = [];
  for (const { v, loc, row } of targets) {
    const lv = v.levels.get(loc)!;
    const delta = row.quantity - (name === "on_hand" ? lv.onHand : lv.available);
    lv.available += delta;
    lv.onHand += delta;
    lv.updatedAt = now;
    const item = itemObj(st, v);
    const location = locationObj(st, loc);
    changes.push({ name: "available", delta, quantityAfterChange: lv.available, ledgerDocumentUri: null, item, location });
    changes.push({ name: "on_hand", delta, quantityAfterChange: lv.onHand, ledgerDocumentUri: null, item, location });
  }
  const group = {
    __typename: "InventoryAdjustmentGroup",
    id: `gid://shopify/InventoryAdjustmentGroup/${st.nextId(90000000000)}`,
    createdAt: isoSeconds(now),
    reason: input.reason,
    referenceDocumentUri: uri ?? null,
    changes: (args: { quantityNames?: string[] | null }) =>
      changes.filter((c) => !args.quantityNames || args.quantityNames.includes((c as { name: string }).name)),
  };
  return payload(group, []);
}
