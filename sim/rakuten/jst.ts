// Japan-time strings as RMS writes them. Kept separate from the adapter on purpose: the
// simulator is built from the API documentation, not from the code it tests.

const pad = (n: number, w = 2) => String(n).padStart(w, "0");
const jst = (ms: number) => new Date(ms + 9 * 3600_000);

/** Order API style: 2026-08-01T12:34:56+0900 */
export function orderTime(ms: number): string {
  const d = jst(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+0900`;
}

/** Inventory API style: ISO 8601 with +09:00. */
export function isoJst(ms: number): string {
  return orderTime(ms).replace(/\+0900$/, "+09:00");
}

/** License expiry style: no offset, JST implied ("2026-11-28T23:59:59"). */
export function naiveJst(ms: number): string {
  return orderTime(ms).replace(/\+0900$/, "");
}

/** yyyyMMdd in JST, for order numbers. */
export function ymd(ms: number): string {
  const d = jst(ms);
  return `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}`;
}

/** Parses "yyyy-MM-ddTHH:mm:ss+0900" strictly (the only form searchOrder accepts); NaN otherwise. */
export function parseOrderTime(s: unknown): number {
  if (typeof s !== "string" || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+0900$/.test(s)) return Number.NaN;
  return Date.parse(s.replace(/\+0900$/, "+09:00"));
}

/** 23:59:59 JST of the day `days` after `ms` (how RMS states a licence expiry). */
export function endOfJstDay(ms: number, days: number): number {
  const d = jst(ms + days * 86_400_000);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate(), 23, 59, 59) - 9 * 3600_000;
}
