import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, isNull, lt } from "drizzle-orm";
import { notifications } from "../../db/schema";
import { notFound } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { idParam } from "../../schemas/api";
import { cursorId, idPage } from "./cursor";
import { API_TOKEN, json, problems } from "./openapi-kit";

// GET /notifications (newest first; `unread=true` for the unread ones) and marking one read.
// Rows are made by src/notify/notifications.ts: one per cause, subject and JST day.

export const notificationsApi = apiRouter();

const tags = ["notifications"];
const item = z
  .object({
    id: z.number().int(),
    cause: z.enum(["low_stock", "negative_stock", "drift", "shop_stopped", "credentials_expiring"]).describe("在庫少 / マイナス在庫 / drift / 停止中 / 認証情報の期限"),
    subject: z.string().describe("What it is about: a master code, a shop id, or shop:code for drift"),
    message: z.object({ ja: z.string(), en: z.string() }),
    createdAt: z.string(),
    readAt: z.string().nullable(),
    emailedAt: z.string().nullable().describe("When it was mailed to the notification addresses; null when none are set or sending failed"),
  })
  .openapi("Notification");

const listRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN,
  summary: "Notifications, newest first",
  request: {
    query: z.object({
      unread: z.enum(["true", "false"]).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(200).optional(),
    }),
  },
  responses: { 200: json(z.object({ items: z.array(item), nextCursor: z.string().nullable() })), ...problems(400, 401) },
});

const readRoute = createRoute({
  method: "post", path: "/{id}/read", tags, security: API_TOKEN,
  summary: "Mark a notification read",
  request: { params: z.object({ id: idParam() }) },
  responses: { 200: json(item), ...problems(401, 403, 404) },
});

type Row = typeof notifications.$inferSelect;
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const out = (n: Row) => ({
  id: n.id, cause: n.cause, subject: n.subject, message: { ja: n.messageJa, en: n.messageEn },
  createdAt: iso(n.createdAt)!, readAt: iso(n.readAt), emailedAt: iso(n.emailedAt),
});

notificationsApi.openapi(listRoute, async (c) => {
  const q = c.req.valid("query");
  const before = cursorId(q.cursor);
  const rows = await c
    .get("db")
    .select()
    .from(notifications)
    .where(
      and(
        eq(notifications.accountId, c.get("principal").accountId),
        q.unread === "true" ? isNull(notifications.readAt) : undefined,
        before !== undefined ? lt(notifications.id, before) : undefined,
      ),
    )
    .orderBy(desc(notifications.id))
    .limit(q.limit + 1)
    .all();
  return c.json(idPage(rows, q.limit, out), 200);
});

notificationsApi.openapi(readRoute, async (c) => {
  const { accountId } = c.get("principal");
  const id = Number(c.req.valid("param").id);
  const db = c.get("db");
  const where = and(eq(notifications.id, id), eq(notifications.accountId, accountId));
  // Read once: a second mark keeps the first time.
  await db.update(notifications).set({ readAt: Date.now() }).where(and(where, isNull(notifications.readAt)));
  const row = await db.select().from(notifications).where(where).get();
  if (!row) throw notFound(`no notification ${id}`);
  return c.json(out(row), 200);
});
