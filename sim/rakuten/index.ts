import { Hono } from "hono";
import { controlRoutes } from "./control";
import { gate } from "./gate";
import { inventoryRoutes } from "./inventory-api";
import { orderRoutes } from "./order-api";
import { RakutenSimState, SimError } from "./state";

// 楽天RMS simulator: answers at RMS's own paths (/es/1.0/license-management/…,
// /es/2.0/inventories/…, /es/2.0/order/…) in RMS's shapes, behind ESA auth, with the
// documented limits, plus the uniform /__sim control API. Mount it at "/" or under a prefix.

export { RakutenSimState } from "./state";

export function createRakutenSim(opts: { now?: () => number } = {}) {
  const state = new RakutenSimState(opts.now ?? (() => Date.now()));
  const app = new Hono();
  app.use("*", gate(state));
  inventoryRoutes(app, state);
  orderRoutes(app, state);
  controlRoutes(app, state);
  app.onError((e, c) => {
    if (e instanceof SimError) return c.json({ error: e.message }, e.status);
    return c.json({ errors: [{ code: "GE0001", message: "Internal Server Error" }] }, 500);
  });
  return { app, state };
}

/** Credentials a fresh simulator accepts (the shape of rakutenAdapter.credentialsSchema). */
export const demoCredentials = {
  serviceSecret: "SP338120_kuraDemoServiceSecret",
  licenseKey: "SL338120_kuraDemoLicenseKey",
};
