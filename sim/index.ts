import { Hono } from "hono";
import { createAmazonSim, demoCredentials as amazonDemo } from "./amazon";
import { createBaseSim, demoCredentials as baseDemo } from "./base";
import { createRakutenSim, demoCredentials as rakutenDemo } from "./rakuten";
import { createShopifySim, demoCredentials as shopifyDemo } from "./shopify";
import { createYahooSim, demoCredentials as yahooDemo } from "./yahoo";

// All five mall simulators in one app, each under /<kind>: a shop whose base URL is
// `http://127.0.0.1:8790/<kind>` talks to its simulated mall exactly as it would to the real one.

export const SIM_KINDS = ["rakuten", "yahoo", "amazon", "shopify", "base"] as const;
export type SimKind = (typeof SIM_KINDS)[number];

export const simDemoCredentials: Record<SimKind, unknown> = {
  rakuten: rakutenDemo,
  yahoo: yahooDemo,
  amazon: amazonDemo,
  shopify: shopifyDemo,
  base: baseDemo,
};

export function createMallSim(opts: { now?: () => number } = {}) {
  const sims = {
    rakuten: createRakutenSim(opts),
    yahoo: createYahooSim(opts),
    amazon: createAmazonSim(opts),
    shopify: createShopifySim(opts),
    base: createBaseSim(opts),
  };
  const app = new Hono();
  app.get("/", (c) => c.json({ sims: SIM_KINDS.map((k) => `/${k}`) }));
  // For the demo seed: the credentials each fresh simulated mall accepts (simulator only).
  app.get("/__demo/credentials/:kind", (c) => {
    const kind = c.req.param("kind") as SimKind;
    return SIM_KINDS.includes(kind) ? c.json(simDemoCredentials[kind] as object) : c.json({ error: "unknown kind" }, 404);
  });
  for (const kind of SIM_KINDS) app.route(`/${kind}`, sims[kind].app as unknown as Hono);
  return { app, sims };
}
