import { Hono } from "hono";
import { z } from "zod";
import type { YahooSimState } from "./state";

// The uniform control API every Kura simulator offers (tests and the demo drive the mall here).

const listingsBody = z.object({
  items: z.array(z.object({ code: z.string().min(1), quantity: z.number().int() })),
});
const ordersBody = z.object({
  lines: z.array(z.object({ code: z.string().min(1), quantity: z.number().int().positive() })).min(1),
});
const cancelBody = z.object({
  lineId: z.string().optional(),
  quantity: z.number().int().positive().optional(),
});
const faultBody = z.object({
  type: z.enum(["5xx", "429", "timeout", "slow", "expired", "auth"]),
  times: z.number().int().positive().optional(),
  delayMs: z.number().int().nonnegative().optional(),
});

async function body(req: Request): Promise<unknown> {
  const text = await req.text();
  return text.trim() === "" ? {} : JSON.parse(text);
}

export function controlApi(state: YahooSimState): Hono {
  const app = new Hono();
  app.onError((err, c) => c.json({ error: err.message }, 400));

  app.post("/reset", (c) => {
    state.reset();
    return c.json({ ok: true });
  });
  app.get("/listings", (c) => c.json({ items: state.getListings() }));
  app.post("/listings", async (c) => {
    const { items } = listingsBody.parse(await body(c.req.raw));
    state.setListings(items);
    return c.json({ ok: true, count: items.length });
  });
  app.post("/orders", async (c) => {
    const { lines } = ordersBody.parse(await body(c.req.raw));
    return c.json(state.createOrder(lines));
  });
  app.post("/orders/:orderId/cancel", async (c) => {
    const opts = cancelBody.parse(await body(c.req.raw));
    const o = state.cancelOrder(c.req.param("orderId"), opts);
    return c.json({ orderId: o.orderId, status: o.status, version: o.version });
  });
  app.post("/faults", async (c) => {
    state.addFault(faultBody.parse(await body(c.req.raw)));
    return c.json({ ok: true, pending: state.faults.length });
  });
  app.get("/calls", (c) => c.json({ calls: state.calls }));
  return app;
}
