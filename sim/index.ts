import { Hono } from "hono";
import { createAmazonSim, demoCredentials as amazonDemo } from "./amazon";
import { createAupaySim, demoCredentials as aupayDemo } from "./aupay";
import { createBaseSim, demoCredentials as baseDemo } from "./base";
import { createColormeSim, demoCredentials as colormeDemo } from "./colorme";
import { createRakutenSim, demoCredentials as rakutenDemo } from "./rakuten";
import { createShopifySim, demoCredentials as shopifyDemo } from "./shopify";
import { type OrderLaneBudget, TrafficRecorder } from "./traffic";
import { createYahooSim, demoCredentials as yahooDemo } from "./yahoo";
import { LAYOUTS, MAIL_CARTS, type MailCart, orderMail } from "./mail/carts";

// All six mall simulators in one app, each under /<kind>: a shop whose base URL is
// `http://127.0.0.1:8790/<kind>` talks to its simulated mall exactly as it would to the real one.

export const SIM_KINDS = ["rakuten", "yahoo", "amazon", "shopify", "base", "aupay", "colorme"] as const;
export type SimKind = (typeof SIM_KINDS)[number];

export const simDemoCredentials: Record<SimKind, unknown> = {
  rakuten: rakutenDemo,
  yahoo: yahooDemo,
  amazon: amazonDemo,
  shopify: shopifyDemo,
  base: baseDemo,
  aupay: aupayDemo(),
  colorme: colormeDemo,
};

/**
 * Each mall's documented budget for one shop (MALLS.md §9), as requests per second with a burst:
 * the sync engine must never exceed it. Rakuten, Yahoo and BASE: about 1 a second; Shopify: its
 * cost bucket allows more, 2 a second is what Kura plans; Amazon's PATCH: 5 a second, burst 5.
 */
export const SHOP_BUDGET: Record<SimKind, { rate: number; burst: number; orders?: OrderLaneBudget }> = {
  // RMS budgets each API apart: the order API does not spend the inventory API's second.
  rakuten: { rate: 1, burst: 1, orders: { rate: 1, burst: 1, matches: (path) => path.includes("/es/2.0/order/") } },
  // "≤ 1 rps per API per store": orderList and orderInfo are counted together here (stricter).
  yahoo: { rate: 1, burst: 1, orders: { rate: 1, burst: 1, matches: (path) => /\/(orderList|orderInfo|orderCount)$/.test(path) } },
  amazon: { rate: 5, burst: 5 },
  shopify: { rate: 2, burst: 2 },
  base: { rate: 1, burst: 1 },
  // [verify] no limit found; public clients sleep 0.9–1.0 s between calls.
  aupay: { rate: 1, burst: 1 },
  // "120 リクエスト/分 を目安" per access token (MALLS-MORE §2): 2 a second, one bucket for all.
  colorme: { rate: 2, burst: 2 },
};

export function createMallSim(opts: { now?: () => number } = {}) {
  const sims = {
    rakuten: createRakutenSim(opts),
    yahoo: createYahooSim(opts),
    amazon: createAmazonSim(opts),
    shopify: createShopifySim(opts),
    base: createBaseSim(opts),
    aupay: createAupaySim(opts),
    colorme: createColormeSim(opts),
  };
  const app = new Hono();
  app.get("/", (c) => c.json({ sims: SIM_KINDS.map((k) => `/${k}`) }));
  // For the demo seed: the credentials each fresh simulated mall accepts (simulator only).
  app.get("/__demo/credentials/:kind", (c) => {
    const kind = c.req.param("kind") as SimKind;
    if (kind === "aupay") return c.json(aupayDemo(sims.aupay.state.key.issuedAt)); // the key this simulator issued
    return SIM_KINDS.includes(kind) ? c.json(simDemoCredentials[kind] as object) : c.json({ error: "unknown kind" }, 404);
  });
  // The carts without an order API send the merchant an order mail instead: this writes one, as
  // raw RFC 5322 bytes (base64: a Shift_JIS body is not UTF-8), for the caller to deliver to Kura's
  // email() handler (the demo posts it to wrangler dev's /cdn-cgi/handler/email).
  // Order numbers count up from the simulator's start time (ms), so two mails never share one,
  // however many are written in a second, and a restarted simulator does not reuse the last run's.
  const mailBase = opts.now?.() ?? Date.now();
  let mailSeq = 0;
  app.post("/mail/__sim/orders", async (c) => {
    const body = (await c.req.json().catch(() => null)) as { cart?: string; to?: string; lines?: { code: string; quantity: number; name?: string }[] } | null;
    const cart = body?.cart as MailCart;
    if (!body || !MAIL_CARTS.includes(cart) || !body.to || !body.lines?.length) return c.json({ error: "cart (one of " + MAIL_CARTS.join(", ") + "), to and lines are required" }, 400);
    const now = opts.now?.() ?? Date.now();
    mailSeq++;
    const n = mailBase + mailSeq;
    const orderId = cart === "qoo10" ? String(1_000_000_000 + (n % 8_999_999_999)) : `${cart.slice(0, 2).toUpperCase()}${n}`;
    const raw = orderMail({ cart, orderId, date: new Date(now), items: body.lines.map((l) => ({ code: l.code, name: l.name ?? l.code, quantity: l.quantity })) }, { to: body.to });
    const from = /<([^>]+)>/.exec(LAYOUTS[cart].from)?.[1] ?? LAYOUTS[cart].from;
    return c.json({ orderId, from, raw: Buffer.from(raw).toString("base64") });
  });
  const traffic = Object.fromEntries(SIM_KINDS.map((k) => [k, new TrafficRecorder(SHOP_BUDGET[k], opts.now, SHOP_BUDGET[k].orders)])) as Record<SimKind, TrafficRecorder>;
  for (const kind of SIM_KINDS) {
    app.get(`/${kind}/__sim/traffic`, (c) => c.json(traffic[kind].get()));
    app.post(`/${kind}/__sim/reset`, async (_c, next) => {
      traffic[kind].reset();
      await next();
    });
    app.use(`/${kind}/*`, traffic[kind].middleware());
    app.route(`/${kind}`, sims[kind].app as unknown as Hono);
  }
  return { app, sims, traffic };
}
