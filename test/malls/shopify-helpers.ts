import { env } from "cloudflare:workers";
import { buildClientSchema, parse, validate, type GraphQLSchema } from "graphql";
import { Hono } from "hono";
import type { ShopifyCredentials } from "../../src/malls/shopify";
import type { MallContext } from "../../src/malls/types";
import { createShopifySim, demoCredentials, type Plan } from "../../sim/shopify";
import { fetchVia } from "../helpers/sim-fetch";

export const T0 = Date.parse("2026-09-01T03:00:00Z");

/** A Shopify sim mounted at https://sim.test/shopify, a controllable clock and an adapter context. */
export function setupShopify(creds: Partial<ShopifyCredentials> = {}, opts: { plan?: Plan } = {}) {
  let now = T0;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const sim = createShopifySim({ now: clock.now, plan: opts.plan });
  const outer = new Hono().route("/shopify", sim.app);
  const saved: ShopifyCredentials[] = [];
  const events: string[] = [];
  const viaSim = fetchVia(outer);
  const ctx: MallContext<ShopifyCredentials> = {
    credentials: { ...demoCredentials, ...creds },
    baseUrl: "https://sim.test/shopify",
    fetch: (async (input: RequestInfo | URL, init?: RequestInit) => {
      events.push(new URL(String(input)).pathname.endsWith("access_token") ? "oauth" : "graphql");
      return viaSim(input, init);
    }) as typeof fetch,
    // Like the sync engine: persist, then the next operation starts from the stored credentials.
    saveCredentials: async (next) => {
      events.push("save");
      saved.push(next);
      ctx.credentials = next;
    },
    now: clock.now,
    // The adapter's waits (a resend's back-off) pass on the fake clock, not in real time.
    sleep: async (ms: number) => clock.advance(ms),
    timeoutMs: 2000,
  };
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await outer.request(`/shopify${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  /** GraphQL operations recorded by the sim since `from` (index into the call log). */
  const ops = (from = 0) => sim.state.calls.slice(from).map((c) => `${c.operation} ${c.status}`);
  return { sim, ctx, saved, events, clock, control, ops };
}

let schema: Promise<GraphQLSchema> | undefined;

/** The real Admin API 2026-07 schema from the introspection JSON handed to the tests. */
export function adminSchema(): Promise<GraphQLSchema> {
  schema ??= (async () => {
    const bytes = Uint8Array.from(atob(env.SPEC_SHOPIFY_ADMIN_GZ_B64), (c) => c.charCodeAt(0));
    const text = await new Response(new Response(bytes).body!.pipeThrough(new DecompressionStream("gzip"))).text();
    const json = JSON.parse(text) as { data: Parameters<typeof buildClientSchema>[0] };
    // assumeValid: graphql 17's stricter schema checks reject some of Shopify's own deprecations
    // (a deprecated field implementing a non-deprecated interface field); documents still validate.
    return buildClientSchema(json.data, { assumeValid: true });
  })();
  return schema;
}

export async function validateAgainstAdmin(query: string): Promise<string[]> {
  return validate(await adminSchema(), parse(query)).map((e) => e.message);
}
