import { Hono } from "hono";
import type { AmazonCredentials } from "../../src/malls/amazon";
import { controlRoutes } from "./control";
import { feedsRoutes } from "./feeds";
import { applyFault, relPath } from "./http";
import { listingsRoutes } from "./listings";
import { lwaRoutes } from "./lwa";
import { ordersRoutes } from "./orders";
import { ordersV0Routes } from "./orders-v0";
import { AmazonSimState, DEMO, JP } from "./state";

// Amazon Selling Partner API simulator (JP marketplace): LWA token endpoint, Listings Items,
// Feeds (+ pre-signed document storage), Orders 2026-01-01 and v0, and the uniform /__sim control API.
// Mount anywhere: the sim answers at the same paths as sellingpartnerapi-fe.amazon.com
// (and api.amazon.com for /auth/o2/token) below its mount point.

export { AmazonSimState } from "./state";

/** Credentials the fresh simulator accepts (match amazonAdapter.credentialsSchema). */
export const demoCredentials: AmazonCredentials = {
  sellerId: DEMO.sellerId,
  clientId: DEMO.clientId,
  clientSecret: DEMO.clientSecret,
  refreshToken: DEMO.refreshToken,
  marketplaceId: JP,
};

export function createAmazonSim(opts: { now?: () => number } = {}) {
  const state = new AmazonSimState(opts.now ?? (() => Date.now()));
  const app = new Hono();

  // Faults and the call log wrap every API request (not the control API, not "S3").
  app.use("*", async (c, next) => {
    const rel = relPath(c.req.path) + new URL(c.req.url).search;
    if (rel.startsWith("/__sim")) return next();
    const fault = rel.startsWith("/__storage") ? null : state.takeFault();
    const faulted = fault ? await applyFault(c, fault, rel.startsWith("/auth/")) : null;
    if (faulted) {
      state.logCall(c.req.method, rel, faulted.status);
      return faulted;
    }
    await next();
    state.logCall(c.req.method, rel, c.res.status);
  });

  app.route("/", lwaRoutes(state));
  app.route("/", listingsRoutes(state));
  app.route("/", feedsRoutes(state));
  app.route("/", ordersRoutes(state));
  app.route("/", ordersV0Routes(state));
  app.route("/", controlRoutes(state));
  app.notFound((c) => c.json({ errors: [{ code: "NotFound", message: "Resource not found." }] }, 404));
  return { app, state };
}
