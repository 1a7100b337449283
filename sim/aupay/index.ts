import { Hono, type Context } from "hono";
import type { AupayCredentials } from "../../src/malls/aupay";
import { apiRoutes, ERR, refused } from "./api";
import { logCalls } from "../shared/control";
import { controlRoutes } from "./control";
import { API_KEY, AupaySimState, SHOP_ID, type AupaySimOptions, type Fault } from "./state";
import { failed, xml } from "./xml";

// au PAY マーケット simulator: the Wow!manager API methods at <mount>/{method} (the real base is
// https://api.manager.wowma.jp/wmshopapi) plus the uniform /__sim control API. Codes are
// `itemCode` (通常在庫) or `itemCode:横軸:縦軸` with "-" for an absent axis (選択肢別在庫).

export { AupaySimState } from "./state";
export type { AupaySimOptions, CancelStyle, DateFormat, AuthStyle } from "./state";

/** Credentials a fresh simulator accepts: its key was issued when the simulator (re)started. */
export function demoCredentials(issuedAt = Date.now()): AupayCredentials {
  return { shopId: SHOP_ID, apiKey: API_KEY, apiKeyIssuedAt: issuedAt };
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}

function faultResponse(state: AupaySimState, fault: Fault): Response {
  switch (fault.type) {
    case "expired":
      return refused(state, ERR.keyExpired, 401);
    case "auth":
      return refused(state, ERR.badKey, 401);
    case "429":
      // [verify] au PAY's throttle answer is not documented: modelled as 429 + Retry-After.
      return new Response(null, { status: 429, headers: { "Retry-After": "1" } });
    default:
      return xml("<html><body>503 Service Temporarily Unavailable</body></html>", 503);
  }
}

export function createAupaySim(opts: AupaySimOptions = {}): { app: Hono; state: AupaySimState } {
  const state = new AupaySimState(opts);
  const app = new Hono();
  app.onError((err, c: Context) => {
    const name = (err as { name?: string }).name;
    if (name === "AbortError" || name === "TimeoutError") throw err;
    return c.text("simulator error", 500);
  });
  app.route("/", controlRoutes(state));
  // Every API call is logged with its answer; an injected fault answers instead of the API.
  const logged = logCalls(
    () => state.calls,
    async (c) => {
      const fault = state.takeFault();
      if (!fault) return null;
      if (fault.type === "slow") {
        await wait(fault.delayMs ?? 1000, c.req.raw.signal);
        return null;
      }
      if (fault.type === "timeout") {
        await wait(fault.delayMs ?? 60_000, c.req.raw.signal);
        return failed("PMZ0504", "Gateway Timeout", 504);
      }
      return faultResponse(state, fault);
    },
  );
  app.use("*", (c, next) => (/\/__sim(\/|$)/.test(c.req.path) ? next() : logged(c, next)));
  app.route("/", apiRoutes(state));
  return { app, state };
}
