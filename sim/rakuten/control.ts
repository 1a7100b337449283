import type { Context, Hono } from "hono";
import { z } from "zod";
import { SimError, type RakutenSimState } from "./state";

// The uniform /__sim control API shared by all five simulators (plus Rakuten's
// cancel-request, which puts an order in 800 キャンセル確定待ち).

const listingsBody = z.object({
  items: z.array(z.object({ code: z.string().min(1), quantity: z.number().int().min(0), merchantDefinedSkuId: z.string().nullish() })),
});
const ordersBody = z.object({ lines: z.array(z.object({ code: z.string().min(1), quantity: z.number().int().min(1) })).min(1) });
const cancelBody = z.object({ lineId: z.string().optional(), quantity: z.number().int().min(1).optional() });
const faultBody = z.object({
  type: z.enum(["5xx", "429", "timeout", "slow", "expired", "auth"]),
  times: z.number().int().min(1).optional(),
  delayMs: z.number().int().min(0).optional(),
});

async function body<T>(c: Context, schema: z.ZodType<T>, emptyOk = false): Promise<T> {
  const text = await c.req.text();
  if (!text.trim() && emptyOk) return schema.parse({});
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new SimError(400, "body must be JSON");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw new SimError(400, parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return parsed.data;
}

export function controlRoutes(app: Hono, state: RakutenSimState): void {
  app.post("/__sim/reset", (c) => {
    state.reset();
    return c.json({ ok: true });
  });
  app.get("/__sim/listings", (c) => c.json({ items: state.listings() }));
  app.post("/__sim/listings", async (c) => {
    state.setListings((await body(c, listingsBody)).items);
    return c.json({ items: state.listings() });
  });
  app.post("/__sim/orders", async (c) => c.json(state.createOrder((await body(c, ordersBody)).lines)));
  app.post("/__sim/orders/:orderId/cancel", async (c) => {
    const b = await body(c, cancelBody, true);
    if (b.quantity !== undefined && b.lineId === undefined) throw new SimError(400, "quantity needs lineId");
    const o = state.cancelOrder(c.req.param("orderId"), b);
    return c.json({ orderId: o.orderNumber, orderProgress: o.orderProgress });
  });
  app.post("/__sim/orders/:orderId/cancel-request", (c) => {
    state.requestCancel(c.req.param("orderId"));
    return c.json({ orderId: c.req.param("orderId"), orderProgress: 800 });
  });
  app.post("/__sim/faults", async (c) => {
    state.addFault(await body(c, faultBody));
    return c.json({ ok: true, queued: state.faults.length });
  });
  app.get("/__sim/calls", (c) => c.json({ calls: state.callLog }));
}
