import type { Hono } from "hono";
import { z } from "zod";
import { controlBodies, controlRoutes as uniformControlRoutes } from "../shared/control";
import { SimError, type ColormeSimState } from "./state";

// カラーミー's side of the uniform control API (sim/shared/control.ts). Its own: a cancel is of a
// whole sale (no line, no quantity) and may leave the stock where it is (restock: false); a 429
// fault may say how long to wait (retryAfter, seconds); /__sim/behaviour switches the readings
// MALLS-MORE leaves open; /__sim/revoke is the merchant withdrawing the app's permission.

const bodies = controlBodies({
  listingItem: { code: z.string(), quantity: z.number().int() },
  orderLine: { code: z.string(), quantity: z.number().int() },
  cancel: { lineId: z.string().optional(), quantity: z.number().int().optional(), restock: z.boolean().optional() },
  fault: { retryAfter: z.number().int().min(0).optional() },
});
const behaviour = z.object({ unknownOption: z.enum(["ignore", "error"]).optional(), zeroOnCancel: z.boolean().optional() });

export function controlRoutes(state: ColormeSimState): Hono {
  const app = uniformControlRoutes(state, bodies, {
    listings: () => state.listings(),
    cancelOrder: (orderId, b) => {
      if (b.lineId !== undefined || b.quantity !== undefined) throw new SimError(400, "カラーミーショップ cancels a whole sale; a line or a quantity is not supported");
      const s = state.cancelOrder(orderId, { restock: b.restock });
      return { orderId: String(s.id), canceled: s.canceled, update_date: s.update_date };
    },
    addFault: (f) => state.addFault(f.type, f.times, f.delayMs, f.retryAfter),
    calls: () => state.calls,
  }, { simError: SimError, otherError: (e, c) => c.json({ error: String(e) }, 500) });
  app.post("/__sim/behaviour", async (c) => {
    const r = behaviour.safeParse(await c.req.json().catch(() => null));
    if (!r.success) return c.json({ error: r.error.message }, 400);
    Object.assign(state.behaviour, r.data);
    return c.json({ behaviour: state.behaviour });
  });
  app.post("/__sim/revoke", (c) => {
    state.revokeAll();
    return c.json({ ok: true });
  });
  return app;
}
