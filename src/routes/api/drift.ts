import { createRoute, z } from "@hono/zod-openapi";
import { and, desc, eq, isNull, lt } from "drizzle-orm";
import { drift, shops } from "../../db/schema";
import { apiRouter } from "../../lib/validate";
import { DRIFT_CAUSE } from "../../sync/drift";
import { cursorId, idPage } from "./cursor";
import { API_TOKEN, json, problems } from "./openapi-kit";

// GET /drift: listings whose mall showed another figure than the one it should show (found by
// the drift check, src/sync/drift.ts), newest first; `status=open` (default) or `all`.

export const driftApi = apiRouter();

const driftItem = z
  .object({
    id: z.number().int(),
    shopId: z.number().int(),
    shopName: z.string(),
    masterCode: z.string(),
    mallCode: z.string(),
    mallFigure: z.number().int().describe("What the mall showed when read back"),
    kuraFigure: z.number().int().describe("What Kura expected the mall to show (the figure it last sent, moved by the shop's own sales since)"),
    firstSeenAt: z.string(),
    seenAt: z.string(),
    action: z.enum(["report", "fix", "accept"]).describe("What Kura did: report 通知のみ / fix 自動修正 / accept 取り込む"),
    resolvedAt: z.string().nullable().describe("When the mall was found in step again"),
    cause: z.object({ ja: z.string(), en: z.string() }).describe("The likely cause"),
  })
  .openapi("Drift");

const listRoute = createRoute({
  method: "get", path: "/", tags: ["sync"], security: API_TOKEN,
  summary: "Drift: mall figures that differed from what Kura expected, newest first",
  request: {
    query: z.object({
      status: z.enum(["open", "all"]).default("open"),
      shopId: z.string().regex(/^[0-9]{1,15}$/).optional(),
      limit: z.coerce.number().int().min(1).max(200).default(50),
      cursor: z.string().max(200).optional(),
    }),
  },
  responses: { 200: json(z.object({ items: z.array(driftItem), nextCursor: z.string().nullable() })), ...problems(400, 401) },
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

driftApi.openapi(listRoute, async (c) => {
  const q = c.req.valid("query");
  const { accountId } = c.get("principal");
  const before = cursorId(q.cursor);
  const rows = await c
    .get("db")
    .select({ d: drift, shopName: shops.name })
    .from(drift)
    .innerJoin(shops, eq(shops.id, drift.shopId))
    .where(
      and(
        eq(drift.accountId, accountId),
        q.status === "open" ? isNull(drift.resolvedAt) : undefined,
        q.shopId ? eq(drift.shopId, Number(q.shopId)) : undefined,
        before !== undefined ? lt(drift.id, before) : undefined,
      ),
    )
    .orderBy(desc(drift.id))
    .limit(q.limit + 1)
    .all();
  const page = idPage(rows, q.limit, ({ d, shopName }) => ({
    id: d.id, shopId: d.shopId, shopName, masterCode: d.masterCode, mallCode: d.mallCode, mallFigure: d.mallFigure, kuraFigure: d.kuraFigure,
    firstSeenAt: iso(d.firstSeenAt)!, seenAt: iso(d.seenAt)!, action: d.action, resolvedAt: iso(d.resolvedAt), cause: DRIFT_CAUSE,
  }));
  return c.json(page, 200);
});
