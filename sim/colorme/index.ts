import { Hono } from "hono";
import type { ColormeCredentials } from "../../src/malls/colorme";
import { apiRoutes } from "./api";
import { controlRoutes } from "./control";
import { oauthRoutes } from "./oauth";
import { ColormeSimState, SIM_DEMO_TOKEN } from "./state";

// カラーミーショップ simulator: the API v1 paths under /v1/…, the OAuth endpoints under /oauth/…
// (same host, as on api.shop-pro.jp) and the uniform /__sim control API. Codes are
// "product_id" / "product_id:option1[:option2]".

export { ColormeSimState, SIM_CLIENT, CODE_LIFE_SEC } from "./state";
export type { FaultType, SimProduct, SimSale } from "./state";

/** Accepted by a fresh (or reset) sim: the token of a shop that authorised Kura's app. */
export const demoCredentials: ColormeCredentials = { accessToken: SIM_DEMO_TOKEN };

export function createColormeSim(opts: { now?: () => number } = {}): { app: Hono; state: ColormeSimState } {
  const state = new ColormeSimState(opts.now ?? (() => Date.now()));
  const app = new Hono();
  app.route("/", controlRoutes(state));
  app.route("/", oauthRoutes(state));
  app.route("/", apiRoutes(state));
  return { app, state };
}
