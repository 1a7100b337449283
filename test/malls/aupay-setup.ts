import { Hono } from "hono";
import { aupayAdapter, type AupayCredentials } from "../../src/malls/aupay";
import type { MallContext } from "../../src/malls/types";
import { createAupaySim, type AupaySimOptions } from "../../sim/aupay";
import { demoCredentials } from "../../sim/aupay";
import { fetchVia } from "../helpers/sim-fetch";

export const BASE = "https://sim.test/aupay";
export const T0 = Date.UTC(2026, 7, 3, 1, 0, 0); // 2026-08-03 10:00 JST
export const DAY = 86_400_000;

export interface Sent {
  method: string;
  path: string;
  query: URLSearchParams;
  body: string;
  headers: Headers;
}

/** An au PAY simulator mounted under /aupay, a controllable clock and an adapter context routed into it. */
export function setupAupay(opts: AupaySimOptions & { credentials?: Partial<AupayCredentials> } = {}) {
  let clock = T0;
  const now = () => clock;
  const sim = createAupaySim({ now, ...opts });
  const outer = new Hono();
  outer.onError((err) => {
    throw err;
  });
  outer.route("/aupay", sim.app);
  const simFetch = fetchVia(outer);
  const sent: Sent[] = [];
  let creds: AupayCredentials = { ...demoCredentials(T0), ...opts.credentials };

  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input as RequestInfo, init);
    const url = new URL(req.url);
    sent.push({ method: req.method, path: url.pathname, query: url.searchParams, body: await req.clone().text(), headers: req.headers });
    return simFetch(req);
  }) as typeof globalThis.fetch;

  const ctx = (over: Partial<MallContext<AupayCredentials>> = {}): MallContext<AupayCredentials> => ({
    credentials: creds,
    baseUrl: BASE,
    fetch,
    saveCredentials: async (next) => {
      creds = next;
    },
    now,
    timeoutMs: 2000,
    ...over,
  });

  return {
    sim,
    adapter: aupayAdapter,
    ctx,
    sent,
    now,
    advance(ms: number) {
      clock += ms;
    },
    set creds(c: AupayCredentials) {
      creds = c;
    },
    /** Requests sent to one Wow!manager method. */
    sentTo(method: string) {
      return sent.filter((s) => s.path.endsWith("/" + method));
    },
    async control(method: string, path: string, body?: unknown) {
      const res = await outer.request(`/aupay/__sim${path}`, {
        method,
        headers: body === undefined ? {} : { "Content-Type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, json: (await res.json()) as any };
    },
  };
}

/** Places an order on the simulated shop through its control API. */
export async function order(t: ReturnType<typeof setupAupay>, lines: { code: string; quantity: number }[]) {
  const r = await t.control("POST", "/orders", { lines });
  return r.json as { orderId: string; lineIds: string[] };
}

/** Pulls until the mall has no more to give now; returns every line reported. */
export async function pullAll(t: ReturnType<typeof setupAupay>, cursor: unknown) {
  const lines = [];
  let cur = cursor;
  for (let i = 0; i < 50; i++) {
    const r = await t.adapter.fetchOrders(t.ctx(), cur);
    lines.push(...r.lines);
    cur = r.cursor;
    if (!r.more) break;
  }
  return { lines, cursor: cur };
}
