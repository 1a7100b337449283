import type { Context, MiddlewareHandler } from "hono";
import type { Permission, RakutenSimState } from "./state";

// What stands in front of every RMS function: injected faults, ESA authentication, permission
// per API family, the per-function rate limit, and the call log.

/** Which RMS function a path belongs to (rate-limit key) and the permission it needs. */
export function functionOf(path: string): { fn: string; permission: Permission } | null {
  if (path.endsWith("/inventories/bulk-upsert")) return { fn: "inventories.bulk.upsert", permission: "inventory" };
  if (path.endsWith("/inventories/bulk-get")) return { fn: "inventories.bulk.get", permission: "inventory" };
  if (/\/order\/searchOrder\/?$/.test(path)) return { fn: "order.searchOrder", permission: "order" };
  if (/\/order\/getOrder\/?$/.test(path)) return { fn: "order.getOrder", permission: "order" };
  if (path.endsWith("/license-management/license-key/expiry-date")) return { fn: "license.expiryDate.get", permission: "license" };
  return null;
}

// RMS answers a wrong key, an expired key and an API not enabled for the app alike:
// HTTP 401 "Un-Authorised" (GA0001 on current gateways; older manuals show ES01-01) [code +
// vendor manuals; the exact JSON envelope is not public — verify].
export const unauthorised = (c: Context) => c.json({ errors: [{ code: "GA0001", message: "Un-Authorised" }] }, 401);

// Over-limit answer: HTTP 429, no Retry-After header known [verify envelope and headers].
export const tooMany = (c: Context) => c.json({ errors: [{ code: "GA0003", message: "Too Many Requests" }] }, 429);

function decodeEsa(header: string | undefined): { secret: string; key: string } | null {
  const m = header ? /^ESA\s+(\S+)$/.exec(header.trim()) : null;
  if (!m) return null;
  try {
    const bin = atob(m[1]);
    const text = new TextDecoder().decode(Uint8Array.from(bin, (ch) => ch.charCodeAt(0)));
    const i = text.indexOf(":");
    return i < 0 ? null : { secret: text.slice(0, i), key: text.slice(i + 1) };
  } catch {
    return null;
  }
}

function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

export function gate(state: RakutenSimState): MiddlewareHandler {
  return async (c, next) => {
    const path = c.req.path;
    if (path.includes("/__sim/")) return next();
    const target = functionOf(path);
    if (!target) {
      await next();
      state.logCall(c.req.method, path, c.res.status);
      return;
    }
    const res = await answer(state, c, target, next);
    state.logCall(c.req.method, path, res?.status ?? c.res.status);
    return res;
  };
}

async function answer(
  state: RakutenSimState,
  c: Context,
  target: { fn: string; permission: Permission },
  next: () => Promise<void>,
): Promise<Response | undefined> {
  const fault = state.takeFault();
  if (fault) {
    switch (fault.type) {
      case "5xx":
        return c.text("Service Unavailable", 503);
      case "429":
        return tooMany(c);
      case "auth":
      case "expired":
        return unauthorised(c);
      case "timeout":
        await wait(fault.delayMs ?? 30_000, c.req.raw.signal);
        return c.text("Gateway Timeout", 504);
      case "slow":
        await wait(fault.delayMs ?? 2_000, undefined);
        break;
    }
  }
  const creds = decodeEsa(c.req.header("Authorization"));
  const own = state.credentials;
  if (!creds || creds.secret !== own.serviceSecret || creds.key !== own.licenseKey) return unauthorised(c);
  if (state.now() > own.expiresAt) return unauthorised(c);
  if (!own.permissions.has(target.permission)) return unauthorised(c);
  if (state.overLimit(target.fn)) return tooMany(c);
  await next();
  return undefined;
}
