// RMS speaks Japan time: order APIs use "yyyy-MM-ddTHH:mm:ss+0900", inventory rows ISO 8601
// with "+09:00", and the licence expiry date has no offset at all (JST implied) [code].

const JST_MS = 9 * 3600_000;
const pad = (n: number) => String(n).padStart(2, "0");

/** epoch ms → "yyyy-MM-ddTHH:mm:ss+0900" (seconds precision, as searchOrder requires). */
export function toRmsDatetime(ms: number): string {
  const d = new Date(ms + JST_MS);
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}` +
    `T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}+0900`
  );
}

const DATETIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,6})?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/** Parses any RMS date/time string to epoch ms; a string without offset is JST. NaN if unreadable. */
export function parseRmsDatetime(raw: string): number {
  const m = DATETIME.exec(raw.trim());
  if (!m) return Number.NaN;
  const [, y, mo, d, hh, mi, ss, tz] = m;
  // A bare date ("2026-11-28") means the end of that day, like the expiry date's 23:59:59.
  const time = hh === undefined ? "23:59:59" : `${hh}:${mi}:${ss ?? "00"}`;
  let offset = "+09:00";
  if (tz) offset = tz.toUpperCase() === "Z" ? "+00:00" : tz.includes(":") ? tz : `${tz.slice(0, 3)}:${tz.slice(3)}`;
  return Date.parse(`${y}-${mo}-${d}T${time}${offset}`);
}
