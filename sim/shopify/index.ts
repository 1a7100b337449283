import { Hono } from "hono";
import type { ShopifyCredentials } from "../../src/malls/shopify";
import { controlRoutes } from "./control";
import { graphqlRoutes } from "./graphql";
import { oauthRoutes } from "./oauth";
import { SIM_APP, SIM_DEMO_TOKEN, SIM_SHOP, ShopifySimState, type Plan, type SimOrder } from "./state";
import { deliver, orderPayload } from "./webhooks";

// Shopify simulator: the Admin GraphQL endpoint (/admin/api/{version}/graphql.json, operations
// parsed and executed with graphql-js over the sim state), the OAuth token endpoint
// (/admin/oauth/access_token, same host as on Shopify) and the uniform /__sim control API.
// Mall codes are variant SKUs.

export { ShopifySimState, SIM_APP, SIM_SHOP, SIM_DEMO_TOKEN } from "./state";
export type { FaultType, Plan, SimCall, SimDocument } from "./state";
export { SIM_SDL, simSchema } from "./schema";

/** A custom app's non-expiring token plus the app's client id/secret (webhooks); valid in a fresh sim. */
export const demoCredentials: ShopifyCredentials = {
  shopDomain: SIM_SHOP.domain,
  accessToken: SIM_DEMO_TOKEN,
  clientId: SIM_APP.clientId,
  clientSecret: SIM_APP.clientSecret,
};

export function createShopifySim(opts: { now?: () => number; plan?: Plan } = {}): { app: Hono; state: ShopifySimState } {
  const state = new ShopifySimState(opts.now ?? (() => Date.now()), opts.plan ?? "standard");
  state.onEvent = (topic, payload) => {
    void deliver(state, topic, topic.startsWith("ORDERS") ? orderPayload(payload as SimOrder) : payload);
  };
  const app = new Hono();
  app.route("/", controlRoutes(state));
  app.route("/", oauthRoutes(state));
  app.route("/", graphqlRoutes(state));
  return { app, state };
}
