import type { Db } from "../env";
import { type ExportListing, type ExportProduct, exportComponents, exportListings, exportProductsPage } from "../db/queries/csv-export";
import { listGroups } from "../db/queries/groups";
import type { ProductFilter } from "../db/queries/product-filters";
import { listShops } from "../db/queries/shops";
import { listUsers } from "../db/queries/users";
import { translator } from "../lib/i18n";
import { jstDate } from "../lib/jst";
import { LOG_TABLES, type LogKind, type LogNames, type ParsedFilters } from "../routes/ui/log-kinds";
import { type CsvEncoding, csvContentType, csvFileName, csvStream, defuseFormula } from "./encode";
import { type CsvKind, formatComponents, formatManaged, formatSyncMode, MAPPING_COLUMNS, PRODUCT_COLUMNS, shopHeader, STOCK_COLUMNS } from "./columns";

// What each exported file holds, page by page: the three catalogue files exactly as
// src/csv/columns.ts defines them (so an exported file imports back unchanged), and the three
// logs exactly as their dashboard pages show them (src/routes/ui/log-kinds.ts). Headers are in
// Japanese whatever the reader's language, as merchants' tools expect.

/** Products read per D1 page: a few statements each, and one page of text in memory at a time. */
export const EXPORT_PAGE = 500;

type Row = string[];
export interface CsvExport {
  header: string[];
  pages: AsyncIterable<Row[]>;
}

export interface ExportShop {
  id: number;
  name: string;
}

const cell = (n: number | null | undefined) => (n === null || n === undefined ? "" : String(n));

export function productHeader(shops: readonly ExportShop[]): string[] {
  return [...PRODUCT_COLUMNS.map((c) => c.ja), ...shops.flatMap((s) => [shopHeader(s.name, "managed"), shopHeader(s.name, "mallCode")])];
}

/**
 * One products row. 総在庫数 of a set is left empty: a set holds no stock of its own (its figure
 * is derived from its components), and a number there would read on import as stock to set.
 * A shop without a listing row is 対象 with the mall's default code, as the sync treats it.
 */
export function productRow(p: ExportProduct, groupName: string, shops: readonly ExportShop[], listing: (shopId: number) => ExportListing | undefined, components: { masterCode: string; quantity: number }[]): Row {
  const byKey: Record<(typeof PRODUCT_COLUMNS)[number]["key"], string> = {
    masterCode: p.masterCode,
    name: p.name,
    group: groupName,
    onHand: p.isSet ? "" : cell(p.onHand),
    reserved: cell(p.reserved),
    lowStock: cell(p.lowStockThreshold),
    syncMode: formatSyncMode(p.syncMode),
    components: p.isSet ? formatComponents(components) : "",
  };
  const perShop = shops.flatMap((s) => {
    const l = listing(s.id);
    return [formatManaged(l?.managed ?? true), l?.mallCode ?? ""];
  });
  return [...PRODUCT_COLUMNS.map((c) => byKey[c.key]), ...perShop];
}

export interface CatalogScope {
  filter: ProductFilter;
  /** mappings only: one shop's rows instead of every shop's. */
  shopId?: number;
}

/**
 * A catalogue file (products, stock, mappings) of the account, filtered, in master-code order;
 * per-shop columns and mapping rows follow shop id order. The stock file leaves sets out: it
 * carries the stock one can set, and a set has none.
 */
export async function catalogExport(db: Db, accountId: number, kind: CsvKind, scope: CatalogScope): Promise<CsvExport> {
  const [allShops, groups] = await Promise.all([listShops(db, accountId), listGroups(db, accountId)]);
  const shops: ExportShop[] = allShops.filter((s) => kind !== "mappings" || scope.shopId === undefined || s.id === scope.shopId).map((s) => ({ id: s.id, name: s.name }));
  const groupName = new Map(groups.map((g) => [g.id, g.name]));
  const header = kind === "products" ? productHeader(shops) : (kind === "stock" ? STOCK_COLUMNS : MAPPING_COLUMNS).map((c) => c.ja);

  async function* pages(): AsyncGenerator<Row[]> {
    let after: string | undefined;
    for (;;) {
      const page = await exportProductsPage(db, accountId, scope.filter, after, EXPORT_PAGE);
      if (page.length === 0) return;
      after = page[page.length - 1].masterCode;
      if (kind === "stock") {
        yield page.filter((p) => !p.isSet).map((p) => [p.masterCode, cell(p.onHand)]);
      } else {
        const needsListings = shops.length > 0;
        const [listings, comps] = await Promise.all([
          needsListings ? exportListings(db, accountId, page.map((p) => p.id)) : Promise.resolve([]),
          kind === "products" ? exportComponents(db, accountId, page.filter((p) => p.isSet).map((p) => p.id)) : Promise.resolve([]),
        ]);
        const byKey = new Map(listings.map((l) => [`${l.productId}:${l.shopId}`, l]));
        if (kind === "products") {
          const compsOf = new Map<number, typeof comps>();
          for (const c of comps) compsOf.set(c.setId, [...(compsOf.get(c.setId) ?? []), c]);
          yield page.map((p) => productRow(p, groupName.get(p.groupId) ?? "", shops, (shopId) => byKey.get(`${p.id}:${shopId}`), compsOf.get(p.id) ?? []));
        } else {
          // 別品番紐づけ: one row per master code × shop; an empty モールコード is the mall's default rule.
          yield page.flatMap((p) => shops.map((s) => [p.masterCode, s.name, byKey.get(`${p.id}:${s.id}`)?.mallCode ?? ""]));
        }
      }
      if (page.length < EXPORT_PAGE) return;
    }
  }
  return { header, pages: pages() };
}

/**
 * An export as an HTTP download: the file streamed in the chosen encoding, named after its kind
 * and the JST day. When the file is done, a log line says how many rows it had and how many
 * characters Shift_JIS could not hold (written as "?").
 */
export function csvDownload(exp: CsvExport, encoding: CsvEncoding, kind: string, accountId: number): { stream: ReadableStream<Uint8Array>; headers: Record<string, string> } {
  const file = csvFileName(kind, jstDate(Date.now()));
  const stream = csvStream({
    header: exp.header,
    pages: exp.pages,
    encoding,
    onDone: ({ rows, replaced }) => console.log(JSON.stringify({ msg: "csv export", accountId, file, encoding, rows, replaced })),
  });
  return { stream, headers: { "Content-Type": csvContentType(encoding), "Content-Disposition": `attachment; filename="${file}"` } };
}

/** A log as its dashboard page shows it, with the same filters, newest first. */
export async function logExport(db: Db, accountId: number, kind: LogKind, q: ParsedFilters): Promise<CsvExport> {
  const ja = translator("ja");
  const table = LOG_TABLES[kind];
  const [shops, users] = await Promise.all([listShops(db, accountId), listUsers(db, accountId)]);
  const names: LogNames = { shops: new Map(shops.map((s) => [s.id, s.name])), users: new Map(users.map((u) => [u.id, u.name || u.email])) };
  async function* pages(): AsyncGenerator<Row[]> {
    let before = q.before;
    for (;;) {
      const rows = await table.page(db, accountId, q, before, EXPORT_PAGE, names, ja);
      if (rows.length === 0) return;
      before = rows[rows.length - 1].id;
      // Numbers (a negative 在庫 "-3") stay numbers; text from malls and outside systems is defused.
      yield rows.map((r) => r.cells.map((x) => (x.num ? x.text : defuseFormula(x.text))));
      if (rows.length < EXPORT_PAGE) return;
    }
  }
  return { header: table.headers.map((h) => ja(h)), pages: pages() };
}
