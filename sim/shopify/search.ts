import { GraphQLError } from "graphql";

// Shopify search syntax (the `query:` argument), the part the sim needs: terms `field:value`,
// comparators `field:>v` `>=` `<` `<=`, quoted values ('…' or "…", backslash escapes), `-field:v`
// negation, and `OR` / `AND` connectives (AND binds tighter; parentheses are not supported).

export interface Term {
  field: string | null; // null: free text ("default" field)
  op: ":" | ">" | ">=" | "<" | "<=";
  value: string;
  negate: boolean;
}

function tokenize(q: string): string[] {
  const out: string[] = [];
  let cur = "";
  let quote: string | null = null;
  let started = false;
  for (let i = 0; i < q.length; i++) {
    const ch = q[i];
    if (quote) {
      if (ch === "\\" && i + 1 < q.length) cur += q[++i];
      else if (ch === quote) quote = null;
      else cur += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      started = true;
    } else if (/\s/.test(ch)) {
      if (started) out.push(cur);
      cur = "";
      started = false;
    } else if (ch === "\\" && i + 1 < q.length) {
      cur += q[++i];
      started = true;
    } else {
      cur += ch;
      started = true;
    }
  }
  if (started) out.push(cur);
  return out;
}

/** OR-groups of AND-ed terms. */
export function parseSearch(q: string | null | undefined): Term[][] {
  if (!q || !q.trim()) return [[]];
  const groups: Term[][] = [[]];
  for (const tok of tokenize(q)) {
    if (tok === "OR") groups.push([]);
    else if (tok === "AND") continue;
    else groups[groups.length - 1].push(parseTerm(tok));
  }
  return groups.filter((g, i) => g.length > 0 || i === 0);
}

function parseTerm(tok: string): Term {
  const negate = tok.startsWith("-");
  const body = negate ? tok.slice(1) : tok;
  const m = /^([a-z_][a-z0-9_.]*):(>=|<=|>|<)?([\s\S]*)$/.exec(body);
  if (!m) return { field: null, op: ":", value: body, negate };
  return { field: m[1], op: (m[2] as Term["op"]) ?? ":", value: m[3], negate };
}

/** Evaluates a parsed query against one record; `field` returns the record's value(s) for a term. */
export function matches(groups: Term[][], test: (t: Term) => boolean): boolean {
  return groups.some((g) => g.every((t) => test(t) !== t.negate));
}

export function compare(op: Term["op"], left: number, right: number): boolean {
  switch (op) {
    case ">": return left > right;
    case ">=": return left >= right;
    case "<": return left < right;
    case "<=": return left <= right;
    default: return left === right;
  }
}

/** A search time value: ISO date-time, a date, or `now`. */
export function timeValue(v: string, now: number): number {
  if (v === "now") return now;
  const t = Date.parse(v);
  if (!Number.isFinite(t)) throw new GraphQLError(`Invalid date in search query: ${v}`, { extensions: { code: "BAD_REQUEST" } });
  return t;
}

// ---- connections --------------------------------------------------------------------------------

export interface ConnArgs { first?: number | null; last?: number | null; after?: string | null; before?: string | null; reverse?: boolean | null }

/** Shopify-style opaque cursor: base64 JSON of the sort value and id of the last row. */
const encode = (id: number, value: string | number) => btoa(JSON.stringify({ last_id: id, last_value: value }));
function decode(cursor: string): { last_id: number; last_value: string | number } {
  try {
    const v = JSON.parse(atob(cursor));
    if (typeof v?.last_id === "number") return v;
  } catch {
    // fall through
  }
  throw new GraphQLError("Invalid cursor for current pagination sort.", { extensions: { code: "BAD_REQUEST" } });
}

/** Pages rows already sorted by (sortValue, id) ascending (reverse flips the order). */
export function paginate<T>(rows: T[], args: ConnArgs, idOf: (r: T) => number, sortValue: (r: T) => string | number, wrap: (r: T) => unknown) {
  if (args.first == null && args.last == null) {
    throw new GraphQLError("you must provide one of first or last", { extensions: { code: "BAD_REQUEST" } });
  }
  const n = (args.first ?? args.last)!;
  if (n > 250) throw new GraphQLError(`The ${args.first != null ? "first" : "last"} argument cannot exceed 250.`, { extensions: { code: "BAD_REQUEST" } });
  const dir = args.reverse ? -1 : 1;
  const cmp = (a: [string | number, number], b: [string | number, number]) =>
    (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1]) * dir;
  let list = [...rows].sort((a, b) => cmp([sortValue(a), idOf(a)], [sortValue(b), idOf(b)]));
  if (args.after) {
    const c = decode(args.after);
    list = list.filter((r) => cmp([sortValue(r), idOf(r)], [c.last_value, c.last_id]) > 0);
  }
  if (args.before) {
    const c = decode(args.before);
    list = list.filter((r) => cmp([sortValue(r), idOf(r)], [c.last_value, c.last_id]) < 0);
  }
  const page = args.first != null ? list.slice(0, n) : list.slice(Math.max(0, list.length - n));
  const more = list.length > page.length;
  const edges = page.map((r) => ({ cursor: encode(idOf(r), sortValue(r)), node: wrap(r) }));
  return {
    edges,
    nodes: edges.map((e) => e.node),
    pageInfo: {
      hasNextPage: args.first != null ? more : Boolean(args.before),
      hasPreviousPage: args.last != null ? more : Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
