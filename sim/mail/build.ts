import Encoding from "encoding-japanese";

// Builds RFC 5322 messages the way Japanese carts send them: the subject as RFC 2047 encoded-words
// in the body's charset, and the body in UTF-8 (base64), ISO-2022-JP (7bit, the old mail standard
// in Japan) or Shift_JIS (8bit, as some older systems still send). Encoding to the Japanese
// charsets is encoding-japanese's job (TextEncoder only writes UTF-8).

export type MailCharset = "utf-8" | "iso-2022-jp" | "shift_jis";

export interface MailPart {
  type: "text/plain" | "text/html";
  body: string;
}

export interface MessageSpec {
  from: string;
  to: string;
  subject: string;
  date: Date;
  messageId: string;
  charset: MailCharset;
  /** One part, or text and HTML as multipart/alternative. */
  parts: MailPart[];
  extraHeaders?: [string, string][];
}

const CRLF = "\r\n";

function bytesOf(text: string, charset: MailCharset): Uint8Array {
  if (charset === "utf-8") return new TextEncoder().encode(text);
  const to = charset === "iso-2022-jp" ? "JIS" : "SJIS";
  return Uint8Array.from(Encoding.convert(Encoding.stringToCode(text), { to, from: "UNICODE" }));
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString("base64");
const wrap = (s: string, n = 76) => s.match(new RegExp(`.{1,${n}}`, "g"))?.join(CRLF) ?? "";

/** RFC 2047 B-encoded words of at most ~75 characters, each a whole run of characters (and, in ISO-2022-JP, back in ASCII at its end). */
export function encodeHeader(text: string, charset: MailCharset): string {
  if (/^[\x20-\x7e]*$/.test(text)) return text;
  const label = charset === "utf-8" ? "UTF-8" : charset === "iso-2022-jp" ? "ISO-2022-JP" : "Shift_JIS";
  const chars = [...text];
  const words: string[] = [];
  for (let i = 0; i < chars.length; i += 12) words.push(`=?${label}?B?${b64(bytesOf(chars.slice(i, i + 12).join(""), charset))}?=`);
  return words.join(`${CRLF} `);
}

function part(p: MailPart, charset: MailCharset): { headers: string; body: Uint8Array } {
  const bytes = bytesOf(p.body.replace(/\r?\n/g, CRLF), charset);
  const ct = `Content-Type: ${p.type}; charset=${charset === "shift_jis" ? "Shift_JIS" : charset === "iso-2022-jp" ? "ISO-2022-JP" : "UTF-8"}`;
  if (charset === "utf-8") return { headers: `${ct}${CRLF}Content-Transfer-Encoding: base64`, body: new TextEncoder().encode(wrap(b64(bytes))) };
  return { headers: `${ct}${CRLF}Content-Transfer-Encoding: ${charset === "iso-2022-jp" ? "7bit" : "8bit"}`, body: bytes };
}

function concat(chunks: (string | Uint8Array)[]): Uint8Array {
  const parts = chunks.map((c) => (typeof c === "string" ? new TextEncoder().encode(c) : c));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The raw message: headers in ASCII, the body bytes in its charset. */
export function buildMessage(m: MessageSpec): Uint8Array {
  const head = [
    `From: ${m.from}`,
    `To: ${m.to}`,
    `Subject: ${encodeHeader(m.subject, m.charset)}`,
    `Date: ${m.date.toUTCString().replace("GMT", "+0000")}`,
    `Message-ID: <${m.messageId}>`,
    "MIME-Version: 1.0",
    ...(m.extraHeaders ?? []).map(([k, v]) => `${k}: ${v}`),
  ].join(CRLF);
  if (m.parts.length === 1) {
    const p = part(m.parts[0], m.charset);
    return concat([head, CRLF, p.headers, CRLF, CRLF, p.body, CRLF]);
  }
  const boundary = `=_kura_sim_${m.messageId.replace(/[^A-Za-z0-9]/g, "").slice(0, 24)}`;
  const chunks: (string | Uint8Array)[] = [head, CRLF, `Content-Type: multipart/alternative; boundary="${boundary}"`, CRLF, CRLF, "This is a multi-part message in MIME format.", CRLF];
  for (const p of m.parts) {
    const built = part(p, m.charset);
    chunks.push(`--${boundary}`, CRLF, built.headers, CRLF, CRLF, built.body, CRLF);
  }
  chunks.push(`--${boundary}--`, CRLF);
  return concat(chunks);
}
