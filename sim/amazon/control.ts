import { z } from "zod";
import { controlBodies, controlRoutes as uniformControlRoutes } from "../shared/control";
import { type AmazonSimState, SimError } from "./state";

// Amazon's side of the uniform control API (sim/shared/control.ts). Its own: a listing may name
// its productType; seller SKUs are checked by the state, not the body schema.

const bodies = controlBodies({
  listingItem: { code: z.string(), productType: z.string().optional() },
  orderLine: { code: z.string() },
});

export function controlRoutes(state: AmazonSimState) {
  return uniformControlRoutes(state, bodies, {
    listings: () => state.listListings(),
    cancelOrder: (orderId, opts) => state.cancelOrder(orderId, opts),
    addFault: (f) => state.addFault(f.type, f.times ?? 1, f.delayMs),
    calls: () => state.calls,
  }, {
    simError: SimError,
    emptyBody: "empty",
    notJson: "body is not JSON",
    invalid: (e) => e.issues[0]?.message ?? "invalid body",
  });
}
