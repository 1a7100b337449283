import { listMallUpdateLog, listOperationLog, listSalesLog } from "../../db/queries/logs";
import { apiRouter } from "../../lib/validate";
import { cursorId, idPage } from "./cursor";
import * as r from "./logs-routes";

export const logsApi = apiRouter();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

/** Keyset paging by id, newest first: one row more than asked says whether there is a next page. */
function pageQuery(q: { from?: number; to?: number; masterCode?: string; cursor?: string; limit: number }) {
  return { from: q.from, to: q.to, masterCode: q.masterCode, beforeId: cursorId(q.cursor), limit: q.limit + 1 };
}

const paged = <T extends { id: number }>(rows: T[], limit: number) => idPage(rows, limit, (r) => r);

logsApi.openapi(r.salesLogRoute, async (c) => {
  const q = c.req.valid("query");
  const rows = await listSalesLog(c.get("db"), c.get("principal").accountId, pageQuery(q));
  const items = rows.map(({ accountId: _, lineKey: __, entryKey: ___, ...e }) => ({ ...e, at: iso(e.at)!, resolvedAt: iso(e.resolvedAt) }));
  return c.json(paged(items, q.limit), 200);
});

logsApi.openapi(r.operationLogRoute, async (c) => {
  const q = c.req.valid("query");
  const rows = await listOperationLog(c.get("db"), c.get("principal").accountId, pageQuery(q));
  type Json = Record<string, unknown> | null; // every writer logs an object or nothing
  const items = rows.map(({ accountId: _, entryKey: __, ...e }) => ({ ...e, at: iso(e.at)!, before: e.before as Json, after: e.after as Json }));
  return c.json(paged(items, q.limit), 200);
});

logsApi.openapi(r.mallUpdateLogRoute, async (c) => {
  const q = c.req.valid("query");
  const rows = await listMallUpdateLog(c.get("db"), c.get("principal").accountId, { ...pageQuery(q), shopId: q.shopId, result: q.result });
  const items = rows.map(({ accountId: _, ...e }) => ({ ...e, at: iso(e.at)!, ok: e.result === "ok", confirmedAt: iso(e.confirmedAt) }));
  return c.json(paged(items, q.limit), 200);
});
