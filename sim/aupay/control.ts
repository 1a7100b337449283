import type { Hono } from "hono";
import { z } from "zod";
import { controlBodies, controlRoutes as uniformControlRoutes, readBody } from "../shared/control";
import { SimError, type AupaySimState } from "./state";

// au PAY's side of the uniform control API (sim/shared/control.ts). Its own: a cancel is of the
// whole order or of one line (au PAY cancels per 明細, never part of one), and routes to make the
// API key expire, unregister the source IP, change the readings of the spec left open
// (dateFormat, cancelStyle, authStyle), and have the buyer ask to cancel (キャンセル受付中).

const bodies = controlBodies({ cancel: { quantity: z.number().int().min(1).optional() } });

const keyBody = z.object({
  /** Issue day of the key the shop holds (epoch ms); `expired: true` makes it 91 days old. */
  issuedAt: z.number().int().optional(),
  expired: z.boolean().optional(),
  apiKey: z.string().min(1).optional(),
});
const ipBody = z.object({ registered: z.boolean() });
const configBody = z.object({
  dateFormat: z.enum(["compact", "dashed"]).optional(),
  cancelStyle: z.enum(["orderStatus", "cancelStatus"]).optional(),
  authStyle: z.enum(["envelope", "http"]).optional(),
});
const reading = { empty: "never" as const, notJson: "body must be JSON", invalid: (e: z.ZodError) => e.message };

export function controlRoutes(state: AupaySimState): Hono {
  const app = uniformControlRoutes(state, bodies, {
    listings: () => state.listings(),
    cancelOrder: (orderId, b) => {
      const o = state.cancelOrder(orderId, { lineId: b.lineId });
      return { orderId: o.orderId, orderStatus: o.orderStatus, cancelStatus: o.cancelStatus };
    },
    addFault: (f) => state.addFault(f),
    calls: () => state.calls,
  }, { simError: SimError });

  app.post("/__sim/orders/:orderId/cancel-request", (c) => {
    const o = state.requestCancel(c.req.param("orderId"));
    return c.json({ orderId: o.orderId, orderStatus: o.orderStatus });
  });
  app.post("/__sim/key", async (c) => {
    const b = await readBody(c, keyBody, reading);
    if (b.apiKey) state.key.apiKey = b.apiKey;
    if (b.issuedAt !== undefined) state.key.issuedAt = b.issuedAt;
    if (b.expired) state.key.issuedAt = state.now() - 91 * 86_400_000;
    return c.json({ issuedAt: state.key.issuedAt, expired: state.keyExpired() });
  });
  app.post("/__sim/ip", async (c) => {
    state.ipRegistered = (await readBody(c, ipBody, reading)).registered;
    return c.json({ registered: state.ipRegistered });
  });
  app.post("/__sim/config", async (c) => {
    const b = await readBody(c, configBody, reading);
    Object.assign(state, Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined)));
    return c.json({ dateFormat: state.dateFormat, cancelStyle: state.cancelStyle, authStyle: state.authStyle });
  });
  return app;
}
