import { Hono, type Context } from "hono";
import { GraphQLError, Kind, execute, parse, validate, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode } from "graphql";
import { MAX_QUERY_COST, actualCost, requestedCost } from "./cost";
import { rootValue } from "./resolvers";
import { simSchema } from "./schema";
import type { ShopifySimState } from "./state";

// POST /admin/api/{version}/graphql.json — auth, faults, cost/throttle, then the operation is parsed
// and executed by graphql-js against the sim's schema slice.

export const SUPPORTED_VERSIONS = ["2025-10", "2026-01", "2026-04", "2026-07", "2026-10", "unstable"];
const INVALID_TOKEN = "[API] Invalid API key or access token (unrecognized login or wrong password)";

export function graphqlRoutes(state: ShopifySimState): Hono {
  const app = new Hono();
  app.post("/admin/api/:version/graphql.json", async (c) => {
    let operation: string | undefined;
    const done = (res: Response) => {
      state.logCall({ method: "POST", path: new URL(c.req.url).pathname, status: res.status, operation });
      return res;
    };
    if (!SUPPORTED_VERSIONS.includes(c.req.param("version"))) return done(c.json({ errors: "Not Found" }, 404));

    const fault = state.takeFault();
    // "lost": the request is carried out, but its answer never reaches the caller (504).
    const lose = fault?.type === "lost";
    if (fault && !lose) {
      const res = await applyFault(c, state, fault);
      if (res) return done(res);
    }

    const token = c.req.header("X-Shopify-Access-Token") ?? "";
    const t = state.accessTokens.get(token);
    if (!t || (t.expiresAt !== null && state.now() >= t.expiresAt)) return done(c.json({ errors: INVALID_TOKEN }, 401));
    if (!t.used) {
      t.used = true;
      // First use of a refreshed token retires the refresh token it was obtained with.
      if (t.replaces) state.refreshTokens.get(t.replaces)!.revoked = true;
    }

    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = await c.req.json();
    } catch {
      return done(c.json({ errors: { query: "Required parameter missing or invalid" } }, 400));
    }
    if (typeof body.query !== "string") return done(c.json({ errors: { query: "Required parameter missing or invalid" } }, 400));
    const variables = (body.variables ?? {}) as Record<string, unknown>;
    const operationName = typeof body.operationName === "string" ? body.operationName : undefined;
    state.documents.push({ query: body.query, variables, operationName });

    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (e) {
      return done(c.json({ errors: [gqlError(e)] }));
    }
    const op = document.definitions.find(
      (d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION && (!operationName || d.name?.value === operationName),
    );
    operation = op ? `${op.operation} ${op.name?.value ?? ""}`.trim() : undefined;
    const invalid = validate(simSchema, document);
    if (invalid.length > 0 || !op) {
      return done(c.json({ errors: invalid.length ? invalid.map(gqlError) : [{ message: "No operation found" }] }));
    }

    const frags = new Map(
      document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
    );
    const cost = requestedCost(op, frags, variables);
    if (cost > MAX_QUERY_COST) {
      return done(
        c.json({
          errors: [{
            message: `Query cost is ${cost}, which exceeds the single query max cost limit (${MAX_QUERY_COST}).`,
            extensions: { code: "MAX_COST_EXCEEDED", cost, maxCost: MAX_QUERY_COST },
          }],
          extensions: { cost: costExt(state, cost, null) },
        }),
      );
    }
    if (!state.takeCost(cost)) {
      return done(
        c.json({
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
          extensions: { cost: costExt(state, cost, null) },
        }),
      );
    }

    const ctx = { state, scopes: t.scopes };
    const result = await execute({ schema: simSchema, document, rootValue: rootValue(ctx), contextValue: ctx, variableValues: variables, operationName });
    const out: Record<string, unknown> = { data: result.data ?? null };
    if (result.errors?.length) out.errors = result.errors.map(gqlError);
    // Shopify refunds what the query did not use (a page that came back short).
    const actual = actualCost(op, cost, result.data);
    state.refund(cost - actual);
    out.extensions = { cost: costExt(state, cost, actual) };
    if (lose) return done(c.text("Gateway Timeout", 504));
    return done(c.json(out));
  });
  return app;
}

function gqlError(e: unknown) {
  if (e instanceof GraphQLError) {
    const j = e.toJSON() as { message: string; locations?: unknown; path?: unknown; extensions?: Record<string, unknown> };
    return { ...j, extensions: { code: "BAD_REQUEST", ...(j.extensions ?? {}) } };
  }
  return { message: String(e), extensions: { code: "INTERNAL_SERVER_ERROR" } };
}

function costExt(state: ShopifySimState, requested: number, actual: number | null) {
  return { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: state.throttleStatus() };
}

async function applyFault(c: Context, state: ShopifySimState, fault: { type: string; delayMs?: number }): Promise<Response | undefined> {
  switch (fault.type) {
    case "5xx": {
      // [verify] A mutation that failed on Shopify's side leaves its idempotency key spent:
      // the same key again answers IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED ("retry with a new key").
      const key = await idempotencyKeyOf(c);
      if (key !== undefined) state.failedKeys.add(key);
      return c.text("Service Unavailable", 503);
    }
    case "429":
      c.header("Retry-After", "2");
      return c.json(
        {
          errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: "https://shopify.dev/api/usage/rate-limits" } }],
          extensions: { cost: { requestedQueryCost: 50, actualQueryCost: null, throttleStatus: { ...state.throttleStatus(), currentlyAvailable: 0 } } },
        },
        429,
      );
    case "expired":
    case "auth":
      return c.json({ errors: INVALID_TOKEN }, 401);
    case "timeout":
      await waitOrAbort(c.req.raw.signal, fault.delayMs ?? 30_000);
      return c.text("Gateway Timeout", 504);
    case "slow":
      await waitOrAbort(c.req.raw.signal, fault.delayMs ?? 2_000);
      return undefined;
  }
  return undefined;
}

function waitOrAbort(signal: AbortSignal | undefined, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), resolve()), { once: true });
  });
}

/** The @idempotent(key:) of the request's mutation, if it has one (literal or variable). */
async function idempotencyKeyOf(c: Context): Promise<string | undefined> {
  try {
    const body = (await c.req.raw.clone().json()) as { query?: string; variables?: Record<string, unknown> };
    if (typeof body.query !== "string") return undefined;
    for (const def of parse(body.query).definitions) {
      if (def.kind !== Kind.OPERATION_DEFINITION || def.operation !== "mutation") continue;
      for (const sel of def.selectionSet.selections) {
        const arg = sel.kind === Kind.FIELD ? sel.directives?.find((d) => d.name.value === "idempotent")?.arguments?.find((a) => a.name.value === "key") : undefined;
        if (!arg) continue;
        if (arg.value.kind === Kind.STRING) return arg.value.value;
        if (arg.value.kind === Kind.VARIABLE) {
          const v = body.variables?.[arg.value.name.value];
          return typeof v === "string" ? v : undefined;
        }
      }
    }
  } catch {
    // not JSON / not GraphQL: no key to remember
  }
  return undefined;
}
