import { exports } from "cloudflare:workers";
import { afterAll, beforeAll, expect, onTestFinished } from "vitest";
import type { Client } from "./api";
import { createMallSim, simDemoCredentials, type SimKind } from "../../sim/index";

export const SIM_BASE = "https://sim.test";
/** Kura's public URL in tests: what the simulator delivers webhooks to reaches the Worker under test. */
export const KURA_BASE = "http://kura.test";

/**
 * Routes every outbound fetch to https://sim.test/<kind>/… into the in-process mall simulator
 * (the Worker under test runs in the same isolate as the test, so it sees the same global fetch).
 * A simulator's webhook delivery to http://kura.test/… reaches the Worker under test.
 * Anything else still fails as it would offline.
 */
export function useMallSim() {
  const holder = { sim: createMallSim() };
  const original = globalThis.fetch;
  beforeAll(() => {
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const req = new Request(input as RequestInfo, init);
      const host = new URL(req.url).host;
      if (host === "sim.test") return holder.sim.app.fetch(req);
      if (host === "kura.test") return exports.default.fetch(req);
      return original(req);
    }) as typeof fetch;
  });
  afterAll(() => {
    globalThis.fetch = original;
  });
  return {
    get sims() {
      return holder.sim.sims;
    },
    /** Calls the simulator's uniform control API (/__sim/…) for one mall. */
    async control(kind: SimKind, method: string, path: string, body?: unknown) {
      const res = await holder.sim.app.fetch(
        new Request(`${SIM_BASE}/${kind}/__sim${path}`, {
          method,
          headers: body === undefined ? {} : { "content-type": "application/json" },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      );
      return res.json() as Promise<any>;
    },
    credentials: (kind: SimKind) => structuredClone(simDemoCredentials[kind]) as Record<string, unknown>,
    baseUrl: (kind: SimKind) => `${SIM_BASE}/${kind}`,
    /** What the simulated mall shows for one of its codes now. */
    async shows(kind: SimKind, code: string): Promise<number | undefined> {
      return ((await this.control(kind, "GET", "/listings")).items as { code: string; quantity: number }[]).find((i) => i.code === code)?.quantity;
    },
    /** A fresh simulated mall and a shop of the account on it. */
    async shopOn(c: Client, kind: SimKind, extra: Record<string, unknown> = {}): Promise<{ id: number }> {
      await this.control(kind, "POST", "/reset");
      const res = await c.post("/shops", { kind, name: `${kind} 店`, credentials: this.credentials(kind), baseUrl: this.baseUrl(kind), ...extra });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      forgetAfterTest(c, res.json.id);
      return res.json as { id: number };
    },
  };
}

/**
 * Deletes the shop when the test ends, so that its ShopSync goes quiet: left running, a shop of
 * an earlier test keeps pulling from the same simulated store, and on BASE, whose refresh token
 * rotates at each use, it spends the token the next test's shop was given.
 */
export function forgetAfterTest(c: Client, shopId: number) {
  onTestFinished(async () => {
    await c.del(`/shops/${shopId}`);
  });
}

/**
 * Holds the first outbound request that `match` picks (its URL and body) at the mall's door until
 * `meanwhile` has run: a test makes something happen while a call is on its way. `restore()` puts
 * the previous fetch back; `held()` says whether the request came.
 */
export function holdFirstRequest(match: (url: string, body: string) => boolean, meanwhile: () => Promise<unknown>) {
  const routed = globalThis.fetch;
  let held = false;
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input as RequestInfo, init);
    if (!held && match(req.url, await req.clone().text())) {
      held = true;
      await meanwhile();
    }
    return routed(req);
  }) as typeof fetch;
  return {
    held: () => held,
    restore: () => {
      globalThis.fetch = routed;
    },
  };
}
