import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { getProductByCode, listProducts } from "../../db/queries/products";
import { getAccount } from "../../db/queries/accounts";
import { operationInsert } from "../../db/queries/logs";
import { getListing, listingByMallCode, upsertListing } from "../../db/queries/shops";
import { conflict, forbidden, notFound } from "../../lib/errors";
import { mallCodeOf } from "../../malls/registry";
import { validate } from "../../lib/validate";
import { createProductBody, listingBody, listProductsQuery, masterCode, movementsQuery, patchProductBody, stockBody } from "../../schemas/api";
import { createProduct, deleteProduct, readProduct, resolveGroup, toProductOut, updateProduct } from "../../stock/catalog";
import { stockGroup } from "../../stock/client";
import { figuresFor } from "../../stock/figures";
import { decodeCursor, encodeCursor } from "./cursor";
import { ownedShop } from "./shops";

export const productsApi = new Hono<AppEnv>();

async function owned(c: { get: (k: "db") => AppEnv["Variables"]["db"] }, accountId: number, code: string) {
  const parsed = masterCode.safeParse(code);
  const p = parsed.success ? await getProductByCode(c.get("db"), accountId, code) : undefined;
  if (!p) throw notFound(`product ${code} does not exist`);
  return p;
}

productsApi.get("/", validate("query", listProductsQuery), async (c) => {
  const q = c.req.valid("query");
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const groupId = q.group === undefined ? undefined : (await resolveGroup(db, accountId, /^\d+$/.test(q.group) ? Number(q.group) : q.group)).id;
  const page = await listProducts(db, accountId, { query: q.query, groupId, status: q.status, after: decodeCursor(q.cursor), limit: q.limit + 1 });
  const more = page.length > q.limit;
  const items = await toProductOut(db, accountId, page.slice(0, q.limit));
  return c.json({ items, nextCursor: more ? encodeCursor(items[items.length - 1].masterCode) : null });
});

productsApi.post("/", validate("json", createProductBody), async (c) => {
  const out = await createProduct(c.env, c.get("db"), c.get("principal"), c.req.valid("json"));
  return c.json(out, 201);
});

productsApi.get("/:code", async (c) => {
  return c.json(await readProduct(c.env, c.get("db"), c.get("principal").accountId, c.req.param("code")));
});

productsApi.patch("/:code", validate("json", patchProductBody), async (c) => {
  const who = c.get("principal");
  return c.json(await updateProduct(c.env, c.get("db"), who, c.req.param("code"), c.req.valid("json")));
});

productsApi.delete("/:code", async (c) => {
  const who = c.get("principal");
  await deleteProduct(c.env, c.get("db"), who, c.req.param("code"));
  return c.body(null, 204);
});

productsApi.post("/:code/stock", validate("json", stockBody), async (c) => {
  const who = c.get("principal");
  const p = await owned(c, who.accountId, c.req.param("code"));
  const body = c.req.valid("json");
  const ref = { accountId: who.accountId, groupId: p.groupId };
  const res = await stockGroup(c.env, ref).changeStock(ref, {
    productId: p.id, masterCode: p.masterCode, mode: body.mode, quantity: body.quantity, reason: body.reason,
    idempotencyKey: body.idempotencyKey, actor: who.actor,
  });
  if (!res.ok) throw conflict(res.detail);
  return c.json({ onHand: res.onHand, duplicate: res.duplicate });
});

productsApi.get("/:code/movements", validate("query", movementsQuery), async (c) => {
  const { accountId } = c.get("principal");
  const p = await owned(c, accountId, c.req.param("code"));
  const q = c.req.valid("query");
  const before = q.cursor ? Number(decodeCursor(q.cursor)) : null;
  const ref = { accountId, groupId: p.groupId };
  const rows = await stockGroup(c.env, ref).getMovements(ref, p.id, Number.isFinite(before) ? before : null, q.limit + 1);
  const more = rows.length > q.limit;
  const items = rows.slice(0, q.limit).map((m) => ({ ...m, at: new Date(m.at).toISOString() }));
  return c.json({ masterCode: p.masterCode, items, nextCursor: more ? encodeCursor(String(items[items.length - 1].id)) : null });
});

productsApi.get("/:code/figures", async (c) => {
  const { accountId } = c.get("principal");
  const p = await owned(c, accountId, c.req.param("code"));
  return c.json({ masterCode: p.masterCode, shops: await figuresFor(c.env, c.get("db"), accountId, p) });
});

// 管理 対象/対象外, 別品番紐づけ and the 手動 figure of one product on one shop.
productsApi.put("/:code/shops/:shopId", validate("json", listingBody), async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const p = await owned(c, accountId, c.req.param("code"));
  const shop = await ownedShop(db, accountId, c.req.param("shopId"));
  const body = c.req.valid("json");
  const mallCode = body.mallCode ?? null;
  if (mallCode !== null) {
    const account = await getAccount(db, accountId);
    if (!account?.allowCodeMapping) throw forbidden("別品番紐づけ is not part of this account's plan");
    const taken = await listingByMallCode(db, accountId, shop.id, mallCode);
    if (taken && taken.productId !== p.id) throw conflict(`mall code ${mallCode} is already mapped to another product on shop ${shop.id}`);
  }
  const before = await getListing(db, accountId, p.id, shop.id);
  const row = await upsertListing(db, accountId, p.id, shop.id, { managed: body.managed, mallCode, manualFigure: body.manualFigure ?? null });
  await operationInsert(db, accountId, {
    actor,
    action: "listing.update",
    target: p.masterCode,
    before: before ? { shopId: shop.id, managed: before.managed, mallCode: before.mallCode, manualFigure: before.manualFigure } : null,
    after: { shopId: shop.id, ...body },
  });
  return c.json({
    masterCode: p.masterCode,
    shopId: shop.id,
    managed: row.managed,
    mallCode: row.mallCode,
    effectiveMallCode: mallCodeOf(shop.kind, p.masterCode, row.mallCode),
    manualFigure: row.manualFigure,
    lastSentFigure: row.lastSentFigure,
  });
});
