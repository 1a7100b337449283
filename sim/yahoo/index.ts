import { Hono, type Context } from "hono";
import type { YahooCredentials } from "../../src/malls/yahoo";
import { storeApi } from "./api";
import { authorizeDecision, authorizePage, tokenEndpoint } from "./auth";
import { controlApi } from "./control";
import { ageRoute } from "../shared/oauth";
import { DEMO_PUBLIC_KEY_PEM } from "./demo-key";
import {
  CLIENT_ID,
  CLIENT_SECRET,
  KEY_VERSION,
  REFRESH_TOKEN,
  SELLER_ID,
  YahooSimState,
  type Fault,
  type YahooSimOptions,
} from "./state";
import { errorXml, xml } from "./xml";

// Yahoo!ショッピング simulator: the store APIs at /ShoppingWebService/V1/*, the Yahoo! ID連携
// token endpoint at /yconnect/v2/token, and the control API at /__sim/*. Mount it anywhere;
// an adapter pointed at `<mount>` as base URL talks to it exactly as to Yahoo.

export { YahooSimState } from "./state";
export type { YahooSimOptions } from "./state";

/** Credentials a fresh simulator accepts (sign with the simulator's demo public key). */
export const demoCredentials: YahooCredentials = {
  sellerId: SELLER_ID,
  clientId: CLIENT_ID,
  clientSecret: CLIENT_SECRET,
  refreshToken: REFRESH_TOKEN,
  publicKey: DEMO_PUBLIC_KEY_PEM,
  publicKeyVersion: KEY_VERSION,
};

const TOKEN_PATH = "/yconnect/v2/token";

function isAbort(err: unknown): boolean {
  const name = (err as { name?: string } | null)?.name;
  return name === "AbortError" || name === "TimeoutError";
}

/** Waits `ms`, or rejects with the request's abort reason as soon as the caller gives up. */
function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

function faultResponse(c: Context, fault: Fault, isToken: boolean): Response {
  const json = (status: number, error: string, description: string, headers: Record<string, string> = {}) =>
    new Response(JSON.stringify({ error, error_description: description }), {
      status,
      headers: { "Content-Type": "application/json", ...headers },
    });
  switch (fault.type) {
    case "expired":
      return isToken
        ? json(400, "invalid_grant", "refresh token expired")
        : xml(errorXml("px-04102", "AccessToken has been expired. This API session is shorter than another API."), 401);
    case "auth":
      if (isToken) return json(401, "invalid_client", "client authentication failed");
      return new Response(errorXml(null, "Invalid access token."), {
        status: 401,
        headers: { "Content-Type": "text/xml; charset=UTF-8", "WWW-Authenticate": 'Bearer error="invalid_token"' },
      });
    case "429":
      return tooMany(isToken);
    default:
      return isToken
        ? json(500, "server_error", "internal server error")
        : xml(errorXml("ed-00001", "システムエラーが発生しました。"), 500);
  }
}

// [verify] Yahoo's throttle answer: modelled as 429 with Retry-After.
function tooMany(isToken: boolean): Response {
  return new Response(isToken ? '{"error":"too_many_requests"}' : errorXml(null, "Too Many Requests."), {
    status: 429,
    headers: { "Content-Type": isToken ? "application/json" : "text/xml; charset=UTF-8", "Retry-After": "1" },
  });
}

export function createYahooSim(opts: YahooSimOptions = {}): { app: Hono; state: YahooSimState } {
  const state = new YahooSimState(opts);
  const app = new Hono();
  // A request abandoned by its caller (timeout) must not turn into a 500: let the abort through.
  app.onError((err, c) => {
    if (isAbort(err)) throw err;
    return c.text("simulator error", 500);
  });

  app.use("*", async (c, next) => {
    if (/\/__sim(\/|$)/.test(c.req.path)) return next();
    const isToken = c.req.path.endsWith(TOKEN_PATH);
    const call = { method: c.req.method, path: c.req.path };
    try {
      const fault = state.takeFault();
      if (fault?.type === "slow") await wait(fault.delayMs ?? 1000, c.req.raw.signal);
      if (fault?.type === "timeout") {
        await wait(fault.delayMs ?? 60_000, c.req.raw.signal);
        c.res = xml(errorXml("ed-00001", "Gateway Timeout"), 504);
      } else if (fault && fault.type !== "slow") {
        c.res = faultResponse(c, fault, isToken);
      } else if (!isToken && state.overRate(c.req.path.split("/").pop() ?? "")) {
        c.res = tooMany(false);
      } else {
        await next();
      }
    } catch (err) {
      state.record({ ...call, status: 0 });
      throw err;
    }
    state.record({ ...call, status: c.res.status });
  });

  app.post(TOKEN_PATH, (c) => tokenEndpoint(c, state));
  app.get("/yconnect/v2/authorization", (c) => authorizePage(c, state));
  app.post("/yconnect/v2/authorization", (c) => authorizeDecision(c, state));
  app.route("/", ageRoute(state.codes));
  app.route("/", storeApi(state));
  app.route("/__sim", controlApi(state));
  return { app, state };
}
