import type { Context } from "hono";
import type { AppEnv } from "../../env";
import type { CsvEncoding } from "../../csv/encode";
import { type CsvExport, catalogExport, csvDownload, logExport } from "../../csv/export";
import type { CsvKind } from "../../csv/columns";
import type { ProductFilter } from "../../db/queries/product-filters";
import { AppError, forbidden } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { resolveGroup } from "../../stock/catalog";
import { type LogKind, parseFilters } from "../ui/log-kinds";
import * as r from "./exports-routes";
import { ownedShop } from "./shops";

// GET /exports/<kind>.csv: the catalogue files and the logs as CSV, streamed in UTF-8 (BOM) or
// Shift_JIS, scoped to the token's account.

export const exportsApi = apiRouter();

/**
 * Exports are the catalog right (src/lib/permissions.ts: "products, stock, groups (and log
 * exports)"), which a viewer lacks; a read-only token is the API's viewer.
 */
function mayExport(c: Context<AppEnv>) {
  if (!c.get("principal").scopes.includes("write")) throw forbidden('Exports need a token with the "write" scope: a read-only token, like a viewer, may read but not take data away as a file.');
}

function send(c: Context<AppEnv>, exp: CsvExport, encoding: CsvEncoding, file: string) {
  const { stream, headers } = csvDownload(exp, encoding, file, c.get("principal").accountId);
  return c.body(stream, 200, headers);
}

async function catalog(c: Context<AppEnv>, kind: CsvKind, q: { encoding: CsvEncoding; q?: string; group?: string; status?: ProductFilter["status"]; shopId?: number }) {
  mayExport(c);
  const db = c.get("db");
  const { accountId } = c.get("principal");
  const groupId = q.group === undefined || q.group === "" ? undefined : (await resolveGroup(db, accountId, /^\d+$/.test(q.group) ? Number(q.group) : q.group)).id;
  if (q.shopId !== undefined) await ownedShop(db, accountId, String(q.shopId));
  const exp = await catalogExport(db, accountId, kind, { filter: { query: q.q?.trim() || undefined, groupId, status: q.status }, shopId: q.shopId });
  return send(c, exp, q.encoding, kind);
}

async function log(c: Context<AppEnv>, kind: LogKind, file: string, q: { encoding: CsvEncoding; from?: string; to?: string; masterCode?: string; shopId?: number; result?: string }) {
  mayExport(c);
  const parsed = parseFilters(kind, { from: q.from ?? "", to: q.to ?? "", code: q.masterCode ?? "", shop: q.shopId === undefined ? "" : String(q.shopId), result: q.result ?? "" });
  const bad = Object.entries(parsed.errors).map(([field, key]) => ({ path: field, message: key === "logs.error.range" ? "`to` is before `from`" : "not a date (YYYY-MM-DD)" }));
  if (bad.length) throw new AppError(400, "Invalid request", bad.map((b) => `${b.path}: ${b.message}`).join("; "), { issues: bad });
  if (q.shopId !== undefined) await ownedShop(c.get("db"), c.get("principal").accountId, String(q.shopId));
  return send(c, await logExport(c.get("db"), c.get("principal").accountId, kind, parsed), q.encoding, file);
}

exportsApi.openapi(r.productsExportRoute, (c) => catalog(c, "products", c.req.valid("query")));
exportsApi.openapi(r.stockExportRoute, (c) => catalog(c, "stock", c.req.valid("query")));
exportsApi.openapi(r.mappingsExportRoute, (c) => catalog(c, "mappings", c.req.valid("query")));
exportsApi.openapi(r.salesLogExportRoute, (c) => log(c, "sales", "sales-log", c.req.valid("query")));
exportsApi.openapi(r.mallUpdatesLogExportRoute, (c) => log(c, "mall-updates", "mall-updates-log", c.req.valid("query")));
exportsApi.openapi(r.operationsLogExportRoute, (c) => log(c, "operations", "operations-log", c.req.valid("query")));
