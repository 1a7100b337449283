import { z } from "zod";
import type { Db } from "../../env";
import { listMallUpdateLog, listOperationLog, listSalesLog, type SalesLogQuery } from "../../db/queries/logs";
import type { MessageKey, Translate } from "../../lib/i18n";
import { DAY_MS, jstDayStart, jstTime } from "../../lib/jst";

// The three logs of SPEC §6 as tables: one description per log (its filters, its columns, how a
// keyset page is read) shared by the page and its CSV export, so the file a merchant downloads
// holds exactly the columns and rows the page shows.

export const LOG_KINDS = ["sales", "mall-updates", "operations"] as const;
export type LogKind = (typeof LOG_KINDS)[number];

export const SALES_RESULTS = ["applied", "duplicate", "unknown_code", "unmatched", "ignored"] as const;
export const MALL_RESULTS = ["ok", "error"] as const;

/** One table cell: its text, and whether it is a number (right-aligned) or a problem (red). */
export interface LogCell {
  text: string;
  num?: boolean;
  bad?: boolean;
  /** Long text (JSON, error text) that wraps instead of widening the table. */
  wrap?: boolean;
}
export interface LogRow {
  id: number;
  cells: LogCell[];
}

/** The filters as typed in the form (kept to redraw it) and as a query (what was understood). */
export interface LogFilters {
  from: string;
  to: string;
  shop?: number;
  code: string;
  result?: string;
}

const date = z.string().trim().max(10).catch("");
// A query string typed by hand may say anything: what does not parse is ignored, except dates,
// which are reported next to their field (a wrong date silently ignored would show wrong rows).
const filterParams = z.object({
  from: date,
  to: date,
  shop: z.coerce.number().int().positive().optional().catch(undefined),
  code: z.string().trim().max(64).catch(""),
  result: z.string().max(20).optional().catch(undefined),
  before: z.coerce.number().int().positive().optional().catch(undefined),
});

export interface ParsedFilters {
  filters: LogFilters;
  /** Field name → message key of what is wrong with it. */
  errors: Partial<Record<"from" | "to", MessageKey>>;
  from?: number;
  to?: number;
  before?: number;
}

export function parseFilters(kind: LogKind, query: Record<string, string>): ParsedFilters {
  const p = filterParams.parse({ ...query, shop: query.shop || undefined, before: query.before || undefined, result: query.result || undefined });
  const results: readonly string[] = kind === "sales" ? SALES_RESULTS : kind === "mall-updates" ? MALL_RESULTS : [];
  const filters: LogFilters = {
    from: p.from,
    to: p.to,
    shop: kind === "operations" ? undefined : p.shop,
    code: p.code,
    result: p.result && results.includes(p.result) ? p.result : undefined,
  };
  const errors: ParsedFilters["errors"] = {};
  const from = p.from ? jstDayStart(p.from) : undefined;
  const toDay = p.to ? jstDayStart(p.to) : undefined;
  if (p.from && from === undefined) errors.from = "logs.error.date";
  if (p.to && toDay === undefined) errors.to = "logs.error.date";
  if (from !== undefined && toDay !== undefined && toDay < from) errors.to = "logs.error.range";
  // The "to" date is inclusive: up to the last millisecond of that JST day.
  return { filters, errors, from, to: toDay === undefined ? undefined : toDay + DAY_MS - 1, before: p.before };
}

/** Names shown in place of ids: shops by id, users by id. */
export interface LogNames {
  shops: Map<number, string>;
  users: Map<number, string>;
}

export interface LogTable {
  title: MessageKey;
  headers: MessageKey[];
  /** The result filter's choices (value → label key); none when the log has no result. */
  results: { value: string; key: MessageKey }[];
  shopFilter: boolean;
  /** A keyset page, newest first: rows with an id below `before`. */
  page(db: Db, accountId: number, q: ParsedFilters, before: number | undefined, limit: number, names: LogNames, t: Translate): Promise<LogRow[]>;
}

const n = (v: number | null): LogCell => ({ text: v === null ? "" : String(v), num: true });
const txt = (v: string | null | undefined): LogCell => ({ text: v ?? "" });
const json = (v: unknown) => (v === null || v === undefined ? "" : JSON.stringify(v));

function actorName(actor: string, names: LogNames, t: Translate): string {
  const [kind, id] = actor.split(":");
  if (kind === "user") return names.users.get(Number(id)) ?? actor;
  if (kind === "token") return t("logs.actor.token", { id: id ?? "" });
  if (kind === "operator") return t("logs.actor.operator");
  if (kind === "system") return t("logs.actor.system");
  return actor;
}

/**
 * An 操作ログ action in words ("product.create" → 商品登録). An action without a label yet is
 * shown as its code rather than hidden.
 */
export function actionLabel(action: string, t: Translate): string {
  const key = `op.${action}` as MessageKey;
  const label = t(key);
  return label === key ? action : label;
}

function salesQuery(q: ParsedFilters, before: number | undefined, limit: number): SalesLogQuery {
  return { from: q.from, to: q.to, masterCode: q.filters.code || undefined, shopId: q.filters.shop, result: q.filters.result as SalesLogQuery["result"], beforeId: before, limit };
}

export const LOG_TABLES: Record<LogKind, LogTable> = {
  sales: {
    title: "logs.sales",
    headers: ["logs.col.at", "logs.col.shop", "logs.col.order", "logs.col.line", "logs.col.mallCode", "logs.col.masterCode", "logs.col.qty", "logs.col.kind", "logs.col.before", "logs.col.after", "logs.col.result"],
    results: SALES_RESULTS.map((r) => ({ value: r, key: `logs.result.${r}` as const })),
    shopFilter: true,
    async page(db, accountId, q, before, limit, names, t) {
      const rows = await listSalesLog(db, accountId, salesQuery(q, before, limit));
      return rows.map((r) => ({
        id: r.id,
        cells: [
          txt(jstTime(r.at)),
          txt(r.shopId === null ? r.source : (names.shops.get(r.shopId) ?? `#${r.shopId}`)),
          txt(r.orderId),
          txt(r.lineId),
          txt(r.mallCode),
          txt(r.masterCode),
          n(r.quantity),
          txt(t(r.kind === "sale" ? "logs.kind.sale" : "logs.kind.cancel")),
          n(r.onHandBefore),
          { ...n(r.onHandAfter), bad: (r.onHandAfter ?? 0) < 0 },
          { text: t(`logs.result.${r.result}`), bad: r.result === "unknown_code" && r.resolvedAt === null },
        ],
      }));
    },
  },
  "mall-updates": {
    title: "logs.mallUpdates",
    headers: ["logs.col.sentAt", "logs.col.shop", "logs.col.masterCode", "logs.col.mallCode", "logs.col.figure", "logs.col.result", "logs.col.attempt", "logs.col.confirmedAt"],
    results: MALL_RESULTS.map((r) => ({ value: r, key: `logs.result.${r}` as const })),
    shopFilter: true,
    async page(db, accountId, q, before, limit, names, t) {
      const rows = await listMallUpdateLog(db, accountId, {
        from: q.from, to: q.to, masterCode: q.filters.code || undefined, shopId: q.filters.shop, result: q.filters.result as "ok" | "error" | undefined, beforeId: before, limit,
      });
      return rows.map((r) => ({
        id: r.id,
        cells: [
          txt(jstTime(r.at)),
          txt(names.shops.get(r.shopId) ?? `#${r.shopId}`),
          txt(r.masterCode),
          txt(r.mallCode),
          n(r.figure),
          r.result === "ok" ? txt(t("logs.result.ok")) : { text: r.result, bad: true, wrap: true },
          n(r.attempt),
          txt(r.confirmedAt === null ? "" : jstTime(r.confirmedAt)),
        ],
      }));
    },
  },
  operations: {
    title: "logs.operations",
    headers: ["logs.col.at", "logs.col.user", "logs.col.action", "logs.col.target", "logs.col.beforeValue", "logs.col.afterValue"],
    results: [],
    shopFilter: false,
    async page(db, accountId, q, before, limit, names, t) {
      const rows = await listOperationLog(db, accountId, { from: q.from, to: q.to, masterCode: q.filters.code || undefined, beforeId: before, limit });
      return rows.map((r) => ({
        id: r.id,
        cells: [txt(jstTime(r.at)), txt(actorName(r.actor, names, t)), txt(actionLabel(r.action, t)), txt(r.target), { text: json(r.before), wrap: true }, { text: json(r.after), wrap: true }],
      }));
    },
  },
};

/** The filters as a query string (for links that keep them: the next page, the CSV export). */
export function filterQuery(f: LogFilters, extra: Record<string, string> = {}): string {
  const q = new URLSearchParams();
  if (f.from) q.set("from", f.from);
  if (f.to) q.set("to", f.to);
  if (f.shop !== undefined) q.set("shop", String(f.shop));
  if (f.code) q.set("code", f.code);
  if (f.result) q.set("result", f.result);
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q.toString();
}
