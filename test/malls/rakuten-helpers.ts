import { Hono } from "hono";
import { createRakutenSim, demoCredentials } from "../../sim/rakuten";
import type { RakutenCredentials } from "../../src/malls/rakuten";
import { MallError, type MallContext } from "../../src/malls/types";
import { fetchVia } from "../helpers/sim-fetch";

export interface Sent {
  method: string;
  path: string;
  body: unknown;
}

/** A simulator mounted under /rakuten and an adapter context pointed at it. */
export function rakutenSetup(opts: { now?: () => number; tamper?: (path: string, body: any) => any } = {}) {
  const sim = createRakutenSim({ now: opts.now });
  const outer = new Hono().route("/rakuten", sim.app);
  const inner = fetchVia(outer);
  const sent: Sent[] = [];
  const saved: RakutenCredentials[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input));
    let body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
    if (body !== undefined && opts.tamper) body = opts.tamper(url.pathname, body);
    sent.push({ method: init?.method ?? "GET", path: url.pathname, body });
    return inner(input, body === undefined ? init : { ...init, body: JSON.stringify(body) });
  }) as typeof globalThis.fetch;
  const ctx: MallContext<RakutenCredentials> = {
    credentials: { ...demoCredentials },
    baseUrl: "https://sim.test/rakuten",
    fetch,
    saveCredentials: async (next) => {
      saved.push(next);
      ctx.credentials = next;
    },
    now: opts.now,
  };
  const control = (method: string, path: string, body?: unknown) =>
    outer.request(`/rakuten/__sim${path}`, {
      method,
      headers: { "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const callsTo = (suffix: string) => sim.state.callLog.filter((c) => c.path.endsWith(suffix));
  return { sim, outer, ctx, sent, saved, control, callsTo };
}

/** Runs `fn` and returns the MallError it throws (fails the test if it resolves or throws else). */
export async function mallError(fn: () => Promise<unknown>): Promise<MallError> {
  try {
    await fn();
  } catch (e) {
    if (e instanceof MallError) return e;
    throw e;
  }
  throw new Error("expected a MallError");
}
