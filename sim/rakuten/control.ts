import type { Hono } from "hono";
import { z } from "zod";
import { controlBodies, controlRoutes as uniformControlRoutes } from "../shared/control";
import { SimError, type RakutenSimState } from "./state";

// Rakuten's side of the uniform /__sim control API (sim/shared/control.ts). Its own: a listing
// may carry its merchantDefinedSkuId, the cancel answer, the wording of body errors, and
// cancel-request, which puts an order in 800 キャンセル確定待ち. SimErrors (and anything else)
// are answered by the RMS app's own onError (see index.ts).

const bodies = controlBodies({ listingItem: { merchantDefinedSkuId: z.string().nullish() } });

export function controlRoutes(app: Hono, state: RakutenSimState): void {
  const control = uniformControlRoutes(state, bodies, {
    listings: () => state.listings(),
    cancelOrder: (orderId, b) => {
      if (b.quantity !== undefined && b.lineId === undefined) throw new SimError(400, "quantity needs lineId");
      const o = state.cancelOrder(orderId, b);
      return { orderId: o.orderNumber, orderProgress: o.orderProgress };
    },
    addFault: (f) => state.addFault(f),
    calls: () => state.callLog,
  }, {
    invalid: (e) => e.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "),
    faultCountKey: "queued",
  });
  control.post("/__sim/orders/:orderId/cancel-request", (c) => {
    state.requestCancel(c.req.param("orderId"));
    return c.json({ orderId: c.req.param("orderId"), orderProgress: 800 });
  });
  app.route("/", control);
}
