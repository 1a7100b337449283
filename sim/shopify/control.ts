import { Hono, type Context } from "hono";
import { z } from "zod";
import { SimError, type ShopifySimState } from "./state";

// The control API shared by all five simulators. Codes are variant SKUs; order and line ids are
// the numeric ids (the GraphQL API shows them as gid://shopify/Order/… and …/LineItem/…).

const listingsBody = z.object({
  items: z.array(
    z.object({
      code: z.string().min(1),
      quantity: z.number().int(),
      // Shopify-specific extras: an untracked item, or one not stocked at the sync location.
      tracked: z.boolean().optional(),
      stocked: z.boolean().optional(),
    }),
  ),
});
const ordersBody = z.object({ lines: z.array(z.object({ code: z.string().min(1), quantity: z.number().int().min(1) })).min(1) });
const cancelBody = z.object({ lineId: z.union([z.string(), z.number()]).optional(), quantity: z.number().int().optional() });
const faultBody = z.object({
  type: z.enum(["5xx", "429", "timeout", "slow", "expired", "auth"]),
  times: z.number().int().min(1).optional(),
  delayMs: z.number().int().min(0).optional(),
});

export function controlRoutes(state: ShopifySimState): Hono {
  const app = new Hono();
  app.onError((e, c) =>
    e instanceof SimError ? c.json({ error: e.message }, e.status as 400) : c.json({ error: String(e) }, 500),
  );
  app.post("/__sim/reset", (c) => (state.reset(), c.json({ ok: true })));
  app.get("/__sim/listings", (c) => c.json({ items: state.listings() }));
  app.post("/__sim/listings", async (c) => {
    state.setListings((await body(c, listingsBody)).items);
    return c.json({ items: state.listings() });
  });
  app.post("/__sim/orders", async (c) => c.json(state.createOrder((await body(c, ordersBody)).lines)));
  app.post("/__sim/orders/:orderId/cancel", async (c) => {
    const b = await body(c, cancelBody, {});
    const o = state.cancelOrder(c.req.param("orderId"), { lineId: b.lineId?.toString(), quantity: b.quantity });
    return c.json({ orderId: String(o.id), cancelled: o.cancelledAt !== null });
  });
  app.post("/__sim/faults", async (c) => {
    const f = await body(c, faultBody);
    state.addFault(f.type, f.times, f.delayMs);
    return c.json({ ok: true, pending: state.faults.length });
  });
  app.get("/__sim/calls", (c) => c.json({ calls: state.calls }));
  return app;
}

async function body<T>(c: Context, schema: z.ZodType<T>, empty?: T): Promise<T> {
  const text = await c.req.text();
  if (!text.trim() && empty !== undefined) return empty;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new SimError(400, "body must be JSON");
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new SimError(400, r.error.message);
  return r.data;
}
