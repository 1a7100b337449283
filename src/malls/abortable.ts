import { MallError } from "./types";

/** Rejects when `signal` aborts even if the underlying fetch ignores the signal (a mall client's timeout). */
export function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => (signal.removeEventListener("abort", onAbort), resolve(v)),
      (e) => (signal.removeEventListener("abort", onAbort), reject(e)),
    );
  });
}

/** What a JSON mall API answered: its status, Retry-After header and body (undefined unless JSON). */
export interface JsonAnswer {
  status: number;
  retryAfter: string | null;
  json: unknown;
}

/**
 * One request answered within `ms`, its body read whole and parsed where it is JSON (an edge's
 * HTML error page is not: `json` is undefined then). No answer in time, or none at all, is a
 * transient MallError in the mall's own words (`says`), coded "timeout" or "network".
 */
export async function fetchJsonAnswer(send: typeof fetch, url: string, init: RequestInit, ms: number, says: { timeout: string; network: string }): Promise<JsonAnswer> {
  const signal = AbortSignal.timeout(ms);
  let status: number;
  let retryAfter: string | null;
  let text: string;
  try {
    const res = await abortable(send(url, { ...init, signal }), signal);
    status = res.status;
    retryAfter = res.headers.get("retry-after");
    text = await abortable(res.text(), signal);
  } catch (e) {
    const timedOut = signal.aborted || (e instanceof Error && /timeout|abort/i.test(e.name));
    throw new MallError("transient", timedOut ? says.timeout : says.network, { code: timedOut ? "timeout" : "network" });
  }
  let json: unknown = undefined;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON */
  }
  return { status, retryAfter, json };
}
