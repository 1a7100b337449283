import { type Cell, type CellError, type ComponentCell, parseComponents, parseCount, parseManaged, parseSyncMode, type SyncMode } from "./columns";
import type { RawRecord, ResolvedColumn, RowError } from "./read";

// One CSV record → one typed row, with what is wrong with it that the file alone can tell (a bad
// number, a missing code, a set naming itself, a code twice in the file). What needs the
// database (does the group exist, is the code new) is checked later, chunk by chunk
// (import-validate.ts). Pure: no bindings.
//
// An empty optional cell is `undefined` in the row: it leaves that field as it is. A products
// file can therefore carry just the columns a merchant wants to change.

export interface ShopCells {
  shopId: number;
  managed?: boolean;
  mallCode?: string;
}

export interface FileComponent extends ComponentCell {
  /** Set when the component is itself a row of this file: its group cell and whether it is a set. */
  inFile?: { group?: string; isSet: boolean };
}

export interface ImportRow {
  line: number;
  code: string;
  name?: string;
  group?: string;
  onHand?: number;
  reserved?: number;
  lowStock?: number;
  syncMode?: SyncMode;
  components?: FileComponent[];
  shops?: ShopCells[];
  /** mappings: the shop (by id) and its mall code; an empty mall code clears the 別品番. */
  shopId?: number;
  mallCode?: string | null;
  /** What the file alone shows to be wrong; a row with any error is not applied. */
  errors?: RowError[];
}

export interface RowContext {
  kind: "products" | "stock" | "mappings";
  stockMode: "set" | "adjust";
  columns: ResolvedColumn[];
  shops: Map<string, number>;
}

const e = (line: number, column: string, err: CellError): RowError => ({ line, column, message: err.ja, messageEn: err.en });

export function toRow(rec: RawRecord, ctx: RowContext): ImportRow {
  const row: ImportRow = { line: rec.line, code: "" };
  const errors: RowError[] = [];
  const take = <T>(header: string, cell: Cell<T | null>, set: (v: T) => void) => {
    if (!cell.ok) errors.push(e(rec.line, header, cell.error));
    else if (cell.value !== null) set(cell.value);
  };
  rec.cells.forEach((raw, i) => {
    const col = ctx.columns[i];
    if (!col) {
      if (raw.trim() !== "") errors.push({ line: rec.line, column: `${i + 1}列目`, message: `見出しのない列に値があります: 「${raw}」`, messageEn: `a value in column ${i + 1}, which has no header: "${raw}"` });
      return;
    }
    const h = col.header;
    if ("shop" in col) {
      let cells = row.shops?.find((s) => s.shopId === col.shopId);
      if (!cells) (row.shops ??= []).push((cells = { shopId: col.shopId }));
      if (col.key === "managed") take(h, parseManaged(raw), (v) => (cells.managed = v));
      else if (raw.trim() !== "") cells.mallCode = raw.trim();
      return;
    }
    switch (col.key) {
      case "masterCode":
        row.code = raw.trim();
        break;
      case "name":
        if (raw.trim() !== "") row.name = raw.trim();
        break;
      case "group":
        if (raw.trim() !== "") row.group = raw.trim();
        break;
      case "onHand":
        take(h, parseCount(raw, { signed: ctx.stockMode === "adjust" }), (v) => (row.onHand = v));
        break;
      case "reserved":
        take(h, parseCount(raw), (v) => (row.reserved = v));
        break;
      case "lowStock":
        take(h, parseCount(raw), (v) => (row.lowStock = v));
        break;
      case "syncMode":
        take(h, parseSyncMode(raw), (v) => (row.syncMode = v));
        break;
      case "components":
        take(h, parseComponents(raw), (v) => (row.components = v));
        break;
      case "shop": {
        const name = raw.trim();
        const id = ctx.shops.get(name);
        if (id === undefined) errors.push({ line: rec.line, column: h, message: `店舗「${name}」はありません`, messageEn: `there is no shop named "${name}"` });
        else row.shopId = id;
        break;
      }
      case "mallCode":
        row.mallCode = raw.trim() === "" ? null : raw.trim();
        break;
    }
  });
  const codeHeader = ctx.columns.find((c) => c && c.key === "masterCode")!.header;
  if (row.code === "") errors.push({ line: rec.line, column: codeHeader, message: "マスターコードがありません", messageEn: "the master code is missing" });
  if (ctx.kind === "stock" && row.onHand === undefined && !errors.some((x) => x.column === header(ctx, "onHand"))) {
    errors.push({ line: rec.line, column: header(ctx, "onHand"), message: "総在庫数がありません", messageEn: "the stock figure is missing" });
  }
  if (row.components?.some((c) => c.masterCode === row.code)) {
    errors.push({ line: rec.line, column: header(ctx, "components"), message: "セットは自分自身を構成商品にできません", messageEn: "a set cannot contain itself" });
  }
  if (errors.length) row.errors = errors;
  return row;
}

const header = (ctx: RowContext, key: string) => ctx.columns.find((c) => c && !("shop" in c) && c.key === key)?.header ?? key;

/**
 * What only the whole file shows: a master code twice (products, stock; mappings: the same code
 * and shop twice), a mall code given to two products of one shop, and, for each set's component,
 * whether it is a row of this file (so the database check knows where to look).
 */
export function checkFile(rows: ImportRow[], ctx: RowContext): void {
  const first = new Map<string, number>();
  const mallFirst = new Map<string, number>();
  const inFile = new Map<string, ImportRow>();
  const codeHeader = header(ctx, "masterCode");
  const add = (row: ImportRow, err: RowError) => (row.errors ??= []).push(err);
  for (const row of rows) {
    if (row.code === "") continue;
    const key = ctx.kind === "mappings" ? `${row.code}\u0000${row.shopId}` : row.code;
    const seen = first.get(key);
    if (seen !== undefined) {
      add(row, { line: row.line, column: codeHeader, message: `マスターコード ${row.code} がファイル内で重複しています (${seen} 行目と同じ)`, messageEn: `master code ${row.code} appears twice in the file (also on line ${seen})` });
      continue;
    }
    first.set(key, row.line);
    inFile.set(row.code, row);
    const mallCodes: [number, string, string][] =
      ctx.kind === "mappings"
        ? row.mallCode && row.shopId !== undefined ? [[row.shopId, row.mallCode, header(ctx, "mallCode")]] : []
        : (row.shops ?? []).flatMap((s) => (s.mallCode ? [[s.shopId, s.mallCode, ctx.columns.find((c) => c && "shop" in c && c.shopId === s.shopId && c.key === "mallCode")!.header] as [number, string, string]] : []));
    for (const [shopId, mallCode, h] of mallCodes) {
      const k = `${shopId}\u0000${mallCode}`;
      const other = mallFirst.get(k);
      if (other !== undefined) add(row, { line: row.line, column: h, message: `モールコード ${mallCode} は ${other} 行目の商品にも指定されています`, messageEn: `mall code ${mallCode} is also given on line ${other}` });
      else mallFirst.set(k, row.line);
    }
  }
  for (const row of rows) {
    for (const c of row.components ?? []) {
      const r = inFile.get(c.masterCode);
      if (r) c.inFile = { ...(r.group !== undefined && { group: r.group }), isSet: !!r.components };
    }
  }
}
