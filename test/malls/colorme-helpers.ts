import { Hono } from "hono";
import type { ColormeCredentials } from "../../src/malls/colorme";
import type { MallContext } from "../../src/malls/types";
import { createColormeSim, demoCredentials } from "../../sim/colorme";
import { fetchVia } from "../helpers/sim-fetch";

/** 2026-07-01 12:45:00 JST. */
export const T0 = Date.UTC(2026, 6, 1, 3, 45, 0);

/**
 * A カラーミーショップ sim mounted at https://sim.test/colorme, a controllable clock (sleeps
 * advance it and are recorded) and an adapter context.
 */
export function setupColorme(creds: Partial<ColormeCredentials> = {}) {
  let now = T0;
  const slept: number[] = [];
  const clock = { now: () => now, advance: (ms: number) => void (now += ms) };
  const sim = createColormeSim({ now: clock.now });
  const outer = new Hono().route("/colorme", sim.app);
  const ctx: MallContext<ColormeCredentials> = {
    credentials: { ...demoCredentials, ...creds },
    baseUrl: "https://sim.test/colorme",
    fetch: fetchVia(outer),
    saveCredentials: async () => {
      throw new Error("カラーミー tokens never rotate: nothing to save");
    },
    now: clock.now,
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms);
    },
    timeoutMs: 2000,
  };
  const control = async (method: string, path: string, body?: unknown) => {
    const res = await outer.request(`/colorme${path}`, {
      method,
      headers: { "content-type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as any };
  };
  /** API calls recorded by the sim since `from` (index into the call log). */
  const calls = (from = 0) => sim.state.calls.slice(from).map((c) => `${c.method} ${c.path.replace("/colorme", "")} ${c.status}`);
  return { sim, ctx, clock, control, calls, slept };
}
