import type { Hono } from "hono";
import { z } from "zod";
import { controlBodies, controlRoutes } from "../shared/control";
import type { YahooSimState } from "./state";

// Yahoo's side of the uniform control API (sim/shared/control.ts), mounted at /__sim by index.ts.
// Its own: any listing quantity, counts checked as positive (> 0: its body errors quote zod's issues),
// POST /listings answers { ok, count }, the cancel answer, and every error (a body's included)
// answers 400 with the error's own message.

const positive = z.number().int().positive();
const bodies = controlBodies({
  listingItem: { quantity: z.number().int() },
  orderLine: { quantity: positive },
  cancel: { quantity: positive.optional() },
  fault: { times: positive.optional() },
});

export function controlApi(state: YahooSimState): Hono {
  return controlRoutes(state, bodies, {
    listings: () => state.getListings(),
    cancelOrder: (orderId, opts) => {
      const o = state.cancelOrder(orderId, opts);
      return { orderId: o.orderId, status: o.status, version: o.version };
    },
    addFault: (f) => state.addFault(f),
    calls: () => state.calls,
  }, {
    prefix: "",
    emptyBody: "blank",
    notJson: (e) => e.message,
    listingsAnswer: (items) => ({ ok: true, count: items.length }),
    otherError: (e, c) => c.json({ error: e.message }, 400),
  });
}
