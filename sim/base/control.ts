import type { Hono } from "hono";
import { z } from "zod";
import { controlBodies, controlRoutes as uniformControlRoutes } from "../shared/control";
import { SimError, type BaseSimState } from "./state";

// BASE's side of the uniform control API (sim/shared/control.ts). Its own: codes and quantities
// are checked by the state, a line id may be given as a number, the cancel answer, and the
// /dispatch route.

const bodies = controlBodies({
  listingItem: { code: z.string(), quantity: z.number().int() },
  orderLine: { code: z.string(), quantity: z.number().int() },
  cancel: { lineId: z.union([z.string(), z.number()]).optional(), quantity: z.number().int().optional() },
});

export function controlRoutes(state: BaseSimState): Hono {
  const app = uniformControlRoutes(state, bodies, {
    listings: () => state.listings(),
    cancelOrder: (orderId, b) => {
      const o = state.cancelOrder(orderId, { lineId: b.lineId?.toString(), quantity: b.quantity });
      return { orderId: o.unique_key, status: o.dispatch_status };
    },
    addFault: (f) => state.addFault(f.type, f.times, f.delayMs),
    calls: () => state.calls,
  }, { simError: SimError, otherError: (e, c) => c.json({ error: String(e) }, 500) });
  // BASE-specific extra: mark an order dispatched (発送済み), which makes it final.
  app.post("/__sim/orders/:orderId/dispatch", (c) => {
    const o = state.dispatchOrder(c.req.param("orderId"));
    return c.json({ orderId: o.unique_key, status: o.dispatch_status });
  });
  return app;
}
