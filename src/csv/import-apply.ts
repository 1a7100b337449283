import { sql } from "drizzle-orm";
import type { Db } from "../env";
import type { Import } from "../db/queries/imports";
import { stockGroup } from "../stock/client";
import type { StockOp } from "../stock/types";
import { productsChanged } from "../sync/changes";
import { changedListings, upsertListings } from "./import-listings";
import { type Known, productsByCodes, type Verdict } from "./import-validate";
import type { RowError } from "./read";
import type { ImportRow } from "./rows";

// Applying one validated chunk. Every step is idempotent, so a chunk run again after a crash (or
// the whole import applied twice) changes nothing the second time: products are inserted with
// ON CONFLICT DO NOTHING and registered (registration of a registered product is a no-op), field
// updates write the same values again, and each stock row is a movement whose idempotency key is
// the import's id and the row's line (the ledger's ref says "import:<id>:<line>" too).
//
// Two passes over the file: plain products first, then sets, whose components may be new
// products anywhere in the file (an export lists codes alphabetically, sets among them).

const OPS_PER_CALL = 1000;

export interface ChunkApplied {
  rows: number;
  errors: RowError[];
}

type Pair = { row: ImportRow; v: Verdict };

export async function applyChunk(env: Env, db: Db, imp: Import, rows: ImportRow[], verdicts: Verdict[], pass: "plain" | "sets"): Promise<ChunkApplied> {
  const allowed = rows
    .map((row, i) => ({ row, v: verdicts[i] }))
    .filter(({ v }) => v.ok && (v.pid !== undefined || (v.newIndex ?? Infinity) < (imp.newAllowed ?? 0)));
  if (imp.kind === "stock") return pass === "plain" ? applyStock(env, db, imp, allowed) : { rows: 0, errors: [] };
  if (imp.kind === "mappings") return pass === "plain" ? applyMappings(env, db, imp, allowed) : { rows: 0, errors: [] };
  // Plain pass: everything but new sets (an existing set's fields, group and listings too); sets
  // pass: new sets, and existing sets given new components.
  if (pass === "plain") return applyPlain(env, db, imp, allowed.filter(({ v }) => !(v.isSet && v.pid === undefined)));
  return applySets(env, db, imp, allowed.filter(({ row, v }) => v.isSet && (v.pid === undefined || row.components)));
}

const opKey = (imp: Import, line: number) => `import:${imp.id}:${line}`;

async function applyPlain(env: Env, db: Db, imp: Import, pairs: Pair[]): Promise<ChunkApplied> {
  const accountId = imp.accountId;
  const errors: RowError[] = [];
  const now = Date.now();
  const fresh = pairs.filter(({ v }) => v.pid === undefined);
  const ids = await insertProducts(db, imp, fresh, false, now);
  // Registered in the StockGroup of its group, with no stock yet: its opening figure is a
  // movement below, keyed by the import like every other.
  await register(env, imp, fresh.filter(({ row }) => ids.get(row.code)?.groupId !== undefined).map(({ row }) => ({ productId: ids.get(row.code)!.id, masterCode: row.code, groupId: ids.get(row.code)!.groupId, isSet: false, components: [] })));
  for (const { row } of fresh) if (!ids.has(row.code)) errors.push(applyError(row, "同じマスターコードの商品が別に登録されました", "a product with this master code was registered meanwhile"));

  const current = await productsByCodes(db, accountId, pairs.filter(({ v }) => v.pid !== undefined).map(({ row }) => row.code));
  // A registered product deleted since validation is not brought back.
  const existing = pairs.filter(({ row, v }) => v.pid !== undefined && current.has(row.code));
  for (const { row } of pairs.filter(({ row, v }) => v.pid !== undefined && !current.has(row.code))) errors.push(applyError(row, "商品が削除されています", "the product was deleted meanwhile"));
  // Only what differs is written: re-importing an exported file changes nothing and sends nothing.
  const edits = existing.filter(({ row }) => differs(row, current.get(row.code)!));
  await updateFields(db, imp, edits, now);
  const changed = new Set<number>(edits.filter(({ row }) => figureRulesDiffer(row, current.get(row.code)!)).map(({ row }) => current.get(row.code)!.id));
  // Group moves, one call per (from, to): the StockGroup moves the whole set family and D1 follows it.
  const moves = new Map<string, number[]>();
  for (const { row, v } of existing) {
    const c = current.get(row.code);
    if (c && row.group !== undefined && v.groupId !== undefined && c.groupId !== v.groupId) {
      const k = `${c.groupId}:${v.groupId}`;
      moves.set(k, [...(moves.get(k) ?? []), c.id]);
    }
  }
  for (const [k, pids] of moves) {
    const [from, to] = k.split(":").map(Number);
    const ref = { accountId, groupId: from };
    const moved = await stockGroup(env, ref).moveOut(ref, pids, to, `import:${imp.id}:${k}:${pids[0]}`);
    if (!moved.ok) {
      for (const { row } of existing.filter(({ v }) => pids.includes(v.pid!))) errors.push(applyError(row, `グループを移せませんでした: ${moved.detail}`, `could not move the product to its group: ${moved.detail}`));
      continue;
    }
    await db.run(sql`UPDATE products SET group_id = ${to}, updated_at = ${now} WHERE account_id = ${accountId} AND id IN (SELECT value FROM json_each(${JSON.stringify(moved.moved)}))`);
    const byId = new Map([...current.values()].map((c) => [c.id, c]));
    for (const id of moved.moved) {
      changed.add(id);
      if (byId.has(id)) byId.get(id)!.groupId = to;
    }
  }

  const where = new Map<string, { id: number; groupId: number }>([...current.entries(), ...ids.entries()].map(([code, c]) => [code, { id: c.id, groupId: c.groupId }]));
  const listed = pairs.flatMap(({ row }) => (where.has(row.code) ? (row.shops ?? []).map((s) => ({ ...s, productId: where.get(row.code)!.id })) : []));
  const listingEdits = await changedListings(db, accountId, listed);
  await upsertListings(db, accountId, listingEdits, now);
  for (const l of listingEdits) changed.add(l.productId);
  errors.push(...(await moveStock(env, imp, pairs.filter(({ v }) => !v.isSet), where)));
  await productsChanged(env, db, accountId, [...changed]);
  return { rows: pairs.length - errors.length, errors };
}

async function applySets(env: Env, db: Db, imp: Import, pairs: Pair[]): Promise<ChunkApplied> {
  if (pairs.length === 0) return { rows: 0, errors: [] };
  const accountId = imp.accountId;
  const errors: RowError[] = [];
  const now = Date.now();
  const fresh = pairs.filter(({ v }) => v.pid === undefined);
  const ids = await insertProducts(db, imp, fresh, true, now);
  const all = await productsByCodes(db, accountId, [...pairs.map(({ row }) => row.code), ...pairs.flatMap(({ row }) => (row.components ?? []).map((c) => c.masterCode))]);
  const done: number[] = [];
  for (const { row, v } of pairs) {
    const set = all.get(row.code);
    // A new set someone else registered meanwhile under the same code is theirs, not ours to change.
    if (!set || (v.pid === undefined && !ids.has(row.code))) {
      errors.push(applyError(row, "同じマスターコードの商品が別に登録されました", "a product with this master code was registered meanwhile"));
      continue;
    }
    const comps = (row.components ?? []).map((c) => ({ productId: all.get(c.masterCode)?.id ?? -1, quantity: c.quantity }));
    const ref = { accountId, groupId: set.groupId };
    // One set per call: a set refused (a component moved away meanwhile) fails alone.
    const res = await stockGroup(env, ref).registerProducts(ref, [{ productId: set.id, masterCode: row.code, isSet: true, components: comps }], imp.appliedBy!);
    if (!res.ok) {
      errors.push(applyError(row, `セットを登録できませんでした: ${res.detail}`, `the set could not be registered: ${res.detail}`));
      continue;
    }
    await db.run(sql`DELETE FROM set_components WHERE account_id = ${accountId} AND set_id = ${set.id}`);
    await db.run(sql`INSERT INTO set_components (account_id, set_id, component_id, quantity)
                     SELECT ${accountId}, ${set.id}, json_extract(value, '$.productId'), json_extract(value, '$.quantity') FROM json_each(${JSON.stringify(comps)}) WHERE true`);
    done.push(set.id);
  }
  const where = new Map([...all.entries()].map(([code, c]) => [code, { id: c.id, groupId: c.groupId }]));
  await upsertListings(db, accountId, await changedListings(db, accountId, fresh.flatMap(({ row }) => (where.has(row.code) && ids.has(row.code) ? (row.shops ?? []).map((s) => ({ ...s, productId: where.get(row.code)!.id })) : []))), now);
  await productsChanged(env, db, accountId, done);
  // Counted here: the new sets (an existing set's row was counted by the plain pass).
  const failed = new Set(errors.map((e) => e.line));
  return { rows: fresh.filter(({ row }) => !failed.has(row.line)).length, errors };
}

async function applyStock(env: Env, db: Db, imp: Import, pairs: Pair[]): Promise<ChunkApplied> {
  const current = await productsByCodes(db, imp.accountId, pairs.map(({ row }) => row.code));
  const errors = await moveStock(env, imp, pairs, current);
  return { rows: pairs.length - errors.length, errors };
}

async function applyMappings(env: Env, db: Db, imp: Import, pairs: Pair[]): Promise<ChunkApplied> {
  const now = Date.now();
  const list = pairs.map(({ row, v }) => ({ productId: v.pid!, shopId: row.shopId!, mallCode: row.mallCode ?? null }));
  await upsertListings(db, imp.accountId, list, now, true);
  const byShop = new Map<number, number[]>();
  for (const l of list) byShop.set(l.shopId, [...(byShop.get(l.shopId) ?? []), l.productId]);
  for (const [shopId, pids] of byShop) await productsChanged(env, db, imp.accountId, pids, { shopIds: [shopId] });
  return { rows: pairs.length, errors: [] };
}

// ---- steps ------------------------------------------------------------------------------------

/** New products into D1 (ON CONFLICT DO NOTHING); answers code → id for those that are this import's. */
async function insertProducts(db: Db, imp: Import, pairs: Pair[], isSet: boolean, now: number) {
  if (pairs.length === 0) return new Map<string, { id: number; groupId: number }>();
  const values = pairs.map(({ row, v }) => ({ c: row.code, n: row.name ?? row.code, g: v.groupId, r: row.reserved ?? null, l: row.lowStock ?? null, m: row.syncMode ?? "auto" }));
  await db.run(sql`
    INSERT INTO products (account_id, master_code, name, group_id, reserved, low_stock_threshold, sync_mode, is_set, created_at, updated_at)
    SELECT ${imp.accountId}, json_extract(value, '$.c'), json_extract(value, '$.n'), json_extract(value, '$.g'), json_extract(value, '$.r'),
           json_extract(value, '$.l'), json_extract(value, '$.m'), ${isSet ? 1 : 0}, ${now}, ${now}
    FROM json_each(${JSON.stringify(values)}) WHERE true
    ON CONFLICT (account_id, master_code) DO NOTHING`);
  const found = await productsByCodes(db, imp.accountId, pairs.map(({ row }) => row.code));
  const out = new Map<string, { id: number; groupId: number }>();
  // A product someone else registered meanwhile under the same code (another group, or set-ness) is not ours to touch.
  for (const { row, v } of pairs) {
    const f = found.get(row.code);
    if (f && f.groupId === v.groupId && f.isSet === isSet) out.set(row.code, { id: f.id, groupId: f.groupId });
  }
  return out;
}

async function register(env: Env, imp: Import, items: { productId: number; masterCode: string; groupId: number; isSet: boolean; components: [] }[]) {
  const byGroup = new Map<number, typeof items>();
  for (const it of items) byGroup.set(it.groupId, [...(byGroup.get(it.groupId) ?? []), it]);
  for (const [groupId, list] of byGroup) {
    const ref = { accountId: imp.accountId, groupId };
    const res = await stockGroup(env, ref).registerProducts(ref, list.map(({ groupId: _, ...it }) => it), imp.appliedBy!);
    if (!res.ok) throw new Error(`registering products of import ${imp.id}: ${res.detail}`);
  }
}

async function updateFields(db: Db, imp: Import, pairs: Pair[], now: number) {
  const values = pairs
    .filter(({ row }) => row.name !== undefined || row.reserved !== undefined || row.lowStock !== undefined || row.syncMode !== undefined)
    .map(({ row, v }) => ({ id: v.pid, n: row.name ?? null, r: row.reserved ?? null, l: row.lowStock ?? null, m: row.syncMode ?? null }));
  if (values.length === 0) return;
  await db.run(sql`
    UPDATE products SET name = COALESCE(j.n, products.name), reserved = COALESCE(j.r, products.reserved),
           low_stock_threshold = COALESCE(j.l, products.low_stock_threshold), sync_mode = COALESCE(j.m, products.sync_mode), updated_at = ${now}
      FROM (SELECT json_extract(value, '$.id') AS id, json_extract(value, '$.n') AS n, json_extract(value, '$.r') AS r,
                   json_extract(value, '$.l') AS l, json_extract(value, '$.m') AS m FROM json_each(${JSON.stringify(values)})) AS j
     WHERE products.id = j.id AND products.account_id = ${imp.accountId}`);
}

const differs = (row: ImportRow, cur: Known) =>
  (row.name !== undefined && row.name !== cur.name) || (row.lowStock !== undefined && row.lowStock !== cur.lowStock) || figureRulesDiffer(row, cur);

/** 確保在庫 and 連動 change the figure a shop is sent without a movement. */
const figureRulesDiffer = (row: ImportRow, cur: Known) => (row.reserved !== undefined && row.reserved !== cur.reserved) || (row.syncMode !== undefined && row.syncMode !== cur.syncMode);

/** Each row's 総在庫数 as a movement (上書き: set, 加算・減算: adjust), batched per StockGroup. */
async function moveStock(env: Env, imp: Import, pairs: Pair[], where: Map<string, { id: number; groupId: number }>): Promise<RowError[]> {
  const byGroup = new Map<number, { row: ImportRow; op: StockOp }[]>();
  for (const { row } of pairs) {
    const p = where.get(row.code);
    if (row.onHand === undefined || !p) continue;
    const op: StockOp = {
      productId: p.id, masterCode: row.code, mode: imp.stockMode, quantity: row.onHand, actor: imp.appliedBy!,
      reason: opKey(imp, row.line), idempotencyKey: opKey(imp, row.line), quiet: true,
    };
    byGroup.set(p.groupId, [...(byGroup.get(p.groupId) ?? []), { row, op }]);
  }
  const errors: RowError[] = [];
  for (const [groupId, list] of byGroup) {
    const ref = { accountId: imp.accountId, groupId };
    for (let i = 0; i < list.length; i += OPS_PER_CALL) {
      const part = list.slice(i, i + OPS_PER_CALL);
      const res = await stockGroup(env, ref).changeStocks(ref, part.map((x) => x.op));
      res.forEach((r, k) => {
        if (!r.ok) errors.push(applyError(part[k].row, `在庫を変えられませんでした: ${r.detail}`, `the stock could not be changed: ${r.detail}`));
      });
    }
  }
  return errors;
}

const applyError = (row: ImportRow, message: string, messageEn: string): RowError => ({ line: row.line, column: "", message, messageEn });
