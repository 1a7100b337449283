import { and, eq, inArray, sql } from "drizzle-orm";
import type { z } from "zod";
import type { Db, Principal } from "../env";
import { getAccount } from "../db/queries/accounts";
import { getDefaultGroup, getGroup, getGroupByName, listGroups } from "../db/queries/groups";
import { operationInsert } from "../db/queries/logs";
import { countProducts, getComponents, getProductByCode, getProductsByCodes, type Product, projectedOnHand, setsUsing } from "../db/queries/products";
import { setComponentStock } from "../db/queries/stock";
import { products, setComponents, stock } from "../db/schema";
import { AppError, badRequest, conflict, forbidden, notFound, unavailable } from "../lib/errors";
import type { createProductBody, groupRef, patchProductBody, productOut } from "../schemas/api";
import { stockGroup } from "./client";
import { setBase } from "./figure";
import { liveStock } from "./live";

// Catalog changes that touch both D1 (what people search) and a StockGroup (what stock is).
// D1 is written first so the product has an id; the object is told next; if it refuses, the D1
// change is undone, so the two never disagree about which products exist.

type ProductOut = z.infer<typeof productOut>;

export async function resolveGroup(db: Db, accountId: number, ref: z.infer<typeof groupRef> | undefined) {
  if (ref === undefined) return getDefaultGroup(db, accountId);
  const g = typeof ref === "number" ? await getGroup(db, accountId, ref) : await getGroupByName(db, accountId, ref);
  if (!g) throw badRequest(`group ${JSON.stringify(ref)} does not exist`);
  return g;
}

async function resolveComponents(db: Db, accountId: number, groupId: number, comps: { masterCode: string; quantity: number }[]) {
  const found = await getProductsByCodes(db, accountId, comps.map((c) => c.masterCode));
  return comps.map((c) => {
    const p = found.find((f) => f.masterCode === c.masterCode);
    if (!p) throw badRequest(`component ${c.masterCode} does not exist`);
    if (p.isSet) throw badRequest(`component ${c.masterCode} is itself a set; sets are one level deep`);
    if (p.groupId !== groupId) {
      throw conflict(`component ${c.masterCode} is in another product group; a set and its components must share one group`);
    }
    return { productId: p.id, masterCode: p.masterCode, quantity: c.quantity };
  });
}

export async function toProductOut(db: Db, accountId: number, list: Product[]): Promise<ProductOut[]> {
  const onHand = await projectedOnHand(db, accountId, list);
  const comps = await getComponents(db, accountId, list.filter((p) => p.isSet).map((p) => p.id));
  const groups = new Map((await listGroups(db, accountId)).map((g) => [g.id, g]));
  return list.map((p) => ({
    masterCode: p.masterCode,
    name: p.name,
    group: { id: p.groupId, name: groups.get(p.groupId)?.name ?? "" },
    onHand: onHand.get(p.id) ?? 0,
    reserved: p.reserved,
    syncMode: p.syncMode,
    lowStockThreshold: p.lowStockThreshold,
    isSet: p.isSet,
    components: comps.filter((c) => c.setId === p.id).map((c) => ({ masterCode: c.masterCode, quantity: c.quantity })),
    updatedAt: new Date(p.updatedAt).toISOString(),
  }));
}

/** The product with its authoritative on_hand read from its StockGroup (not the projection). */
export async function readProduct(env: Env, db: Db, accountId: number, masterCode: string): Promise<ProductOut> {
  const p = await getProductByCode(db, accountId, masterCode);
  if (!p) throw notFound(`product ${masterCode} does not exist`);
  const [out] = await toProductOut(db, accountId, [p]);
  const ref = { accountId, groupId: p.groupId };
  if (!p.isSet) {
    const [row] = await stockGroup(env, ref).getStock(ref, [p.id]);
    if (row) out.onHand = row.onHand;
    return out;
  }
  const comps = await setComponentStock(db, accountId, [p.id], liveStock(env, ref));
  out.onHand = setBase(comps.get(p.id) ?? []);
  return out;
}

/**
 * What a caller changed beside the product itself in the same save (the dashboard's per-shop
 * settings), folded into the product's one 操作ログ entry.
 */
export interface LogExtra {
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export async function createProduct(env: Env, db: Db, who: Principal, body: z.infer<typeof createProductBody>, extra: LogExtra = {}): Promise<ProductOut> {
  const accountId = who.accountId;
  const account = await getAccount(db, accountId);
  if (!account) throw notFound("account does not exist");
  if ((await countProducts(db, accountId)) >= account.maxProducts) {
    throw forbidden(`The plan allows ${account.maxProducts} products and all are in use. 商品登録数がプランの上限 (${account.maxProducts}) に達しています。`);
  }
  if (await getProductByCode(db, accountId, body.masterCode)) throw conflict(`master code ${body.masterCode} is already registered`);
  const isSet = !!body.components;
  if (isSet && !account.allowSets) throw forbidden("セット管理 is not part of this account's plan");
  if (isSet && body.onHand !== undefined) throw badRequest("onHand: a set holds no stock of its own; its figure is derived from its components");
  const group = await resolveGroup(db, accountId, body.group);
  const comps = isSet ? await resolveComponents(db, accountId, group.id, body.components!) : [];

  const now = Date.now();
  let created: Product;
  try {
    [created] = await db
      .insert(products)
      .values({
        accountId, masterCode: body.masterCode, name: body.name, groupId: group.id, reserved: body.reserved ?? null,
        lowStockThreshold: body.lowStockThreshold ?? null, syncMode: body.syncMode ?? "auto", isSet, createdAt: now, updatedAt: now,
      })
      .returning();
  } catch (err) {
    if (String(err).includes("UNIQUE")) throw conflict(`master code ${body.masterCode} is already registered`);
    throw err;
  }
  const undo = () => db.delete(products).where(and(eq(products.accountId, accountId), eq(products.id, created.id)));
  try {
    if (comps.length) {
      await db.insert(setComponents).values(comps.map((c) => ({ accountId, setId: created.id, componentId: c.productId, quantity: c.quantity })));
    }
    const ref = { accountId, groupId: group.id };
    const res = await stockGroup(env, ref).registerProducts(
      ref,
      [{ productId: created.id, masterCode: created.masterCode, isSet, components: comps, onHand: body.onHand }],
      who.actor,
    );
    if (!res.ok) throw conflict(res.detail);
  } catch (err) {
    await undo();
    if (err instanceof AppError) throw err;
    throw unavailable(`the stock service could not register ${body.masterCode}; nothing was saved, try again`);
  }
  // Logged once the product really exists on both sides.
  await operationInsert(db, accountId, { actor: who.actor, action: "product.create", target: body.masterCode, after: { ...body, ...extra.after } }, now);
  return readProduct(env, db, accountId, body.masterCode);
}

export async function updateProduct(env: Env, db: Db, who: Principal, masterCode: string, body: z.infer<typeof patchProductBody>, extra: LogExtra = {}): Promise<ProductOut> {
  const accountId = who.accountId;
  const p = await getProductByCode(db, accountId, masterCode);
  if (!p) throw notFound(`product ${masterCode} does not exist`);
  const [before] = await toProductOut(db, accountId, [p]);
  let groupId = p.groupId;

  if (body.group !== undefined) {
    const target = await resolveGroup(db, accountId, body.group);
    if (target.id !== p.groupId) {
      const from = { accountId, groupId: p.groupId };
      const moved = await stockGroup(env, from).moveOut(from, [p.id], target.id, crypto.randomUUID());
      if (!moved.ok) throw conflict(moved.detail);
      // The whole set family moves together; D1 follows the objects.
      await db.update(products).set({ groupId: target.id, updatedAt: Date.now() }).where(and(eq(products.accountId, accountId), inArray(products.id, moved.moved)));
      groupId = target.id;
    }
  }

  if (body.components !== undefined) {
    if (!p.isSet) throw badRequest("components: only a set has components; a product cannot become a set");
    const comps = await resolveComponents(db, accountId, groupId, body.components);
    const ref = { accountId, groupId };
    const res = await stockGroup(env, ref).registerProducts(ref, [{ productId: p.id, masterCode: p.masterCode, isSet: true, components: comps }], who.actor);
    if (!res.ok) throw conflict(res.detail);
    await db.batch([
      db.delete(setComponents).where(and(eq(setComponents.accountId, accountId), eq(setComponents.setId, p.id))),
      db.insert(setComponents).values(comps.map((c) => ({ accountId, setId: p.id, componentId: c.productId, quantity: c.quantity }))),
    ]);
  }

  const fields = {
    ...(body.name !== undefined && { name: body.name }),
    ...(body.reserved !== undefined && { reserved: body.reserved }),
    ...(body.lowStockThreshold !== undefined && { lowStockThreshold: body.lowStockThreshold }),
    ...(body.syncMode !== undefined && { syncMode: body.syncMode }),
  };
  const now = Date.now();
  await db.batch([
    db.update(products).set({ ...fields, updatedAt: now }).where(and(eq(products.accountId, accountId), eq(products.id, p.id))),
    operationInsert(db, accountId, { actor: who.actor, action: "product.update", target: masterCode, before: { ...before, ...extra.before }, after: { ...body, ...extra.after } }, now),
  ]);
  return readProduct(env, db, accountId, masterCode);
}

export async function deleteProduct(env: Env, db: Db, who: Principal, masterCode: string) {
  const accountId = who.accountId;
  const p = await getProductByCode(db, accountId, masterCode);
  if (!p) throw notFound(`product ${masterCode} does not exist`);
  const usedBy = await setsUsing(db, accountId, [p.id]);
  if (usedBy.length) throw conflict(`${masterCode} is a component of a set; remove it from the set first`);
  const [before] = await toProductOut(db, accountId, [p]);
  const ref = { accountId, groupId: p.groupId };
  const res = await stockGroup(env, ref).removeProduct(ref, p.id);
  if (!res.ok) throw conflict(res.detail);
  await db.batch([
    db.delete(products).where(and(eq(products.accountId, accountId), eq(products.id, p.id))),
    db.delete(stock).where(and(eq(stock.accountId, accountId), eq(stock.productId, p.id))),
    operationInsert(db, accountId, { actor: who.actor, action: "product.delete", target: masterCode, before }),
  ]);
}

/** The most products one bulk registration takes (one request, a few D1 statements, one call per group). */
export const BULK_MAX = 1000;

/**
 * Registers many plain products at once (sets go one by one: their components must exist first):
 * all or nothing. D1 gets them in a few statements (one JSON parameter each), then each group's
 * StockGroup registers its share in one call; if one refuses, every row is taken back out of D1.
 */
export async function createProducts(env: Env, db: Db, who: Principal, items: z.infer<typeof createProductBody>[]): Promise<{ created: number; masterCodes: string[] }> {
  const accountId = who.accountId;
  const account = await getAccount(db, accountId);
  if (!account) throw notFound("account does not exist");
  const sets = items.flatMap((it, i) => (it.components ? [`items[${i}] (${it.masterCode})`] : []));
  if (sets.length) throw badRequest(`sets cannot be registered in bulk (their components must exist first): ${sets.join(", ")}`);
  const seen = new Set<string>();
  const twice = items.filter((it) => (seen.has(it.masterCode) ? true : (seen.add(it.masterCode), false))).map((it) => it.masterCode);
  if (twice.length) throw badRequest(`master codes appear more than once: ${[...new Set(twice)].join(", ")}`);
  const free = account.maxProducts - (await countProducts(db, accountId));
  if (items.length > free) {
    throw forbidden(`The plan allows ${account.maxProducts} products; ${Math.max(0, free)} more fit, not ${items.length}. 商品登録数がプランの上限 (${account.maxProducts}) を超えます (あと ${Math.max(0, free)} 件)。`);
  }
  const taken = await getProductsByCodes(db, accountId, items.map((it) => it.masterCode));
  if (taken.length) throw conflict(`master codes already registered: ${taken.map((p) => p.masterCode).join(", ")}`);
  const groupOf = new Map<string, Awaited<ReturnType<typeof resolveGroup>>>();
  for (const it of items) {
    const key = JSON.stringify(it.group ?? null);
    if (!groupOf.has(key)) groupOf.set(key, await resolveGroup(db, accountId, it.group));
  }

  const now = Date.now();
  const rows = items.map((it) => ({
    masterCode: it.masterCode, name: it.name, groupId: groupOf.get(JSON.stringify(it.group ?? null))!.id, reserved: it.reserved ?? null,
    lowStockThreshold: it.lowStockThreshold ?? null, syncMode: it.syncMode ?? "auto", onHand: it.onHand,
  }));
  const ids = new Map<string, number>();
  try {
    for (let i = 0; i < rows.length; i += 500) {
      const part = rows.slice(i, i + 500);
      const out = await db.all<{ id: number; master_code: string }>(sql`
        INSERT INTO products (account_id, master_code, name, group_id, reserved, low_stock_threshold, sync_mode, is_set, created_at, updated_at)
        SELECT ${accountId}, json_extract(value, '$.masterCode'), json_extract(value, '$.name'), json_extract(value, '$.groupId'),
               json_extract(value, '$.reserved'), json_extract(value, '$.lowStockThreshold'), json_extract(value, '$.syncMode'), 0, ${now}, ${now}
        FROM json_each(${JSON.stringify(part)}) WHERE true
        RETURNING id, master_code`);
      for (const r of out) ids.set(r.master_code, r.id);
    }
  } catch (err) {
    await undoProducts(db, accountId, [...ids.values()]);
    if (String(err).includes("UNIQUE")) throw conflict("a master code was registered meanwhile; nothing was saved, try again");
    throw err;
  }
  try {
    const byGroup = new Map<number, typeof rows>();
    for (const r of rows) {
      if (!byGroup.has(r.groupId)) byGroup.set(r.groupId, []);
      byGroup.get(r.groupId)!.push(r);
    }
    for (const [groupId, list] of byGroup) {
      const ref = { accountId, groupId };
      for (let i = 0; i < list.length; i += 500) {
        const res = await stockGroup(env, ref).registerProducts(
          ref,
          list.slice(i, i + 500).map((r) => ({ productId: ids.get(r.masterCode)!, masterCode: r.masterCode, isSet: false, components: [], onHand: r.onHand })),
          who.actor,
        );
        if (!res.ok) throw conflict(res.detail);
      }
    }
  } catch (err) {
    // The objects that did register keep a product D1 no longer has: harmless (nothing sells a
    // code D1 does not know), and a retry registers fresh ids.
    await undoProducts(db, accountId, [...ids.values()]);
    if (err instanceof AppError) throw err;
    throw unavailable("the stock service could not register the products; nothing was saved, try again");
  }
  const masterCodes = rows.map((r) => r.masterCode);
  await operationInsert(db, accountId, { actor: who.actor, action: "product.bulk_create", target: `${masterCodes.length} products`, after: { masterCodes } }, now);
  return { created: masterCodes.length, masterCodes };
}

async function undoProducts(db: Db, accountId: number, ids: number[]) {
  for (let i = 0; i < ids.length; i += 90) await db.delete(products).where(and(eq(products.accountId, accountId), inArray(products.id, ids.slice(i, i + 90))));
}
