import PostalMime from "postal-mime";

// The MIME side of an order mail, through postal-mime (a well-kept parser: multipart, RFC 2047
// subjects, quoted-printable/base64, and ISO-2022-JP or Shift_JIS bodies through the runtime's
// TextDecoder). Kura reads the text/plain part; a mail with HTML only is read from postal-mime's
// own HTML-to-text conversion, or failing that from the HTML with its tags stripped.

export interface MailContent {
  subject: string;
  messageId: string | null;
  text: string;
}

export async function readMail(raw: Uint8Array | ArrayBuffer): Promise<MailContent> {
  const email = await PostalMime.parse(raw);
  const text = email.text?.trim() ? email.text : email.html ? stripHtml(email.html) : "";
  return { subject: email.subject ?? "", messageId: email.messageId ?? null, text };
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };

/** Block ends become line ends, cells a space; tags and the contents of style/script go. */
export function stripHtml(html: string): string {
  return html
    .replace(/<(style|script)\b[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>|<\/(p|div|tr|li|h\d|table)>/gi, "\n")
    .replace(/<\/t[dh]>/gi, " ")
    .replace(/<[^>]+>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) =>
      e[0] === "#" ? String.fromCodePoint(e[1].toLowerCase() === "x" ? parseInt(e.slice(2), 16) : Number(e.slice(1))) : (ENTITIES[e.toLowerCase()] ?? m),
    );
}
