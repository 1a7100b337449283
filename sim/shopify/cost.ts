import { Kind, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from "graphql";

// Requested query cost the way Shopify documents it: scalars and enums 0, objects 1, a connection
// 2 + (first|last) × the cost of one node, a mutation field 10. `pageInfo` is free here.

export const MAX_QUERY_COST = 1000;
const MUTATION_COST = 10;

function argInt(value: ValueNode | undefined, vars: Record<string, unknown>): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.INT) return Number(value.value);
  if (value.kind === Kind.VARIABLE) {
    const v = vars[value.name.value];
    return typeof v === "number" ? v : undefined;
  }
  return undefined;
}

function argListLength(value: ValueNode | undefined, vars: Record<string, unknown>): number | undefined {
  if (!value) return undefined;
  if (value.kind === Kind.LIST) return value.values.length;
  if (value.kind === Kind.VARIABLE) {
    const v = vars[value.name.value];
    return Array.isArray(v) ? v.length : undefined;
  }
  return undefined;
}

function selectionCost(set: SelectionSetNode | undefined, frags: Map<string, FragmentDefinitionNode>, vars: Record<string, unknown>): number {
  if (!set) return 0;
  let total = 0;
  for (const sel of set.selections) {
    if (sel.kind === Kind.INLINE_FRAGMENT) {
      total += selectionCost(sel.selectionSet, frags, vars);
      continue;
    }
    if (sel.kind === Kind.FRAGMENT_SPREAD) {
      total += selectionCost(frags.get(sel.name.value)?.selectionSet, frags, vars);
      continue;
    }
    if (!sel.selectionSet || sel.name.value === "pageInfo") continue;
    const arg = (n: string) => sel.arguments?.find((a) => a.name.value === n)?.value;
    const pageSize = argInt(arg("first"), vars) ?? argInt(arg("last"), vars);
    const ids = argListLength(arg("ids"), vars);
    const inner = selectionCost(sel.selectionSet, frags, vars);
    const name = sel.name.value;
    if (pageSize !== undefined) total += 2 + pageSize * inner;
    else if (ids !== undefined) total += ids * (1 + inner);
    else if (name === "edges") total += inner; // the per-node cost is counted on `node`
    else total += 1 + inner;
  }
  return total;
}

/** A connection's `nodes { … }` counts 1 per element inside `inner`, so pages cost 2 + n × (1 + …). */
export function requestedCost(op: OperationDefinitionNode, frags: Map<string, FragmentDefinitionNode>, vars: Record<string, unknown>): number {
  if (op.operation === "mutation") return op.selectionSet.selections.length * MUTATION_COST;
  return Math.max(1, selectionCost(op.selectionSet, frags, vars));
}

/**
 * What a query's answer cost: as `requestedCost` counts it, but with the nodes a connection
 * returned instead of its `first`. Shopify takes the requested cost up front and refunds the
 * difference once the query has run, so a poll that finds nothing costs a few points, not the
 * hundreds its page size could have cost. Never more than requested.
 */
export function actualCost(op: OperationDefinitionNode, requested: number, data: unknown): number {
  if (op.operation === "mutation") return requested;
  return Math.max(1, Math.min(requested, valueCost(data, true)));
}

function valueCost(v: unknown, root = false): number {
  if (Array.isArray(v)) return v.reduce((sum: number, x) => sum + valueCost(x), 0);
  if (v === null || typeof v !== "object") return 0;
  const o = v as Record<string, unknown>;
  let inner = 0;
  for (const [k, x] of Object.entries(o)) {
    if (k === "pageInfo") continue;
    if (k === "edges" && Array.isArray(x)) inner += x.reduce((sum: number, e) => sum + valueCost((e as { node?: unknown })?.node), 0);
    else inner += valueCost(x);
  }
  if (root) return inner;
  return ("nodes" in o || "edges" in o ? 2 : 1) + inner;
}
