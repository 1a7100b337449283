import { createRoute, z } from "@hono/zod-openapi";
import { CSV_ENCODINGS } from "../../csv/encode";
import { MALL_RESULTS, SALES_RESULTS } from "../ui/log-kinds";
import { API_TOKEN, problems } from "./openapi-kit";

// The CSV exports as OpenAPI definitions (one route per file, each with its own filters);
// exports.ts holds their handlers.

const tags = ["exports"];

const encoding = z
  .enum(CSV_ENCODINGS)
  .default("utf-8")
  .describe("utf-8 (with a BOM, which Excel needs to read UTF-8) or shift_jis (CP932, what Excel in Japan writes); a character CP932 cannot hold is written as \"?\"");

const catalogFilters = {
  encoding,
  q: z.string().max(200).optional().describe("マスターコード prefix or 商品名 substring, as the 商品管理 search"),
  group: z.string().max(100).optional().describe("商品グループ: its id or its name"),
  status: z.enum(["low", "negative", "unsynced", "error"]).optional().describe("状態, as the 商品管理 filter"),
};
export const catalogQuery = z.object(catalogFilters);
export const mappingsQuery = z.object({ ...catalogFilters, shopId: z.coerce.number().int().positive().optional().describe("Only this shop's rows") });

const jstDay = z.string().max(10).optional().describe("YYYY-MM-DD, a JST day (inclusive)");
const logFilters = {
  encoding,
  from: jstDay,
  to: jstDay,
  masterCode: z.string().max(64).optional(),
};
export const salesLogQuery = z.object({ ...logFilters, shopId: z.coerce.number().int().positive().optional(), result: z.enum(SALES_RESULTS).optional() });
export const mallUpdatesLogQuery = z.object({ ...logFilters, shopId: z.coerce.number().int().positive().optional(), result: z.enum(MALL_RESULTS).optional() });
export const operationsLogQuery = z.object(logFilters);

const csvFile = (what: string) => ({
  description: `${what}, streamed; Content-Disposition names the file (kura-<kind>-<JST yyyymmdd>.csv)`,
  content: {
    "text/csv; charset=utf-8": { schema: z.string() },
    "text/csv; charset=Shift_JIS": { schema: z.string() },
  },
});

const FORBIDDEN = "A token without the write scope is refused (403): taking data away as a file is the catalog right of staff and above (SPEC §8), which a read-only token, like a viewer, lacks.";

const route = <Q extends z.ZodObject>(file: string, summary: string, description: string, query: Q, what: string) =>
  createRoute({
    method: "get", path: `/${file}.csv`, tags, security: API_TOKEN, summary, description: `${description} ${FORBIDDEN}`,
    request: { query },
    responses: { 200: csvFile(what), ...problems(400, 401, 403, 404) },
  });

const CATALOG = "Columns as the import reads them (Japanese headers), master-code order; filters as the 商品管理 grid.";

export const productsExportRoute = route("products", "商品CSV", `${CATALOG} Per shop, in shop id order: "<店舗名>:管理" and "<店舗名>:モールコード". A set's 総在庫数 is empty (derived from its components).`, catalogQuery, "The products file");
export const stockExportRoute = route("stock", "在庫CSV (マスターコード, 総在庫数)", `${CATALOG} Sets are left out: they hold no stock of their own.`, catalogQuery, "The stock file");
export const mappingsExportRoute = route("mappings", "別品番紐づけCSV: one row per master code × shop", `${CATALOG} An empty モールコード is the mall's default rule.`, mappingsQuery, "The mappings file");

const LOG = "Newest first, the columns of the dashboard's log page; `from`/`to` are JST days.";
export const salesLogExportRoute = route("sales-log", "販売ログ CSV", LOG, salesLogQuery, "The sales log");
export const mallUpdatesLogExportRoute = route("mall-updates-log", "モール更新ログ CSV", LOG, mallUpdatesLogQuery, "The mall update log");
export const operationsLogExportRoute = route("operations-log", "操作ログ CSV", LOG, operationsLogQuery, "The operation log");
