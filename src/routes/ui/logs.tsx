import { stringify } from "csv-stringify/browser/esm/sync";
import { type Context, Hono } from "hono";
import type { Db } from "../../env";
import { listShops } from "../../db/queries/shops";
import { listUsers } from "../../db/queries/users";
import { translator } from "../../lib/i18n";
import { jstDate } from "../../lib/jst";
import { can } from "../../lib/permissions";
import type { UiEnv } from "../../lib/session";
import { LogsPage } from "../../views/logs-page";
import { filterQuery, LOG_KINDS, LOG_TABLES, type LogKind, type LogNames, parseFilters } from "./log-kinds";
import { frame } from "./middleware";

// ログ: 販売ログ, モール更新ログ, 操作ログ (SPEC §6), filtered by JST dates, shop, master code and
// result, newest first in keyset pages; each exportable as CSV with the same filters.

export const logsPages = new Hono<UiEnv>();

const PAGE = 100;
// Rows read per D1 query while exporting: the file is written page by page as it is sent.
const EXPORT_PAGE = 500;

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
 * The filtered log as CSV, streamed: each pull of the stream reads one keyset page and writes
 * it, so a log of any length never sits whole in memory. UTF-8 with a BOM, which Excel needs to
 * read UTF-8; headers in Japanese whatever the page language, as merchants' tools expect.
 */
async function exportCsv(c: Context<UiEnv>, kind: LogKind) {
  const s = c.get("session")!;
  const db = c.get("db");
  const accountId = s.account.id;
  const ja = translator("ja");
  const table = LOG_TABLES[kind];
  const q = parseFilters(kind, c.req.query());
  if (Object.keys(q.errors).length) return c.redirect(`/logs/${kind}?${filterQuery(q.filters)}`, 303);
  const names = await namesOf(db, accountId);
  const encoder = new TextEncoder();
  let before = q.before;
  let started = false;
  let done = false;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (done) return;
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(`\uFEFF${stringify([table.headers.map((h) => ja(h))], { record_delimiter: "windows" })}`));
        return;
      }
      const rows = await table.page(db, accountId, q, before, EXPORT_PAGE, names, ja);
      if (rows.length) {
        controller.enqueue(encoder.encode(stringify(rows.map((r) => r.cells.map((x) => x.text)), { record_delimiter: "windows" })));
        before = rows[rows.length - 1].id;
      }
      if (rows.length < EXPORT_PAGE) {
        done = true;
        controller.close();
      }
    },
  });
  const file = `kura-${kind}-${jstDate(Date.now()).replace(/-/g, "")}.csv`;
  return c.body(stream, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="${file}"`,
  });
}
