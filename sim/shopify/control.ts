import type { Hono } from "hono";
import { z } from "zod";
import { controlBodies, controlRoutes as uniformControlRoutes } from "../shared/control";
import { SimError, type ShopifySimState } from "./state";

// Shopify's side of the uniform control API (sim/shared/control.ts). Codes are variant SKUs; order
// and line ids are the numeric ids (the GraphQL API shows them as gid://shopify/Order/… and
// …/LineItem/…), so a line id may be given as a number. Its own: the listing extras below (and no
// floor on a listing's quantity), the cancel answer.

const bodies = controlBodies({
  listingItem: {
    quantity: z.number().int(),
    // Shopify-specific extras: an untracked item, or one not stocked at the sync location.
    tracked: z.boolean().optional(),
    stocked: z.boolean().optional(),
  },
  cancel: { lineId: z.union([z.string(), z.number()]).optional(), quantity: z.number().int().optional() },
});

export function controlRoutes(state: ShopifySimState): Hono {
  const app = uniformControlRoutes(state, bodies, {
    listings: () => state.listings(),
    cancelOrder: (orderId, b) => {
      const o = state.cancelOrder(orderId, { lineId: b.lineId?.toString(), quantity: b.quantity });
      return { orderId: String(o.id), cancelled: o.cancelledAt !== null };
    },
    addFault: (f) => state.addFault(f.type, f.times, f.delayMs),
    calls: () => state.calls,
  }, { simError: SimError, otherError: (e, c) => c.json({ error: String(e) }, 500) });
  // Shopify's own: the webhook subscriptions and every delivery; settle waits for those under way.
  app.get("/__sim/webhooks", (c) => c.json({ subscriptions: state.webhooks, deliveries: state.deliveries }));
  app.post("/__sim/webhooks/settle", async (c) => {
    await Promise.all([...state.pending]);
    return c.json({ deliveries: state.deliveries });
  });
  return app;
}
