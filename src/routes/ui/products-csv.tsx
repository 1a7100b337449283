import { Hono } from "hono";
import { z } from "zod";
import { CSV_KINDS } from "../../csv/columns";
import { csvEncodingParam } from "../../csv/encode";
import { catalogExport, csvDownload } from "../../csv/export";
import type { UiEnv } from "../../lib/session";

// 商品管理's CSV menu: 商品CSV / 在庫CSV / 別品番CSV of what the grid shows now (its search, group
// and 状態), in Shift_JIS for Excel or UTF-8 — the same files as GET /api/v1/exports/<kind>.csv.

export const productsCsv = new Hono<UiEnv>();

// As on the grid: a query string typed by hand may say anything; what does not parse is ignored.
const filterParams = z.object({
  q: z.string().max(200).catch(""),
  group: z.coerce.number().int().positive().optional().catch(undefined),
  status: z.enum(["low", "negative", "unsynced", "error"]).optional().catch(undefined),
});

for (const kind of CSV_KINDS) {
  productsCsv.get(`/products/export/${kind}.csv`, async (c) => {
    const s = c.get("session")!;
    const p = filterParams.parse({ q: c.req.query("q") ?? "", group: c.req.query("group") || undefined, status: c.req.query("status") || undefined });
    // A group id of another account matches none of this account's products: scoping is in the query.
    const exp = await catalogExport(c.get("db"), s.account.id, kind, { filter: { query: p.q.trim() || undefined, groupId: p.group, status: p.status } });
    const { stream, headers } = csvDownload(exp, csvEncodingParam(c.req.query("encoding")), kind, s.account.id);
    return c.body(stream, 200, headers);
  });
}
