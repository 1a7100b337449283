import { type CartTable, cartBySubject } from "./carts";

// The one engine every cart's row (carts.ts) is read by: pure functions of the mail's subject and
// text, no bindings in sight. A mail either yields an order number and at least one item with a
// code and a quantity, or a reason a merchant can act on; it never yields half an order.

export interface MailLine {
  lineId: string;
  code: string;
  quantity: number;
}

export type ParsedOrder = { ok: true; cart: CartTable; orderId: string; lines: MailLine[] } | { ok: false; cart: CartTable | null; reason: string };

/** Units beyond this on one line are a misread (a price, a postcode), not an order. */
const MAX_UNITS = 100_000;

/**
 * Text as the tables expect it: NFKC (full-width digits, letters and "：" become ASCII), LF line
 * ends, and the quote markers a forwarding client may put before every line ("> ") removed.
 */
export function normaliseText(text: string): string {
  return text
    .normalize("NFKC")
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((l) => l.replace(/^(?:\s*>)+ ?/, ""))
    .join("\n");
}

/**
 * The cart: by the mail's subject, else — a forward whose subject the merchant's client rewrote —
 * by the Subject / 件名 line of the forwarded header block in the body.
 */
export function recogniseCart(subject: string, text: string): CartTable | null {
  const bySubject = cartBySubject(subject);
  if (bySubject) return bySubject;
  for (const m of normaliseText(text).matchAll(/^\s*(?:Subject|件名)\s*:\s*(.+)$/gim)) {
    const found = cartBySubject(m[1]);
    if (found) return found;
  }
  return null;
}

const firstCapture = (patterns: RegExp[], s: string) => {
  for (const p of patterns) {
    const m = p.exec(s);
    if (m?.[1]) return m[1];
  }
  return null;
};

/** Reads the order of one cart's mail body with that cart's table. */
export function readOrder(cart: CartTable, text: string): ParsedOrder {
  const lines = normaliseText(text).split("\n");
  let orderId: string | null = null;
  for (const l of lines) if ((orderId = firstCapture(cart.orderId, l))) break;
  if (!orderId) return { ok: false, cart, reason: "注文番号が見つかりません (no order number)" };

  const items: { code: string; quantity: number | null }[] = [];
  for (const l of lines) {
    const code = firstCapture(cart.code, l);
    if (code) items.push({ code, quantity: null });
    const current = items[items.length - 1];
    if (!current) continue;
    const option = cart.option && firstCapture(cart.option, l);
    if (option) current.code = option;
    const qty = current.quantity === null ? firstCapture(cart.quantity, l) : null;
    if (qty !== null) current.quantity = Number(qty);
  }
  if (items.length === 0) return { ok: false, cart, reason: "商品コードが見つかりません (no item code)" };
  const missing = items.findIndex((i) => i.quantity === null);
  if (missing >= 0) return { ok: false, cart, reason: `${missing + 1}行目 (${items[missing].code}) の数量が見つかりません (no quantity)` };
  const bad = items.findIndex((i) => !(i.quantity! >= 1 && i.quantity! <= MAX_UNITS));
  if (bad >= 0) return { ok: false, cart, reason: `${bad + 1}行目 (${items[bad].code}) の数量 ${items[bad].quantity} は読めません (quantity out of range)` };
  return { ok: true, cart, orderId, lines: items.map((i, n) => ({ lineId: String(n + 1), code: i.code, quantity: i.quantity! })) };
}

/** Recognises the cart and reads its order: what the email() handler and a retry both run. */
export function parseOrderMail(subject: string, text: string): ParsedOrder {
  const cart = recogniseCart(subject, text);
  if (!cart) return { ok: false, cart: null, reason: "件名からモールを判別できません (subject names no supported cart)" };
  return readOrder(cart, text);
}
