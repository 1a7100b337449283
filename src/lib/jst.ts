// Japan Standard Time has no daylight saving: a fixed +09:00. Merchants think in JST days, so
// every date a page shows or takes is a JST date, whatever the server's clock zone.

const OFFSET_MS = 9 * 3_600_000;
export const DAY_MS = 86_400_000;

/** Midnight JST of a "YYYY-MM-DD" date, as epoch ms; undefined when the text is not such a date. */
export function jstDayStart(date: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  // Date.UTC rolls 2026-02-31 over into March: such a date is not a date.
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== date) return undefined;
  return ms - OFFSET_MS;
}

/** The JST date of an instant, "YYYY-MM-DD". */
export function jstDate(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 10);
}

/** An instant as JST wall time, "YYYY-MM-DD HH:MM:SS". */
export function jstTime(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(0, 19).replace("T", " ");
}

/** The JST hour "HH" of an instant. */
export function jstHour(ms: number): string {
  return new Date(ms + OFFSET_MS).toISOString().slice(11, 13);
}
