import { Hono } from "hono";
import type { BaseCredentials } from "../../src/malls/base";
import { apiRoutes } from "./api";
import { controlRoutes } from "./control";
import { BaseSimState, SIM_CLIENT, SIM_DEMO_REFRESH_TOKEN } from "./state";

// BASE simulator: the API v1 paths under /1/… (token endpoint included, same host as the real
// one) plus the uniform /__sim control API. Codes are "item_id" / "item_id:variation_id".

export { BaseSimState } from "./state";
export type { FaultType, SimItem, SimOrder } from "./state";

/** Accepted by a fresh (or reset) sim: no access token yet, so the adapter refreshes first. */
export const demoCredentials: BaseCredentials = {
  clientId: SIM_CLIENT.client_id,
  clientSecret: SIM_CLIENT.client_secret,
  redirectUri: SIM_CLIENT.redirect_uri,
  refreshToken: SIM_DEMO_REFRESH_TOKEN,
};

export function createBaseSim(opts: { now?: () => number } = {}): { app: Hono; state: BaseSimState } {
  const state = new BaseSimState(opts.now ?? (() => Date.now()));
  const app = new Hono();
  app.route("/", controlRoutes(state));
  app.route("/", apiRoutes(state));
  return { app, state };
}
