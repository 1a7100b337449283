import { createRoute, z } from "@hono/zod-openapi";
import { getInboundMail, type InboundMail, listInboundMail } from "../../db/queries/inbound-mail";
import { operationInsert } from "../../db/queries/logs";
import { conflict, notFound } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { retryMail } from "../../mail/intake";
import { idParam } from "../../schemas/api";
import { cursorId, idPage } from "./cursor";
import { API_TOKEN, json, problems } from "./openapi-kit";

// Order mails received at the account's inbound address (src/mail/), newest first, each with what
// became of it; one that was not taken in (unparsed, or held: no shop of its cart, 取込み off) is
// parsed again from its kept raw message by a retry.

export const mailApi = apiRouter();

const tags = ["mail"];
const OUTCOMES = ["applied", "duplicate", "unknown_code", "unparsed", "held"] as const;

const mailOut = z
  .object({
    id: z.number(),
    receivedAt: z.string(),
    from: z.string().describe("Envelope sender (the merchant's mailbox when forwarded)"),
    to: z.string(),
    subject: z.string().nullable(),
    messageId: z.string().nullable(),
    cart: z.string().nullable().describe("The cart recognised by the subject (a shop kind), null when none was"),
    shopId: z.number().nullable(),
    orderId: z.string().nullable(),
    outcome: z.enum(OUTCOMES).describe("applied; duplicate (every line was taken in before); unknown_code (未登録コード); unparsed; held (read, not taken in: see reason)"),
    reason: z.string().nullable(),
    lines: z.array(z.object({ lineId: z.string(), code: z.string(), quantity: z.number(), result: z.string() })),
    rawSize: z.number().describe("Bytes received"),
    rawKept: z.boolean().describe("Whether the raw message is kept for a retry (unparsed and held mails only)"),
    rawTruncated: z.boolean(),
    retriedAt: z.string().nullable(),
  })
  .openapi("InboundMail");

const listQuery = z.object({
  outcome: z.enum(OUTCOMES).optional(),
  cursor: z.string().max(500).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

const listRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN,
  summary: "Order mails received at the account's inbound address, newest first, with their outcome",
  request: { query: listQuery },
  responses: { 200: json(z.object({ items: z.array(mailOut), nextCursor: z.string().nullable() })), ...problems(400, 401) },
});

const retryRoute = createRoute({
  method: "post", path: "/{id}/retry", tags, security: API_TOKEN,
  summary: "Parse an unparsed or held mail again from its kept raw message and take it in",
  request: { params: z.object({ id: idParam() }) },
  responses: { 200: json(mailOut), ...problems(401, 403, 404, 409) },
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const inboundMailOut = (m: InboundMail): z.infer<typeof mailOut> => ({
  id: m.id,
  receivedAt: iso(m.receivedAt)!,
  from: m.envelopeFrom,
  to: m.envelopeTo,
  subject: m.subject,
  messageId: m.messageId,
  cart: m.cart,
  shopId: m.shopId,
  orderId: m.orderId,
  outcome: m.outcome,
  reason: m.reason,
  lines: m.lines,
  rawSize: m.rawSize,
  rawKept: m.raw !== null,
  rawTruncated: m.rawTruncated,
  retriedAt: iso(m.retriedAt),
});

mailApi.openapi(listRoute, async (c) => {
  const q = c.req.valid("query");
  const before = cursorId(q.cursor);
  const rows = await listInboundMail(c.get("db"), c.get("principal").accountId, {
    outcome: q.outcome,
    beforeId: before,
    limit: q.limit + 1,
  });
  return c.json(idPage(rows, q.limit, inboundMailOut), 200);
});

mailApi.openapi(retryRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const id = c.req.valid("param").id;
  const mail = await getInboundMail(db, accountId, Number(id));
  if (!mail) throw notFound(`mail ${id} does not exist`);
  if (mail.outcome !== "unparsed" && mail.outcome !== "held") throw conflict(`mail ${id} was taken in already (${mail.outcome}); only unparsed or held mails are retried`);
  if (mail.raw === null) throw conflict(`mail ${id} has no raw message kept`);
  const after = await retryMail(c.env, db, accountId, mail);
  await operationInsert(db, accountId, { actor, action: "mail.retry", target: `mail:${mail.id}`, before: { outcome: mail.outcome, reason: mail.reason }, after: { outcome: after.outcome, reason: after.reason, orderId: after.orderId } });
  return c.json(inboundMailOut(after), 200);
});
