import type { Db } from "../env";
import { accountByInboundToken, getSettings } from "../db/queries/accounts";
import { type InboundMail, insertInboundMail, type NewInboundMail, shopsOfKind, updateInboundMail } from "../db/queries/inbound-mail";
import { type Shop, updateShop } from "../db/queries/shops";
import { fromBase64, toBase64 } from "../lib/crypto";
import { MAIL_CART_LABELS } from "../malls/mail-cart";
import type { MailCartKind } from "../malls/types";
import { takeInLines } from "../sync/intake";
import { parseInboundAddress } from "./address";
import { readMail } from "./message";
import { parseOrderMail } from "./parse";

// Order mails from the seven carts without an order API (MALLS.md §7): the email() handler finds
// the account by the recipient address, reads the MIME (message.ts), recognises the cart and reads
// the order (parse.ts), and takes the lines in through the one intake (src/sync/intake.ts) with
// the key shop + order number + line, so a mail forwarded twice is one sale. Every mail for an
// account is kept in inbound_mail with its outcome; one that could not be taken in keeps its raw
// message (capped) and can be retried after a fix (a shop created, a layout fixed).

/** Raw bytes kept for a mail that was not taken in (D1 rows stay far below their 2 MB limit). */
export const INBOUND_RAW_CAP = 256 * 1024;
/** Order mails are a few KiB; anything this large is not read at all (it is kept, capped). */
export const INBOUND_PARSE_LIMIT = 1024 * 1024;

export interface IncomingMail {
  from: string;
  to: string;
  raw: Uint8Array;
}

export type ReceiveResult = { rejected: string } | { mail: InboundMail };

/** Everything the email() handler does after reading the stream; `rejected` is for setReject. */
export async function receiveMail(env: Env, db: Db, m: IncomingMail): Promise<ReceiveResult> {
  const target = parseInboundAddress(m.to, env.INBOUND_EMAIL_DOMAIN);
  const account = target && (await accountByInboundToken(db, target.token));
  if (!target || !account) return { rejected: `5.1.1 ${m.to}: no Kura account receives order mail at this address` };
  const outcome = await takeInMail(env, db, account.id, m.raw, target.shopId);
  const row = await insertInboundMail(db, account.id, { receivedAt: Date.now(), envelopeFrom: m.from.slice(0, 320), envelopeTo: m.to.slice(0, 320), rawSize: m.raw.byteLength, ...outcome });
  return { mail: row };
}

/** Parses an unparsed or held mail again from its kept raw message (POST /mail/{id}/retry). */
export async function retryMail(env: Env, db: Db, accountId: number, mail: InboundMail): Promise<InboundMail> {
  const raw = fromBase64(mail.raw ?? "");
  const target = parseInboundAddress(mail.envelopeTo, undefined);
  const outcome = await takeInMail(env, db, accountId, raw, target?.shopId ?? null, mail.rawTruncated);
  return (await updateInboundMail(db, accountId, mail.id, { ...outcome, retriedAt: Date.now() }))!;
}

type Outcome = Pick<NewInboundMail, "messageId" | "subject" | "cart" | "shopId" | "orderId" | "outcome" | "reason" | "lines" | "raw" | "rawTruncated">;

async function takeInMail(env: Env, db: Db, accountId: number, raw: Uint8Array, shopHint: number | null, truncated = raw.byteLength > INBOUND_RAW_CAP): Promise<Outcome> {
  const keep = { raw: toBase64(raw.subarray(0, INBOUND_RAW_CAP)), rawTruncated: truncated };
  const none = { messageId: null, subject: null, cart: null, shopId: null, orderId: null, lines: [] };
  if (raw.byteLength > INBOUND_PARSE_LIMIT) return { ...none, ...keep, outcome: "unparsed", reason: `メールが大きすぎます (${raw.byteLength} bytes; order mails are read up to ${INBOUND_PARSE_LIMIT})` };
  let content;
  try {
    content = await readMail(raw);
  } catch (err) {
    return { ...none, ...keep, outcome: "unparsed", reason: `MIMEを解析できません (${err instanceof Error ? err.message : String(err)})`.slice(0, 500) };
  }
  const head = { messageId: content.messageId?.slice(0, 300) ?? null, subject: content.subject.slice(0, 300) };
  const parsed = parseOrderMail(content.subject, content.text);
  if (!parsed.ok) return { ...none, ...head, ...keep, cart: parsed.cart?.kind ?? null, outcome: "unparsed", reason: parsed.reason };
  const kind = parsed.cart.kind;
  const read = { ...head, cart: kind, orderId: parsed.orderId.slice(0, 100), lines: parsed.lines.map((l) => ({ ...l, result: "pending" })) };

  const shop = await pickShop(db, accountId, kind, shopHint);
  if (typeof shop === "string") return { ...read, ...keep, shopId: null, outcome: "held", reason: shop };
  const settings = await getSettings(db, accountId);
  const off = settings && !settings.syncEnabled ? "在庫連動が停止中のため取り込んでいません (sync is off)" : !shop.importEnabled ? "このショップの取込みがオフのため取り込んでいません (取込み is off)" : null;
  if (off) return { ...read, ...keep, shopId: shop.id, outcome: "held", reason: off };

  const results = await takeInLines(
    env,
    db,
    accountId,
    { key: `shop:${shop.id}`, label: String(shop.id), shopId: shop.id, cancelPolicy: shop.cancelPolicy, defaultRule: (code) => code },
    parsed.lines.map((l) => ({ orderId: parsed.orderId, lineId: l.lineId, code: l.code, quantity: l.quantity, kind: "sale" as const })),
  );
  // The status a mail shop shows: when its last order mail was taken in.
  await updateShop(db, accountId, shop.id, { lastImportAt: Date.now() });
  const unknown = results.filter((r) => r.result === "unknown_code").length;
  const outcome = unknown ? "unknown_code" : results.every((r) => r.result === "duplicate") ? "duplicate" : "applied";
  return {
    ...read,
    shopId: shop.id,
    lines: parsed.lines.map((l, i) => ({ ...l, result: results[i].result })),
    outcome,
    reason: unknown ? `${unknown}行の商品コードが未登録です (未登録コード: 商品を登録するか別品番を紐づけてください)` : null,
    raw: null,
    rawTruncated: false,
  };
}

/** The shop a mail of `kind` goes to: the one its address names (+shopId), else the oldest of that kind. */
async function pickShop(db: Db, accountId: number, kind: MailCartKind, hint: number | null): Promise<Shop | string> {
  const list = await shopsOfKind(db, accountId, kind);
  const label = MAIL_CART_LABELS[kind];
  if (hint !== null) {
    return list.find((s) => s.id === hint) ?? `宛先のショップ (+${hint}) は ${label} のショップではありません (the address names no ${kind} shop ${hint})`;
  }
  return list[0] ?? `${label} のショップがありません。モール設定で追加してから再取込みしてください (no ${kind} shop)`;
}
