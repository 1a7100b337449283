import { sql } from "drizzle-orm";
import type { Db } from "../env";
import { getAccount } from "../db/queries/accounts";
import { listGroups } from "../db/queries/groups";
import type { Import } from "../db/queries/imports";
import type { RowError } from "./read";
import type { ImportRow } from "./rows";

// The database half of validation, one chunk (1,000 rows) at a time, in a handful of statements:
// is the code new or registered (and a set or not), does the group exist, do a set's components
// exist (in the catalog or in the file) in the set's group, is a mall code free on its shop.
// New products are numbered in file order (newIndex), so that applying with onPlanLimit "fit"
// registers exactly the first ones that fit, whichever worker applies which chunk.

export interface Verdict {
  ok: boolean;
  /** The registered product the row changes (absent for a new product). */
  pid?: number;
  /** A new product: its 0-based place among the file's valid new products. */
  newIndex?: number;
  /** The product group the row's product ends up in. */
  groupId?: number;
  isSet?: boolean;
}

export interface Known {
  id: number;
  groupId: number;
  isSet: boolean;
  name: string;
  reserved: number | null;
  lowStock: number | null;
  syncMode: string;
}

export async function productsByCodes(db: Db, accountId: number, codes: string[]): Promise<Map<string, Known>> {
  const rows = await db.all<{ id: number; master_code: string; group_id: number; is_set: number; name: string; reserved: number | null; low_stock_threshold: number | null; sync_mode: string }>(sql`
    SELECT id, master_code, group_id, is_set, name, reserved, low_stock_threshold, sync_mode FROM products
     WHERE account_id = ${accountId} AND master_code IN (SELECT value FROM json_each(${JSON.stringify([...new Set(codes)])}))`);
  return new Map(
    rows.map((r) => [r.master_code, { id: r.id, groupId: r.group_id, isSet: r.is_set === 1, name: r.name, reserved: r.reserved, lowStock: r.low_stock_threshold, syncMode: r.sync_mode }]),
  );
}

async function takenMallCodes(db: Db, accountId: number, pairs: [number, string][]): Promise<Map<string, number>> {
  if (pairs.length === 0) return new Map();
  const rows = await db.all<{ shop_id: number; mall_code: string; product_id: number }>(sql`
    SELECT l.shop_id, l.mall_code, l.product_id FROM json_each(${JSON.stringify(pairs)}) j
      JOIN listings l ON l.account_id = ${accountId} AND l.shop_id = json_extract(j.value, '$[0]') AND l.mall_code = json_extract(j.value, '$[1]')`);
  return new Map(rows.map((r) => [`${r.shop_id}\u0000${r.mall_code}`, r.product_id]));
}

export interface ChunkValidation {
  verdicts: Verdict[];
  errors: RowError[];
  validRows: number;
  newCount: number;
}

/** What every chunk of a step reads alike: read once per step. */
export interface StepCache {
  account?: NonNullable<Awaited<ReturnType<typeof getAccount>>>;
  groups?: Awaited<ReturnType<typeof listGroups>>;
}

export async function validateChunk(db: Db, imp: Import, rows: ImportRow[], newBefore: number, cache: StepCache = {}): Promise<ChunkValidation> {
  const accountId = imp.accountId;
  const header = (key: string, fallback: string) =>
    (imp.columns as { key: string; header: string; shop?: string; shopId?: number }[]).find((c) => c && c.shop === undefined && c.key === key)?.header ?? fallback;
  const shopHeader = (shopId: number) =>
    (imp.columns as { key: string; header: string; shopId?: number }[]).find((c) => c && c.shopId === shopId && c.key === "mallCode")?.header ?? "モールコード";
  const known = await productsByCodes(db, accountId, [...rows.map((r) => r.code), ...rows.flatMap((r) => (r.components ?? []).map((c) => c.masterCode))]);
  const account = (cache.account ??= (await getAccount(db, accountId))!);
  const groups = (cache.groups ??= await listGroups(db, accountId));
  const byName = new Map(groups.map((g) => [g.name, g.id]));
  const defaultGroup = groups.find((g) => g.isDefault)!.id;
  const pairs: [number, string][] =
    imp.kind === "mappings"
      ? rows.flatMap((r) => (r.mallCode && r.shopId !== undefined ? [[r.shopId, r.mallCode] as [number, string]] : []))
      : rows.flatMap((r) => (r.shops ?? []).flatMap((s) => (s.mallCode ? [[s.shopId, s.mallCode] as [number, string]] : [])));
  const taken = await takenMallCodes(db, accountId, pairs);

  const errors: RowError[] = [];
  const verdicts: Verdict[] = [];
  let next = newBefore;
  let validRows = 0;
  for (const row of rows) {
    const errs: RowError[] = [...(row.errors ?? [])];
    const bad = (column: string, message: string, messageEn: string) => errs.push({ line: row.line, column, message, messageEn });
    const p = row.code ? known.get(row.code) : undefined;
    const v: Verdict = { ok: false, ...(p && { pid: p.id, isSet: p.isSet, groupId: p.groupId }) };

    if (imp.kind !== "products" && row.code && !p) bad(header("masterCode", "マスターコード"), `マスターコード ${row.code} は登録されていません`, `master code ${row.code} is not registered`);
    if (imp.kind === "stock" && p?.isSet) bad(header("onHand", "総在庫数"), `${row.code} はセットです: 在庫は構成商品から決まります`, `${row.code} is a set: its stock follows from its components`);

    if (imp.kind === "products") {
      let groupId = p?.groupId ?? defaultGroup;
      if (row.group !== undefined) {
        const g = byName.get(row.group);
        if (g === undefined) bad(header("group", "グループ"), `グループ「${row.group}」はありません`, `there is no product group "${row.group}"`);
        else groupId = g;
      } else if (p?.isSet && row.components) {
        // A registered set whose group cell is empty goes where its components go: moving a
        // component moves its whole set family.
        const moving = row.components.find((c) => c.inFile?.group !== undefined && byName.has(c.inFile.group));
        if (moving) groupId = byName.get(moving.inFile!.group!)!;
      }
      v.groupId = groupId;
      const isSet = p ? p.isSet : !!row.components;
      v.isSet = isSet;
      if (!p && row.code && row.name === undefined) bad(header("name", "商品名"), "新しい商品には商品名が必要です", "a new product needs a name");
      if (p && !p.isSet && row.components) bad(header("components", "セット構成"), `${row.code} はセットではありません: 商品をセットに変えることはできません`, `${row.code} is not a set; a product cannot become a set`);
      if (!p && row.components && !account.allowSets) bad(header("components", "セット構成"), "セット管理はこのプランに含まれていません", "セット管理 (sets) is not part of this account's plan");
      if (isSet) {
        for (const c of row.components ?? []) {
          const inDb = known.get(c.masterCode);
          if (!c.inFile && !inDb) {
            bad(header("components", "セット構成"), `構成商品 ${c.masterCode} は登録されておらず、ファイルにもありません`, `component ${c.masterCode} is neither registered nor in the file`);
            continue;
          }
          const cIsSet = c.inFile ? c.inFile.isSet || !!inDb?.isSet : inDb!.isSet;
          if (cIsSet) {
            bad(header("components", "セット構成"), `構成商品 ${c.masterCode} はセットです (セットは一段だけ)`, `component ${c.masterCode} is itself a set; sets are one level deep`);
            continue;
          }
          const cGroup = c.inFile?.group !== undefined ? byName.get(c.inFile.group) : (inDb?.groupId ?? defaultGroup);
          if (cGroup !== undefined && cGroup !== groupId) {
            bad(header("components", "セット構成"), `構成商品 ${c.masterCode} はセットと別のグループです`, `component ${c.masterCode} is in another product group than the set`);
          }
        }
      }
      if (!account.allowCodeMapping && row.shops?.some((s) => s.mallCode)) {
        const s = row.shops.find((x) => x.mallCode)!;
        bad(shopHeader(s.shopId), "別品番紐づけはこのプランに含まれていません", "別品番紐づけ (code mapping) is not part of this account's plan");
      }
      for (const s of row.shops ?? []) {
        if (!s.mallCode) continue;
        const holder = taken.get(`${s.shopId}\u0000${s.mallCode}`);
        if (holder !== undefined && holder !== p?.id) bad(shopHeader(s.shopId), `モールコード ${s.mallCode} はこの店舗で別の商品に使われています`, `mall code ${s.mallCode} is already mapped to another product on this shop`);
      }
    }

    if (imp.kind === "mappings" && row.mallCode && row.shopId !== undefined) {
      if (!account.allowCodeMapping) bad(header("mallCode", "モールコード"), "別品番紐づけはこのプランに含まれていません", "別品番紐づけ (code mapping) is not part of this account's plan");
      const holder = taken.get(`${row.shopId}\u0000${row.mallCode}`);
      if (holder !== undefined && holder !== p?.id) bad(header("mallCode", "モールコード"), `モールコード ${row.mallCode} はこの店舗で別の商品に使われています`, `mall code ${row.mallCode} is already mapped to another product on this shop`);
    }

    if (errs.length === 0) {
      v.ok = true;
      validRows++;
      if (imp.kind === "products" && !p) v.newIndex = next++;
    }
    errors.push(...errs);
    verdicts.push(v);
  }
  return { verdicts, errors, validRows, newCount: next - newBefore };
}
