/**
 * The seconds a mall asks a client to wait in its Retry-After header (delta-seconds or an HTTP
 * date), rounded up and never below `floor`; undefined when the header is absent or unreadable,
 * so that each client applies the default its mall calls for.
 */
export function retryAfterSec(header: string | null, now: number, floor = 1): number | undefined {
  const v = header?.trim();
  if (!v) return undefined;
  const n = Number(v);
  const sec = Number.isFinite(n) ? n : (Date.parse(v) - now) / 1000;
  return Number.isFinite(sec) ? Math.max(floor, Math.ceil(sec)) : undefined;
}
