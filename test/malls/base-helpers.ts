import { Hono } from "hono";
import type { BaseCredentials } from "../../src/malls/base";
import type { MallContext } from "../../src/malls/types";
import { createBaseSim, demoCredentials } from "../../sim/base";
import { fetchVia } from "../helpers/sim-fetch";

/** 2026-07-01 12:45:00 JST: 15 min before the hourly reset. */
export const T0 = Date.UTC(2026, 6, 1, 3, 45, 0);

/** A BASE sim mounted at https://sim.test/base, a controllable clock and an adapter context. */
export function setupBase(creds: Partial<BaseCredentials> = {}) {
  let now = T0;
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const sim = createBaseSim({ now: clock.now });
  const outer = new Hono().route("/base", sim.app);
  const saved: BaseCredentials[] = [];
  const ctx: MallContext<BaseCredentials> = {
    credentials: { ...demoCredentials, ...creds },
    baseUrl: "https://sim.test/base",
    fetch: fetchVia(outer),
    // Like the sync engine: persist, then the next operation starts from the stored credentials.
    saveCredentials: async (next) => {
      saved.push(next);
      ctx.credentials = next;
    },
    now: clock.now,
    timeoutMs: 2000,
  };
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await outer.request(`/base${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  /** API calls recorded by the sim since `from` (index into the call log). */
  const calls = (from = 0) => sim.state.calls.slice(from).map((c) => `${c.method} ${c.path.replace("/base", "")} ${c.status}`);
  return { sim, ctx, saved, clock, control, calls };
}
