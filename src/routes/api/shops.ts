import type { z } from "@hono/zod-openapi";
import type { Db } from "../../env";
import { getAccount } from "../../db/queries/accounts";
import { operationInsert } from "../../db/queries/logs";
import { cancelShopParts } from "../../db/queries/jobs";
import { getProductsByCodes } from "../../db/queries/products";
import {
  countShops,
  deleteShop,
  failingListingCounts,
  getListing,
  getShop,
  HEALTH_LABEL,
  insertShop,
  listShops,
  type Shop,
  shopHealth,
  updateShop,
} from "../../db/queries/shops";
import { AppError, badRequest, conflict, forbidden, notFound } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { sealCredentials } from "../../malls/context";
import { adapterFor, isMailKind, mallCodeOf } from "../../malls/registry";
import { type MallKind, MallError } from "../../malls/types";
import { shopChanged } from "../../sync/changes";
import { shopWarnings } from "../../sync/connection-test";
import { shopSync, syncPull, syncPush, syncRead } from "../../sync/shop-sync-client";
import { startResync } from "../../sync/resync";
import { jobOut, requireSyncOn } from "./jobs";
import type { createShopBody, patchShopBody } from "../../schemas/api-shops";
import * as r from "./shops-routes";

export const shopsApi = apiRouter();

/** What the shop's ShopSync holds: products waiting to be sent and how long sending took lately. */
export interface SyncView {
  dirty: number;
  lag: { p50Ms: number | null; p95Ms: number | null; samples: number };
}
const NO_SYNC: SyncView = { dirty: 0, lag: { p50Ms: null, p95Ms: null, samples: 0 } };

export async function syncView(env: Env, accountId: number, shopId: number): Promise<SyncView> {
  const ref = { accountId, shopId };
  const st = await shopSync(env, ref).status(ref);
  return { dirty: st.dirty, lag: { p50Ms: st.lag.p50, p95Ms: st.lag.p95, samples: st.lag.samples } };
}

/** A shop as the API shows it: credentials are never returned, only whether they are set. */
export function shopOut(s: Shop, failingListings: number, sync: SyncView = NO_SYNC): z.infer<typeof r.shopSchema> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  const health = shopHealth(s, failingListings);
  return {
    id: s.id,
    kind: s.kind as MallKind,
    intake: isMailKind(s.kind) ? ("mail" as const) : ("api" as const),
    name: s.name,
    importEnabled: s.importEnabled,
    updateEnabled: s.updateEnabled,
    cancelPolicy: s.cancelPolicy,
    driftPolicy: s.driftPolicy,
    ratio: s.ratio,
    salesLimit: s.salesLimit,
    baseUrl: s.baseUrl,
    credentials: { configured: !!s.credentialsEnc },
    credentialsExpireAt: iso(s.credentialsExpireAt),
    status: s.status,
    failingListings,
    // Waiting in the ShopSync plus refused by the mall (a refused item may also be waiting).
    unreflected: sync.dirty + failingListings,
    lag: sync.lag,
    health,
    healthLabel: HEALTH_LABEL[health] as z.infer<typeof r.shopSchema>["healthLabel"],
    lastTest: s.lastTestAt ? { at: iso(s.lastTestAt), ok: s.lastTestOk, reason: s.lastTestReason } : null,
    lastImportAt: iso(s.lastImportAt),
    lastPushAt: iso(s.lastPushAt),
    lastError: s.lastError,
    warnings: shopWarnings(s),
  };
}

/** With `env`, each shop's ShopSync is asked for its 未反映 count and lag. */
export async function shopsOut(db: Db, accountId: number, list: Shop[], env?: Env) {
  const [failing, sync] = await Promise.all([
    failingListingCounts(db, accountId, list.map((s) => s.id)),
    Promise.all(list.map((s) => (env ? syncView(env, accountId, s.id) : NO_SYNC))),
  ]);
  return list.map((s, i) => shopOut(s, failing.get(s.id) ?? 0, sync[i]));
}

function parseCredentials(kind: string, raw: unknown) {
  const parsed = adapterFor(kind).credentialsSchema.safeParse(raw);
  if (!parsed.success) {
    // Name the fields, never echo their values.
    const issues = parsed.error.issues.map((i) => ({ path: ["credentials", ...i.path].join("."), message: i.message }));
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

shopsApi.openapi(r.listShopsRoute, async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  return c.json({ items: await shopsOut(db, accountId, await listShops(db, accountId), c.env) }, 200);
});

shopsApi.openapi(r.createShopRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const shop = await createShop(c.env, c.get("db"), accountId, actor, c.req.valid("json"));
  return c.json(shopOut(shop, 0, await syncView(c.env, accountId, shop.id)), 201);
});

/**
 * Connects a shop within the plan: credentials (already parsed by the mall's schema) are sealed
 * with the shop's own id, logged without them. The API and the モール設定 page share it.
 */
export async function createShop(env: Env, db: Db, accountId: number, actor: string, body: z.infer<typeof createShopBody>): Promise<Shop> {
  const { credentials, ...rest } = body;
  const account = await getAccount(db, accountId);
  if (!account) throw notFound("account does not exist");
  if ((await countShops(db, accountId)) >= account.maxShops) {
    throw forbidden(`The plan allows ${account.maxShops} shops and all are in use. 店舗数がプランの上限 (${account.maxShops}) に達しています。`);
  }
  if (isMailKind(body.kind)) {
    // An e-mail cart: nothing to seal, nothing to push. Its sales arrive through the inbound address.
    const shop = await insertShop(db, accountId, { ...rest, updateEnabled: false, baseUrl: null });
    await operationInsert(db, accountId, { actor, action: "shop.create", target: String(shop.id), after: { kind: shop.kind, name: shop.name } });
    return shop;
  }
  const api = rest as Extract<typeof rest, { baseUrl?: string }>;
  let shop = await insertShop(db, accountId, { ...api, baseUrl: api.baseUrl ?? null });
  // Sealed with the shop's own id as associated data, so a ciphertext moved to another row fails.
  shop = (await updateShop(db, accountId, shop.id, { credentialsEnc: await sealCredentials(env, shop, credentials) }))!;
  await operationInsert(db, accountId, { actor, action: "shop.create", target: String(shop.id), after: { kind: shop.kind, name: shop.name } });
  // Every product is 対象 on a new shop by default: all of them are due there.
  if (shop.updateEnabled) await shopChanged(env, accountId, shop.id);
  return shop;
}

shopsApi.openapi(r.getShopRoute, async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const [out] = await shopsOut(db, accountId, [await ownedShop(db, accountId, c.req.valid("param").id)], c.env);
  return c.json(out, 200);
});

shopsApi.openapi(r.patchShopRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const shop = await ownedShop(db, accountId, c.req.valid("param").id);
  const updated = await patchShop(c.env, db, accountId, actor, shop, c.req.valid("json"));
  const failing = (await failingListingCounts(db, accountId, [shop.id])).get(shop.id) ?? 0;
  return c.json(shopOut(updated, failing, await syncView(c.env, accountId, shop.id)), 200);
});

/**
 * Changes exactly the fields given; credentials are parsed by the shop's mall schema and replace
 * the stored ones whole. Logged (never the credentials), and the shop's figures marked due when
 * they may differ now. The API and the モール設定 page share it.
 */
export async function patchShop(env: Env, db: Db, accountId: number, actor: string, shop: Shop, body: z.infer<typeof patchShopBody>): Promise<Shop> {
  const { credentials, ...rest } = body;
  if (isMailKind(shop.kind)) {
    // Nothing to send to and nothing to log in with: refuse rather than store a switch that lies.
    if (rest.updateEnabled === true) throw badRequest("updateEnabled: this shop takes orders by e-mail; Kura cannot send it stock figures (メール取込みのショップには在庫数を送れません)");
    if (credentials !== undefined && Object.keys(credentials).length) throw badRequest("credentials: a shop that takes orders by e-mail has none");
    if (rest.baseUrl) throw badRequest("baseUrl: a shop that takes orders by e-mail has no API");
    const { updateEnabled: _, ...mailRest } = rest;
    const updated = (await updateShop(db, accountId, shop.id, mailRest))!;
    await operationInsert(db, accountId, { actor, action: "shop.update", target: String(shop.id), before: shopOut(shop, 0), after: mailRest });
    return updated;
  }
  const sealed =
    credentials === undefined
      ? {}
      : { credentialsEnc: await sealCredentials(env, shop, parseCredentials(shop.kind, credentials)), status: "ok" as const, lastError: null };
  const updated = (await updateShop(db, accountId, shop.id, { ...rest, ...sealed }))!;
  // New credentials, モール更新 switched on, or a rule of the shop changed: every figure may be
  // different on this shop now, and whatever waited while it was stopped goes out.
  const rulesChanged = rest.ratio !== undefined || rest.salesLimit !== undefined || (rest.updateEnabled === true && !shop.updateEnabled);
  if (updated.updateEnabled && (credentials !== undefined || rulesChanged)) await shopChanged(env, accountId, shop.id);
  const failing = (await failingListingCounts(db, accountId, [shop.id])).get(shop.id) ?? 0;
  const changed = { ...rest, ...(credentials !== undefined && { credentials: "(replaced)" }) };
  await operationInsert(db, accountId, { actor, action: "shop.update", target: String(shop.id), before: shopOut(shop, failing), after: changed });
  return updated;
}

shopsApi.openapi(r.deleteShopRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  await removeShop(c.env, db, accountId, actor, await ownedShop(db, accountId, c.req.valid("param").id));
  return c.body(null, 204);
});

export async function removeShop(env: Env, db: Db, accountId: number, actor: string, shop: Shop) {
  const [before] = await shopsOut(db, accountId, [shop]);
  await deleteShop(db, accountId, shop.id);
  await cancelShopParts(db, accountId, shop.id);
  // Its ShopSync stops and keeps nothing (dirty set, budget, a 一括反映 under way). The shop is gone
  // whatever this answers: an object not reached now clears itself when its next alarm, if it has
  // one, finds the shop gone.
  const ref = { accountId, shopId: shop.id };
  await shopSync(env, ref)
    .shopDeleted(ref)
    .catch((err: unknown) => console.warn(JSON.stringify({ msg: "deleted shop's ShopSync not reached", shopId: shop.id, error: err instanceof Error ? err.message : String(err) })));
  await operationInsert(db, accountId, { actor, action: "shop.delete", target: String(shop.id), before });
}

// 接続テスト: one cheap real call; the result and the credential expiry are stored on the shop.
shopsApi.openapi(r.testShopRoute, async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const shop = await ownedShop(db, accountId, c.req.valid("param").id);
  const ref = { accountId, shopId: shop.id };
  const res = (await shopSync(c.env, ref).connectionTest(ref))!;
  return c.json(
    {
      ok: res.ok,
      ...(res.reason && { reason: res.reason }),
      ...(res.errorClass && { errorClass: res.errorClass }),
      ...("expiresAt" in res && res.expiresAt !== undefined && { expiresAt: new Date(res.expiresAt).toISOString() }),
    },
    200,
  );
});

shopsApi.openapi(r.pullShopRoute, async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const shop = await ownedShop(db, accountId, c.req.valid("param").id);
  await requireSyncOn(db, accountId);
  if (!shop.importEnabled) throw conflict(`取込み is off for shop ${shop.id}`);
  if (isMailKind(shop.kind)) throw conflict(`shop ${shop.id} takes its orders by e-mail (メール取込みのショップです): forward its order mails to the account's inboundEmail`);
  const out = await syncPull(c.env, { accountId, shopId: shop.id }).catch(mallProblem);
  return c.json({ counts: out!.counts, lines: out!.lines }, 200);
});

shopsApi.openapi(r.pushShopRoute, async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const shop = await ownedShop(db, accountId, c.req.valid("param").id);
  await requireSyncOn(db, accountId);
  if (!shop.updateEnabled) throw conflict(`モール更新 is off for shop ${shop.id}`);
  const items = (await syncPush(c.env, { accountId, shopId: shop.id }, { all: c.req.valid("query").all === "true" }).catch(mallProblem)).map(({ productId: _, ...item }) => item);
  return c.json({ sent: items.filter((i) => i.ok).length, failed: items.filter((i) => !i.ok).length, items }, 200);
});

shopsApi.openapi(r.resyncShopRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const job = await resyncShop(c.env, db, accountId, actor, await ownedShop(db, accountId, c.req.valid("param").id));
  c.header("location", `/api/v1/jobs/${job.id}`);
  return c.json(await jobOut(db, accountId, job.id), 202);
});

/** 一括反映 of one shop, as a job; refused (409) while 在庫連動, モール更新 or the shop is stopped. */
export async function resyncShop(env: Env, db: Db, accountId: number, actor: string, shop: Shop) {
  await requireSyncOn(db, accountId);
  if (!shop.updateEnabled) throw conflict(`モール更新 is off for shop ${shop.id}`);
  if (shop.status === "stopped") throw conflict(`shop ${shop.id} is 停止中: fix its credentials and run 接続テスト first`);
  return startResync(env, db, accountId, actor, [shop]);
}

shopsApi.openapi(r.shopStockRoute, async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const shop = await ownedShop(db, accountId, c.req.valid("param").id);
  const codes = c.req.valid("query").codes;
  const found = await getProductsByCodes(db, accountId, codes);
  const missing = codes.filter((code) => !found.some((p) => p.masterCode === code));
  if (missing.length) throw badRequest(`codes: unknown master codes ${missing.join(", ")}`);
  const rows = await Promise.all(found.map(async (p) => ({ p, l: await getListing(db, accountId, p.id, shop.id) })));
  const items = rows.map(({ p, l }) => ({ masterCode: p.masterCode, mallCode: mallCodeOf(shop.kind, p.masterCode, l?.mallCode), lastSentFigure: l?.lastSentFigure ?? null }));
  const live = await syncRead(c.env, { accountId, shopId: shop.id }, items.map((i) => i.mallCode)).catch(mallProblem);
  return c.json({ items: items.map((i) => ({ ...i, quantity: live.find((r) => r.mallCode === i.mallCode)?.quantity ?? null })) }, 200);
});
