// XML in and out for the simulator. Requests (orderList / orderInfo) are tiny flat documents,
// read by tag name; responses are written with the same element names Yahoo uses.

export const XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>';

export function esc(s: string | number | boolean): string {
  return String(s)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

function unesc(s: string): string {
  return s
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&#(\d+);/g, (_, d: string) => String.fromCodePoint(Number(d)))
    .replace(/&amp;/g, "&");
}

/** Text of the first <name>…</name> in a request body (undefined when absent). */
export function tag(xml: string, name: string): string | undefined {
  const m = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`).exec(xml);
  if (m) return unesc(m[1].trim());
  return new RegExp(`<${name}(?:\\s[^>]*)?/>`).test(xml) ? "" : undefined;
}

/** `<name>value</name>` for each entry (undefined values are skipped). */
export function elements(fields: Record<string, string | number | boolean | undefined | null>): string {
  let out = "";
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined || v === null) continue;
    out += `<${k}>${esc(v)}</${k}>`;
  }
  return out;
}

export function resultSet(count: number, inner: string): string {
  return (
    `${XML_DECL}\n<ResultSet totalResultsAvailable="${count}" totalResultsReturned="${count}" ` +
    `firstResultPosition="1">${inner}</ResultSet>`
  );
}

export function errorXml(code: string | null, message: string): string {
  return `${XML_DECL}\n<Error>${elements({ Message: message, Code: code ?? undefined })}</Error>`;
}

/** ISO 8601 with the JST offset, the way order and stock times are shown. */
export function isoJst(ms: number): string {
  const d = new Date(ms + 9 * 3_600_000);
  return d.toISOString().slice(0, 19) + "+09:00";
}

/** `YYYYMMDDhhmmss` (JST) → epoch ms, or null. */
export function parseCompactJst(s: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(s.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m.map(Number);
  return Date.UTC(y, mo - 1, d, h, mi, se) - 9 * 3_600_000;
}

export function xml(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "Content-Type": "text/xml; charset=UTF-8" } });
}

export const badRequest = (code: string, message: string) => xml(errorXml(code, message), 400);

/** seller_id / SellerId must name the token's own store. */
export function sellerError(given: string | undefined | null, tokenSeller: string): Response | null {
  if (!given) return badRequest("ed-00003", "ストアアカウントが指定されていません。");
  if (given !== tokenSeller) return badRequest("ed-00005", "ストアアカウントの指定が不正です。");
  return null;
}

/** The request body as UTF-8 text (read as bytes: workerd warns on .text() of form bodies). */
export async function bodyText(req: Request): Promise<string> {
  return new TextDecoder().decode(await req.arrayBuffer());
}
