import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { type AmazonSimState, PLANS, type SimOperation } from "./state";

// Response shapes shared by the simulated SP-API sections: ErrorList bodies, the
// x-amzn-RequestId / x-amzn-RateLimit-Limit headers, and the auth / role / usage-plan guard.

const requestId = () => crypto.randomUUID();

export function spError(c: Context, status: number, code: string, message: string, details?: string) {
  return c.json(
    { errors: [{ code, message, ...(details !== undefined ? { details } : {}) }] },
    status as ContentfulStatusCode,
    { "x-amzn-RequestId": requestId() },
  );
}

export function spJson(c: Context, body: unknown, op: SimOperation, status = 200) {
  return c.json(body, status as ContentfulStatusCode, {
    "x-amzn-RequestId": requestId(),
    "x-amzn-RateLimit-Limit": String(PLANS[op][0]),
  });
}

export const invalidInput = (c: Context, message: string) => spError(c, 400, "InvalidInput", message);

const DENIED = "Access to requested resource is denied.";

/** The checks every SP-API operation makes before doing anything: token, role, seller, plan. */
export function guard(
  state: AmazonSimState,
  c: Context,
  op: SimOperation,
  role: "listings" | "orders",
  sellerId?: string,
): Response | null {
  const token = c.req.header("x-amz-access-token");
  const exp = token ? state.tokens.get(token) : undefined;
  if (exp === undefined) return spError(c, 403, "Unauthorized", DENIED, "The access token you provided is revoked, malformed or invalid.");
  if (exp <= state.now()) return spError(c, 403, "Unauthorized", DENIED, "The access token you provided has expired.");
  if (!state.roles[role]) return spError(c, 403, "Unauthorized", DENIED, "The application is not authorized for this operation (missing role).");
  if (sellerId !== undefined && sellerId !== state.sellerId) return spError(c, 403, "Unauthorized", DENIED, "");
  if (!state.takeToken(op)) {
    // Over the usage plan: Amazon's ErrorList body, and the plan's rate echoed as on every answer.
    c.header("x-amzn-RateLimit-Limit", String(PLANS[op][0]));
    return spError(c, 429, "QuotaExceeded", "You exceeded your quota for the requested resource.");
  }
  return null;
}

/** Comma-separated (Swagger `csv`) array query parameter. */
export function csv(c: Context, name: string): string[] | undefined {
  const v = c.req.query(name);
  return v === undefined ? undefined : v.split(",").filter(Boolean);
}

/** The path below wherever the sim app is mounted (e.g. "/amazon/listings/…" → "/listings/…"). */
export function relPath(path: string): string {
  const m = path.match(/\/(listings|feeds|orders|auth|__storage|__sim)(\/|$)/);
  return m?.index !== undefined ? path.slice(m.index) : path;
}

/** Absolute URL prefix the sim is reachable at, for URLs it hands out (pre-signed documents). */
export function publicBase(c: Context): string {
  const url = new URL(c.req.url);
  const rel = relPath(url.pathname);
  return url.origin + url.pathname.slice(0, url.pathname.length - rel.length);
}

/** Applies one injected fault; null = go on and answer normally (after a "slow" delay). */
export async function applyFault(
  c: Context,
  f: { type: string; delayMs?: number },
  isLwa: boolean,
): Promise<Response | null> {
  switch (f.type) {
    case "5xx":
      return spError(c, 503, "ServiceUnavailable", "Service temporarily unavailable. Please try again.");
    case "429":
      return spError(c, 429, "QuotaExceeded", "You exceeded your quota for the requested resource.");
    case "auth":
      return isLwa
        ? c.json({ error: "invalid_client", error_description: "Client authentication failed" }, 401)
        : spError(c, 403, "Unauthorized", DENIED, "");
    case "expired":
      // [verify] wording of LWA's answer to an expired (un-rotated) client secret.
      return isLwa
        ? c.json({ error: "invalid_client", error_description: "The client secret has expired" }, 401)
        : spError(c, 403, "Unauthorized", DENIED, "The access token you provided has expired.");
    case "slow":
      await new Promise((r) => setTimeout(r, f.delayMs ?? 2000));
      return null;
    case "timeout": {
      const signal = c.req.raw.signal;
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, f.delayMs ?? 30_000);
        signal?.addEventListener("abort", () => {
          clearTimeout(t);
          resolve();
        });
      });
      return spError(c, 504, "GatewayTimeout", "The request timed out.");
    }
  }
  return null;
}
