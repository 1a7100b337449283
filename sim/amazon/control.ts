import { Hono } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";
import { type AmazonSimState, type FaultType, SimError } from "./state";

// The uniform control API every Kura mall simulator offers (demo, tests, benchmarks).

const listingsBody = z.object({
  items: z.array(z.object({ code: z.string(), quantity: z.number().int().min(0), productType: z.string().optional() })),
});
const orderBody = z.object({ lines: z.array(z.object({ code: z.string(), quantity: z.number().int().min(1) })).min(1) });
const cancelBody = z.object({ lineId: z.string().optional(), quantity: z.number().int().min(1).optional() });
const faultBody = z.object({
  type: z.enum(["5xx", "429", "timeout", "slow", "expired", "auth"]),
  times: z.number().int().min(1).optional(),
  delayMs: z.number().int().min(0).optional(),
});

export function controlRoutes(state: AmazonSimState) {
  const app = new Hono();
  app.onError((e, c) => {
    if (e instanceof SimError) return c.json({ error: e.message }, e.status as ContentfulStatusCode);
    if (e instanceof z.ZodError) return c.json({ error: e.issues[0]?.message ?? "invalid body" }, 400);
    if (e instanceof SyntaxError) return c.json({ error: "body is not JSON" }, 400);
    throw e;
  });
  const body = async (c: { req: { text(): Promise<string> } }) => {
    const text = await c.req.text();
    return text ? JSON.parse(text) : {};
  };

  app.post("/__sim/reset", (c) => {
    state.reset();
    return c.json({ ok: true });
  });
  app.post("/__sim/listings", async (c) => {
    state.setListings(listingsBody.parse(await body(c)).items);
    return c.json({ items: state.listListings() });
  });
  app.get("/__sim/listings", (c) => c.json({ items: state.listListings() }));
  app.post("/__sim/orders", async (c) => c.json(state.createOrder(orderBody.parse(await body(c)).lines)));
  app.post("/__sim/orders/:orderId/cancel", async (c) =>
    c.json(state.cancelOrder(c.req.param("orderId"), cancelBody.parse(await body(c)))),
  );
  app.post("/__sim/faults", async (c) => {
    const f = faultBody.parse(await body(c));
    state.addFault(f.type as FaultType, f.times ?? 1, f.delayMs);
    return c.json({ ok: true, pending: state.faults.length });
  });
  app.get("/__sim/calls", (c) => c.json({ calls: state.calls }));
  return app;
}
