// XML out for the au PAY simulator: `<response><result><status/>…</result>…</response>` like the
// Wow!manager API. Requests are read with Kura's own reader (src/malls/xml.ts).

export const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';

export function esc(s: string | number): string {
  return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** `<name>value</name>` for each entry (undefined/null skipped). */
export function elements(fields: Record<string, string | number | undefined | null>): string {
  let out = "";
  for (const [k, v] of Object.entries(fields)) if (v !== undefined && v !== null) out += `<${k}>${esc(v)}</${k}>`;
  return out;
}

export interface SimErrorItem {
  code: string;
  message: string;
}

export function errorsXml(errors: SimErrorItem[]): string {
  return errors.map((e) => `<error>${elements({ code: e.code, message: e.message })}</error>`).join("");
}

/** A whole answer: status 0 (OK) or 1 (failed, with errors), then the payload. */
export function responseXml(status: 0 | 1, payload = "", errors: SimErrorItem[] = []): string {
  return `${XML_DECL}\n<response><result><status>${status}</status>${errorsXml(errors)}</result>${payload}</response>`;
}

export function xml(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "Content-Type": "application/xml; charset=utf-8" } });
}

/** Logical errors come back as HTTP 200 with <status>1</status> (MALLS-MORE.md §1). */
export const failed = (code: string, message: string, status = 200) => xml(responseXml(1, "", [{ code, message }]), status);

const JST_MS = 9 * 3_600_000;

/** "YYYY/MM/DD HH:MM" in JST, the orderDate format the public clients read. */
export function jstMinute(ms: number): string {
  const d = new Date(ms + JST_MS).toISOString();
  return `${d.slice(0, 10).replaceAll("-", "/")} ${d.slice(11, 16)}`;
}

/** The JST calendar day of `ms` as YYYYMMDD (for comparing days). */
export function jstDayKey(ms: number): string {
  return new Date(ms + JST_MS).toISOString().slice(0, 10).replaceAll("-", "");
}
