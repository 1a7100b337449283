import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { listOperationLog, listSalesLog } from "../../db/queries/logs";
import { validate } from "../../lib/validate";
import { logsQuery } from "../../schemas/api";
import { decodeCursor, encodeCursor } from "./cursor";

export const logsApi = new Hono<AppEnv>();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

logsApi.get("/:kind{sales|operations}", validate("query", logsQuery), async (c) => {
  const q = c.req.valid("query");
  const { accountId } = c.get("principal");
  const before = q.cursor ? Number(decodeCursor(q.cursor)) : undefined;
  const query = { from: q.from, to: q.to, masterCode: q.masterCode, beforeId: Number.isFinite(before) ? before : undefined, limit: q.limit + 1 };
  const rows =
    c.req.param("kind") === "sales"
      ? (await listSalesLog(c.get("db"), accountId, query)).map(({ accountId: _, lineKey: __, ...r }) => ({ ...r, at: iso(r.at), resolvedAt: iso(r.resolvedAt) }))
      : (await listOperationLog(c.get("db"), accountId, query)).map(({ accountId: _, ...r }) => ({ ...r, at: iso(r.at) }));
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit);
  return c.json({ items, nextCursor: more ? encodeCursor(String(items[items.length - 1].id)) : null });
});
