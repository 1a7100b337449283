import { Validator } from "@cfworker/json-schema";
import { env } from "cloudflare:workers";
import { Hono } from "hono";
import { expect } from "vitest";
import { type AmazonCredentials, amazonAdapter } from "../../src/malls/amazon";
import { resetAmazonPacing } from "../../src/malls/amazon/pacing";
import { MallError, type MallContext } from "../../src/malls/types";
import { createAmazonSim, demoCredentials } from "../../sim/amazon";
import { fetchVia } from "../helpers/sim-fetch";

export const BASE = "https://sim.test/amazon";
/** Where the tests' deployment finds LWA (vitest.config.ts binds AMAZON_LWA_URL to the same). */
export const LWA_URL = `${BASE}/auth/o2/token`;

/**
 * A fresh simulator mounted at /amazon and an adapter context routed into it. A fresh simulated
 * seller has full usage-plan buckets, so the adapter's buckets (per isolate) start full too.
 * `sleep`: how the adapter waits (e.g. advancing a fake clock).
 */
export function setup(
  opts: { now?: () => number; sleep?: (ms: number) => Promise<void>; credentials?: Partial<AmazonCredentials>; baseUrl?: string } = {},
) {
  resetAmazonPacing();
  const sim = createAmazonSim({ now: opts.now });
  const outer = new Hono().route("/amazon", sim.app);
  const saved: AmazonCredentials[] = [];
  const ctx: MallContext<AmazonCredentials> = {
    credentials: amazonAdapter.credentialsSchema.parse({ ...demoCredentials, ...opts.credentials }),
    baseUrl: opts.baseUrl ?? BASE,
    authUrl: LWA_URL,
    fetch: fetchVia(outer),
    // Like the engine: persist, and hand the stored credentials to the next call.
    saveCredentials: async (next) => {
      saved.push(next);
      ctx.credentials = next;
    },
    now: opts.now,
    sleep: opts.sleep,
  };
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await outer.request(`/amazon${path}`, {
      method,
      headers: body === undefined ? {} : { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  /** API calls the sim saw, minus the LWA token calls, as "METHOD path" without the query. */
  const apiCalls = () =>
    sim.state.calls.filter((c) => !c.path.startsWith("/auth/")).map((c) => `${c.method} ${c.path.split("?")[0]}`);
  return { sim, state: sim.state, outer, ctx, saved, control, apiCalls };
}

/** Runs `fn`, expecting a MallError; returns it. */
export async function mallError(fn: () => Promise<unknown>): Promise<MallError> {
  try {
    await fn();
  } catch (e) {
    expect(e).toBeInstanceOf(MallError);
    return e as MallError;
  }
  throw new Error("expected a MallError, got success");
}

// ---- the platform's own specs (test/fixtures/specs/amazon, handed over as env.SPEC_AMAZON) ----

/** A validator for `#/definitions/<name>` of a Swagger 2.0 document. */
export function definition(swagger: { definitions: Record<string, object> }, name: string): Validator {
  expect(swagger.definitions[name], `definition ${name}`).toBeDefined();
  return new Validator({ ...swagger.definitions[name], definitions: swagger.definitions } as never, "4", false);
}

export const specs = () => {
  const s = env.SPEC_AMAZON;
  return {
    patchRequest: definition(s.listingsItems, "ListingsItemPatchRequest"),
    submissionResponse: definition(s.listingsItems, "ListingsItemSubmissionResponse"),
    item: definition(s.listingsItems, "Item"),
    listingsErrorList: definition(s.listingsItems, "ErrorList"),
    createFeedDocument: definition(s.feeds, "CreateFeedDocumentSpecification"),
    createFeed: definition(s.feeds, "CreateFeedSpecification"),
    feedDocument: new Validator(s.listingsFeedSchema, "7", false),
    searchOrdersResponse: definition(s.orders2026, "SearchOrdersResponse"),
    getOrdersResponse: definition(s.ordersV0, "GetOrdersResponse"),
    getOrderItemsResponse: definition(s.ordersV0, "GetOrderItemsResponse"),
  };
};

export function expectValid(v: Validator, instance: unknown, what: string) {
  const r = v.validate(instance);
  expect(r.valid, `${what}: ${JSON.stringify(r.errors.slice(0, 4))}`).toBe(true);
}

/** Every request body the sim received, checked against the spec for its operation. */
export function expectRequestsMatchSpecs(state: { requests: { op: string; body: unknown }[] }) {
  const v = specs();
  const byOp: Record<string, typeof v.patchRequest> = {
    patchListingsItem: v.patchRequest,
    createFeedDocument: v.createFeedDocument,
    createFeed: v.createFeed,
    feedDocument: v.feedDocument,
  };
  for (const { op, body } of state.requests) {
    expect(byOp[op], `a schema for ${op}`).toBeDefined();
    expectValid(byOp[op], body, op);
  }
  return state.requests.length;
}
