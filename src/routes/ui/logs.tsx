import { type Context, Hono } from "hono";
import type { Db } from "../../env";
import { listShops } from "../../db/queries/shops";
import { listUsers } from "../../db/queries/users";
import { csvEncodingParam } from "../../csv/encode";
import { csvDownload, logExport } from "../../csv/export";
import { can } from "../../lib/permissions";
import type { UiEnv } from "../../lib/session";
import { LogsPage } from "../../views/logs-page";
import { filterQuery, LOG_KINDS, LOG_TABLES, type LogKind, type LogNames, parseFilters } from "./log-kinds";
import { frame } from "./middleware";

// ログ: 販売ログ, モール更新ログ, 操作ログ (SPEC §6), filtered by JST dates, shop, master code and
// result, newest first in keyset pages; each exportable as CSV with the same filters.

export const logsPages = new Hono<UiEnv>();

const PAGE = 100;

async function namesOf(db: Db, accountId: number): Promise<LogNames> {
  const [shops, users] = await Promise.all([listShops(db, accountId), listUsers(db, accountId)]);
  return { shops: new Map(shops.map((s) => [s.id, s.name])), users: new Map(users.map((u) => [u.id, u.name || u.email])) };
}

logsPages.get("/logs", (c) => c.redirect("/logs/sales", 303));

// Registered before the pages: "/logs/sales.csv" is its own route, never a page.
for (const kind of LOG_KINDS) logsPages.get(`/logs/${kind}.csv`, (c) => exportCsv(c, kind));
for (const kind of LOG_KINDS) logsPages.get(`/logs/${kind}`, (c) => showLog(c, kind));

async function showLog(c: Context<UiEnv>, kind: LogKind) {
  const s = c.get("session")!;
  const db = c.get("db");
  const t = c.get("t");
  const table = LOG_TABLES[kind];
  const q = parseFilters(kind, c.req.query());
  const valid = Object.keys(q.errors).length === 0;
  const [names, shops] = await Promise.all([namesOf(db, s.account.id), listShops(db, s.account.id)]);
  const page = valid ? await table.page(db, s.account.id, q, q.before, PAGE + 1, names, t) : [];
  const rows = page.slice(0, PAGE);
  const next = page.length > PAGE ? filterQuery(q.filters, { before: String(rows[rows.length - 1].id) }) : null;
  return c.html(
    <LogsPage
      frame={frame(c)}
      kind={kind}
      table={table}
      shops={shops.map((x) => ({ id: x.id, name: x.name }))}
      filters={q.filters}
      errors={q.errors}
      rows={rows}
      next={next}
      paged={q.before !== undefined}
      csv={can(s.user.role, "catalog") && valid ? `/logs/${kind}.csv?${filterQuery(q.filters)}` : null}
    />,
    valid ? 200 : 400,
  );
}

/**
 * The filtered log as CSV, streamed page by page (src/csv/export.ts, shared with the API's
 * exports): UTF-8 with a BOM, or Shift_JIS with ?encoding=shift_jis for Excel; headers in
 * Japanese whatever the page language, as merchants' tools expect.
 */
async function exportCsv(c: Context<UiEnv>, kind: LogKind) {
  const s = c.get("session")!;
  const q = parseFilters(kind, c.req.query());
  if (Object.keys(q.errors).length) return c.redirect(`/logs/${kind}?${filterQuery(q.filters)}`, 303);
  const exp = await logExport(c.get("db"), s.account.id, kind, q);
  const { stream, headers } = csvDownload(exp, csvEncodingParam(c.req.query("encoding")), kind, s.account.id);
  return c.body(stream, 200, headers);
}
