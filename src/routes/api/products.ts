import type { Db } from "../../env";
import { getProductByCode, listProducts } from "../../db/queries/products";
import { conflict, notFound } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { mallCodeOf } from "../../malls/registry";
import { productsChanged } from "../../sync/changes";
import { updateListing } from "../../sync/listing-update";
import { createProduct, createProducts, deleteProduct, readProduct, resolveGroup, toProductOut, updateProduct } from "../../stock/catalog";
import { stockGroup } from "../../stock/client";
import { figuresFor } from "../../stock/figures";
import { decodeCursor, encodeCursor } from "./cursor";
import * as r from "./products-routes";
import { ownedShop } from "./shops";

export const productsApi = apiRouter();

async function owned(db: Db, accountId: number, code: string) {
  const p = await getProductByCode(db, accountId, code);
  if (!p) throw notFound(`product ${code} does not exist`);
  return p;
}

productsApi.openapi(r.listProductsRoute, async (c) => {
  const q = c.req.valid("query");
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const groupId = q.group === undefined ? undefined : (await resolveGroup(db, accountId, /^\d+$/.test(q.group) ? Number(q.group) : q.group)).id;
  const page = await listProducts(db, accountId, { query: q.query, groupId, status: q.status, after: decodeCursor(q.cursor), limit: q.limit + 1 });
  const more = page.length > q.limit;
  const items = await toProductOut(db, accountId, page.slice(0, q.limit));
  return c.json({ items, nextCursor: more ? encodeCursor(items[items.length - 1].masterCode) : null }, 200);
});

productsApi.openapi(r.createProductRoute, async (c) => {
  const out = await createProduct(c.env, c.get("db"), c.get("principal"), c.req.valid("json"));
  return c.json(out, 201);
});

productsApi.openapi(r.bulkCreateRoute, async (c) => {
  return c.json(await createProducts(c.env, c.get("db"), c.get("principal"), c.req.valid("json").items), 201);
});

productsApi.openapi(r.getProductRoute, async (c) => {
  return c.json(await readProduct(c.env, c.get("db"), c.get("principal").accountId, c.req.valid("param").masterCode), 200);
});

productsApi.openapi(r.patchProductRoute, async (c) => {
  const who = c.get("principal");
  const body = c.req.valid("json");
  const out = await updateProduct(c.env, c.get("db"), who, c.req.valid("param").masterCode, body);
  // 確保在庫, 連動 or a set's components change the figure without a movement.
  if ("reserved" in body || "syncMode" in body || "components" in body) {
    const p = await owned(c.get("db"), who.accountId, out.masterCode);
    await productsChanged(c.env, c.get("db"), who.accountId, [p.id]);
  }
  return c.json(out, 200);
});

productsApi.openapi(r.deleteProductRoute, async (c) => {
  await deleteProduct(c.env, c.get("db"), c.get("principal"), c.req.valid("param").masterCode);
  return c.body(null, 204);
});

productsApi.openapi(r.stockRoute, async (c) => {
  const who = c.get("principal");
  const p = await owned(c.get("db"), who.accountId, c.req.valid("param").masterCode);
  const body = c.req.valid("json");
  const ref = { accountId: who.accountId, groupId: p.groupId };
  const res = await stockGroup(c.env, ref).changeStock(ref, {
    productId: p.id, masterCode: p.masterCode, mode: body.mode, quantity: body.quantity, reason: body.reason,
    idempotencyKey: body.idempotencyKey, actor: who.actor,
  });
  if (!res.ok) throw conflict(res.detail);
  return c.json({ onHand: res.onHand, duplicate: res.duplicate }, 200);
});

productsApi.openapi(r.movementsRoute, async (c) => {
  const { accountId } = c.get("principal");
  const p = await owned(c.get("db"), accountId, c.req.valid("param").masterCode);
  const q = c.req.valid("query");
  const before = q.cursor ? Number(decodeCursor(q.cursor)) : null;
  const ref = { accountId, groupId: p.groupId };
  const rows = await stockGroup(c.env, ref).getMovements(ref, p.id, Number.isFinite(before) ? before : null, q.limit + 1);
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit).map((m) => ({ ...m, at: new Date(m.at).toISOString() }));
  return c.json({ masterCode: p.masterCode, items, nextCursor: more ? encodeCursor(String(items[items.length - 1].id)) : null }, 200);
});

productsApi.openapi(r.figuresRoute, async (c) => {
  const { accountId } = c.get("principal");
  const p = await owned(c.get("db"), accountId, c.req.valid("param").masterCode);
  return c.json({ masterCode: p.masterCode, shops: await figuresFor(c.env, c.get("db"), accountId, p) }, 200);
});

// 管理 対象/対象外, 別品番紐づけ and the 手動 figure of one product on one shop (src/sync/listing-update.ts).
productsApi.openapi(r.listingRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const params = c.req.valid("param");
  const p = await owned(db, accountId, params.masterCode);
  const shop = await ownedShop(db, accountId, params.shopId);
  const row = await updateListing(c.env, db, accountId, actor, p, shop, c.req.valid("json"));
  return c.json(
    {
      masterCode: p.masterCode,
      shopId: shop.id,
      managed: row.managed,
      mallCode: row.mallCode,
      effectiveMallCode: mallCodeOf(shop.kind, p.masterCode, row.mallCode),
      manualFigure: row.manualFigure,
      lastSentFigure: row.lastSentFigure,
    },
    200,
  );
});
