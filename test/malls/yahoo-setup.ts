import { Hono } from "hono";
import { yahooAdapter, type YahooCredentials } from "../../src/malls/yahoo";
import type { MallContext } from "../../src/malls/types";
import { createYahooSim, demoCredentials, type YahooSimOptions } from "../../sim/yahoo";
import { fetchVia } from "../helpers/sim-fetch";

export const BASE = "https://sim.test/yahoo";
export const T0 = Date.UTC(2026, 7, 3, 1, 0, 0); // 2026-08-03 10:00 JST

export interface Sent {
  path: string;
  body: string;
  headers: Headers;
}

/** A simulator mounted under /yahoo, a controllable clock and an adapter context routed into it. */
export function setup(opts: YahooSimOptions & { credentials?: Partial<YahooCredentials> } = {}) {
  let clock = T0;
  const now = () => clock;
  const sim = createYahooSim({ now, rateLimitPerSec: 1000, ...opts });
  const outer = new Hono();
  outer.onError((err) => {
    throw err; // let a timed-out request reject like a real fetch
  });
  outer.route("/yahoo", sim.app);
  const simFetch = fetchVia(outer);
  const sent: Sent[] = [];
  const events: string[] = [];
  const saved: YahooCredentials[] = [];
  let creds: YahooCredentials = {
    ...demoCredentials,
    refreshTokenIssuedAt: T0,
    publicKeyIssuedAt: T0,
    ...opts.credentials,
  } as YahooCredentials;
  /** Replace a response before the adapter sees it (to feed it shapes the sim never sends). */
  let rewrite: ((path: string, res: Response) => Promise<Response> | Response) | null = null;

  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input as RequestInfo, init);
    const path = new URL(req.url).pathname;
    sent.push({ path, body: new TextDecoder().decode(await req.clone().arrayBuffer()), headers: req.headers });
    events.push(`fetch ${path.split("/").pop()}`);
    const res = await simFetch(req);
    return rewrite ? rewrite(path, res) : res;
  }) as typeof globalThis.fetch;

  const ctx = (over: Partial<MallContext<YahooCredentials>> = {}): MallContext<YahooCredentials> => ({
    credentials: creds,
    baseUrl: BASE,
    fetch,
    saveCredentials: async (next) => {
      events.push("save");
      saved.push(next);
      creds = next;
    },
    now,
    timeoutMs: 2000,
    ...over,
  });

  return {
    sim,
    adapter: yahooAdapter,
    ctx,
    sent,
    events,
    saved,
    get creds() {
      return creds;
    },
    set creds(c: YahooCredentials) {
      creds = c;
    },
    advance(ms: number) {
      clock += ms;
    },
    now,
    setRewrite(fn: typeof rewrite) {
      rewrite = fn;
    },
    /** Calls of the simulator's log whose path ends with `api`. */
    callsTo(api: string) {
      return sim.state.calls.filter((c) => c.path.endsWith("/" + api));
    },
    control(path: string, body?: unknown, method = body === undefined ? "GET" : "POST") {
      return outer.request(`/yahoo/__sim${path}`, {
        method,
        ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { "Content-Type": "application/json" } }),
      });
    },
  };
}
