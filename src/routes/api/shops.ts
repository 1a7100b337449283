import { Hono } from "hono";
import { z } from "zod";
import type { AppEnv, Db } from "../../env";
import { getAccount, getSettings } from "../../db/queries/accounts";
import { operationInsert } from "../../db/queries/logs";
import { getProductsByCodes } from "../../db/queries/products";
import { countShops, deleteShop, getListing, getShop, insertShop, listShops, type Shop, updateShop } from "../../db/queries/shops";
import { AppError, badRequest, conflict, forbidden, notFound } from "../../lib/errors";
import { validate } from "../../lib/validate";
import { mallContext, sealCredentials } from "../../malls/context";
import { adapterFor, mallCodeOf } from "../../malls/registry";
import { MallError } from "../../malls/types";
import { createShopBody, patchShopBody, pushQuery, shopStockQuery } from "../../schemas/api";
import { shopWarnings, testShopConnection } from "../../sync/connection-test";
import { pullShop, pushShop } from "../../sync/shop-sync";

export const shopsApi = new Hono<AppEnv>();

/** A shop as the API shows it: credentials are never returned, only whether they are set. */
export function shopOut(s: Shop) {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    id: s.id,
    kind: s.kind,
    name: s.name,
    importEnabled: s.importEnabled,
    updateEnabled: s.updateEnabled,
    cancelPolicy: s.cancelPolicy,
    ratio: s.ratio,
    salesLimit: s.salesLimit,
    baseUrl: s.baseUrl,
    credentials: { configured: !!s.credentialsEnc },
    credentialsExpireAt: iso(s.credentialsExpireAt),
    status: s.status,
    lastTest: s.lastTestAt ? { at: iso(s.lastTestAt), ok: s.lastTestOk, reason: s.lastTestReason } : null,
    lastImportAt: iso(s.lastImportAt),
    lastPushAt: iso(s.lastPushAt),
    lastError: s.lastError,
    warnings: shopWarnings(s),
  };
}

function parseCredentials(kind: string, raw: unknown) {
  const parsed = adapterFor(kind).credentialsSchema.safeParse(raw);
  if (!parsed.success) {
    // Name the fields, never echo their values.
    const issues = parsed.error.issues.map((i: z.core.$ZodIssue) => ({ path: ["credentials", ...i.path].join("."), message: i.message }));
    throw new AppError(400, "Invalid request", issues.map((i) => `${i.path}: ${i.message}`).join("; "), { issues });
  }
  return parsed.data;
}

export async function ownedShop(db: Db, accountId: number, id: string): Promise<Shop> {
  const shop = /^\d+$/.test(id) ? await getShop(db, accountId, Number(id)) : undefined;
  if (!shop) throw notFound(`shop ${id} does not exist`);
  return shop;
}

/** A whole-call mall failure, as a problem the API client can act on. */
function mallProblem(err: unknown): never {
  if (!(err instanceof MallError)) throw err;
  const extra = { errorClass: err.errorClass, ...(err.opts.retryAfterSec !== undefined && { retryAfterSec: err.opts.retryAfterSec }) };
  if (err.errorClass === "rate") throw new AppError(503, "Mall rate limit", `the mall asked to wait: ${err.message}`, extra);
  throw new AppError(502, "Mall error", `${err.errorClass}: ${err.message}`, extra);
}

shopsApi.get("/", async (c) => c.json({ items: (await listShops(c.get("db"), c.get("principal").accountId)).map(shopOut) }));

shopsApi.post("/", validate("json", createShopBody), async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const body = c.req.valid("json");
  const account = await getAccount(db, accountId);
  if (!account) throw notFound("account does not exist");
  if ((await countShops(db, accountId)) >= account.maxShops) {
    throw forbidden(`The plan allows ${account.maxShops} shops and all are in use. 店舗数がプランの上限 (${account.maxShops}) に達しています。`);
  }
  const credentials = parseCredentials(body.kind, body.credentials);
  const { credentials: _, ...rest } = body;
  let shop = await insertShop(db, accountId, { ...rest, baseUrl: body.baseUrl ?? null });
  // Sealed with the shop's own id as associated data, so a ciphertext moved to another row fails.
  shop = (await updateShop(db, accountId, shop.id, { credentialsEnc: await sealCredentials(c.env, shop, credentials) }))!;
  await operationInsert(db, accountId, { actor, action: "shop.create", target: String(shop.id), after: { kind: shop.kind, name: shop.name } });
  return c.json(shopOut(shop), 201);
});

shopsApi.get("/:id", async (c) => c.json(shopOut(await ownedShop(c.get("db"), c.get("principal").accountId, c.req.param("id")))));

shopsApi.patch("/:id", validate("json", patchShopBody), async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const shop = await ownedShop(db, accountId, c.req.param("id"));
  const { credentials, ...body } = c.req.valid("json");
  const sealed = credentials === undefined ? {} : { credentialsEnc: await sealCredentials(c.env, shop, parseCredentials(shop.kind, credentials)), status: "ok" as const, lastError: null };
  const updated = (await updateShop(db, accountId, shop.id, { ...body, ...sealed }))!;
  const changed = { ...body, ...(credentials !== undefined && { credentials: "(replaced)" }) };
  await operationInsert(db, accountId, { actor, action: "shop.update", target: String(shop.id), before: shopOut(shop), after: changed });
  return c.json(shopOut(updated));
});

shopsApi.delete("/:id", async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const shop = await ownedShop(db, accountId, c.req.param("id"));
  await deleteShop(db, accountId, shop.id);
  await operationInsert(db, accountId, { actor, action: "shop.delete", target: String(shop.id), before: shopOut(shop) });
  return c.body(null, 204);
});

// 接続テスト: one cheap real call; the result and the credential expiry are stored on the shop.
shopsApi.post("/:id/test", async (c) => {
  const shop = await ownedShop(c.get("db"), c.get("principal").accountId, c.req.param("id"));
  const res = await testShopConnection(c.env, c.get("db"), shop);
  return c.json({
    ok: res.ok,
    ...(res.reason && { reason: res.reason }),
    ...(res.errorClass && { errorClass: res.errorClass }),
    ...(res.expiresAt !== undefined && { expiresAt: new Date(res.expiresAt).toISOString() }),
  });
});

async function requireSync(db: Db, accountId: number) {
  const settings = await getSettings(db, accountId);
  if (settings && !settings.syncEnabled) throw conflict("在庫連動 is stopped for this account; start it in システム設定 first");
}

shopsApi.post("/:id/pull", async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const shop = await ownedShop(db, accountId, c.req.param("id"));
  await requireSync(db, accountId);
  if (!shop.importEnabled) throw conflict(`取込み is off for shop ${shop.id}`);
  const res = await pullShop(c.env, db, shop).catch(mallProblem);
  return c.json(res);
});

shopsApi.post("/:id/push", validate("query", pushQuery), async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const shop = await ownedShop(db, accountId, c.req.param("id"));
  await requireSync(db, accountId);
  if (!shop.updateEnabled) throw conflict(`モール更新 is off for shop ${shop.id}`);
  const items = await pushShop(c.env, db, shop, { all: c.req.valid("query").all === "true" }).catch(mallProblem);
  return c.json({ sent: items.filter((i) => i.ok).length, failed: items.filter((i) => !i.ok).length, items });
});

shopsApi.get("/:id/stock", validate("query", shopStockQuery), async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const shop = await ownedShop(db, accountId, c.req.param("id"));
  const codes = c.req.valid("query").codes;
  const found = await getProductsByCodes(db, accountId, codes);
  const missing = codes.filter((code) => !found.some((p) => p.masterCode === code));
  if (missing.length) throw badRequest(`codes: unknown master codes ${missing.join(", ")}`);
  const rows = await Promise.all(found.map(async (p) => ({ p, l: await getListing(db, accountId, p.id, shop.id) })));
  const items = rows.map(({ p, l }) => ({ masterCode: p.masterCode, mallCode: mallCodeOf(shop.kind, p.masterCode, l?.mallCode), lastSentFigure: l?.lastSentFigure ?? null }));
  const ctx = await mallContext(c.env, db, shop);
  const live = await adapterFor(shop.kind)
    .readStock(ctx, items.map((i) => i.mallCode))
    .catch(mallProblem);
  return c.json({ items: items.map((i) => ({ ...i, quantity: live.find((r) => r.mallCode === i.mallCode)?.quantity ?? null })) });
});
