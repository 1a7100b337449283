import type { Db } from "../env";
import { deleteStaleOAuthStates, findOAuthState, insertOAuthState, spendOAuthState } from "../db/queries/oauth-states";
import { getAccount } from "../db/queries/accounts";
import { countShops, listShops, type Shop } from "../db/queries/shops";
import { decryptJson, randomToken, sha256Hex } from "../lib/crypto";
import { AppError } from "../lib/errors";
import type { SessionInfo } from "../lib/session";
import { credentialsContext } from "../malls/context";
import { adapterFor } from "../malls/registry";
import type { ConnectionTestResult } from "../malls/types";
import { createShopBody } from "../schemas/api-shops";
import { createShop, ownedShop, patchShop } from "../routes/api/shops";
import { shopSync } from "../sync/shop-sync-client";
import { FLOWS } from "./flows";
import { ConnectError, type ConnectKind } from "./types";

export { connectableKinds, consentOrigins } from "./flows";

/** How long a started 連携 may take to come back. */
export const STATE_LIFE_MS = 10 * 60_000;

// 連携する, the two halves every mall shares: start (a single-use state bound to the account and
// the dashboard user, 10 minutes, only its hash stored) and the callback (every check first, then
// the code traded, then the credentials sealed through the same path as the shops API and
// 接続テスト run). A callback that fails any check writes nothing but the spent state.

export const callbackPath = (kind: ConnectKind) => `/shops/connect/${kind}/callback`;

const mallName = (kind: ConnectKind) => adapterFor(kind).label;

async function storedCredentials(env: Env, shop: Shop): Promise<Record<string, unknown>> {
  return shop.credentialsEnc ? decryptJson<Record<string, unknown>>(env.CREDENTIALS_KEY, credentialsContext(shop), shop.credentialsEnc) : {};
}

/**
 * The account's other shop of this mall that is the same store (same shop domain, store account
 * or seller id), if any. Two Kura shops on one store would take its orders in twice, and on
 * Shopify a second expiring token revokes the first (one per app and shop).
 */
async function sameStore(env: Env, db: Db, accountId: number, kind: ConnectKind, field: string, value: string, except: number | null): Promise<Shop | null> {
  for (const shop of await listShops(db, accountId)) {
    if (shop.kind !== kind || shop.id === except || !shop.credentialsEnc) continue;
    const stored = await storedCredentials(env, shop).catch(() => ({}) as Record<string, unknown>);
    if (String(stored[field] ?? "").toLowerCase() === value.toLowerCase()) return shop;
  }
  return null;
}

async function refuseSameStore(env: Env, db: Db, accountId: number, kind: ConnectKind, field: string, value: string, except: number | null) {
  const other = await sameStore(env, db, accountId, kind, field, value, except);
  if (other) throw new ConnectError("connect.err.sameStore", { mall: mallName(kind), name: other.name });
}

/** A new shop must fit the plan: checked at the start and again before the code is traded. */
async function refuseOverPlan(db: Db, accountId: number) {
  const account = await getAccount(db, accountId);
  if (account && (await countShops(db, accountId)) >= account.maxShops) throw new ConnectError("connect.err.plan");
}

export interface StartInput {
  /** A new shop's name (default: the mall's name, with the shop domain or store account). */
  name?: string;
  /** 再連携: the shop whose authorization is renewed. */
  shopId?: string;
  /** Shopify's shop domain / Yahoo's ストアアカウント, as typed. */
  extra?: string;
}

/** Creates the state and answers the mall's authorize URL to send the merchant to. */
export async function startConnect(env: Env, db: Db, session: SessionInfo, kind: ConnectKind, input: StartInput, origin: string, now = Date.now()): Promise<string> {
  const flow = FLOWS[kind];
  const app = flow.app(env);
  if (!app) throw new ConnectError("connect.err.notConfigured", { mall: mallName(kind) });
  let shop: Shop | null = null;
  if (input.shopId) {
    shop = await ownedShop(db, session.account.id, input.shopId);
    if (shop.kind !== kind) throw new ConnectError("connect.err.kind");
  }
  if (!shop) await refuseOverPlan(db, session.account.id);
  let extra: string | null = null;
  if (flow.extra) {
    // 再連携 is for the shop's own domain / store account.
    const own = shop ? String((await storedCredentials(env, shop))[flow.extra.field] ?? "") : "";
    extra = flow.extra.parse(input.extra?.trim() || own);
    if (!extra) throw new ConnectError(flow.extra.error);
    if (shop && own && own.toLowerCase() !== extra) throw new ConnectError("connect.err.otherStore", { mall: mallName(kind), name: shop.name });
    await refuseSameStore(env, db, session.account.id, kind, flow.extra.field, extra, shop?.id ?? null);
  }
  const state = randomToken(32);
  await deleteStaleOAuthStates(db, session.account.id, now - 86_400_000);
  await insertOAuthState(db, {
    stateHash: await sha256Hex(state),
    accountId: session.account.id,
    userId: session.user.id,
    kind,
    shopName: shop ? null : (input.name?.trim().slice(0, 100) || `${mallName(kind)}${extra ? ` ${extra}` : ""}`),
    shopId: shop?.id ?? null,
    extra,
    expiresAt: now + STATE_LIFE_MS,
  });
  return flow.authorizeUrl(app, { state, redirectUri: origin + callbackPath(kind), extra });
}

export interface Connected {
  shopId: number;
  test: ConnectionTestResult | null;
}

/**
 * The callback: the state (known, this kind, this account AND this user, unused, unexpired, then
 * spent atomically), the mall's own checks, the code traded, the credentials stored, 接続テスト.
 */
export async function finishConnect(env: Env, db: Db, session: SessionInfo, kind: ConnectKind, query: Record<string, string>, origin: string, now = Date.now()): Promise<Connected> {
  const flow = FLOWS[kind];
  const app = flow.app(env);
  if (!app) throw new ConnectError("connect.err.notConfigured", { mall: mallName(kind) });
  const stateHash = await sha256Hex(query.state ?? "");
  const row = query.state ? await findOAuthState(db, stateHash) : undefined;
  if (!row || row.kind !== kind) throw new ConnectError("connect.err.state");
  // Another user's (or account's) state is left unspent: its owner may still finish it.
  if (row.accountId !== session.account.id || row.userId !== session.user.id) throw new ConnectError("connect.err.otherUser");
  if (row.usedAt !== null) throw new ConnectError("connect.err.used");
  if (now > row.expiresAt) throw new ConnectError("connect.err.expired");
  if (!(await spendOAuthState(db, session.account.id, stateHash, now))) throw new ConnectError("connect.err.used");

  const mall = mallName(kind);
  if (query.error) throw new ConnectError("connect.err.denied", { mall });
  if (!query[flow.codeParam]) throw new ConnectError("connect.err.noCode", { mall });
  await flow.verify?.(app, query, { extra: row.extra, now });
  // Which store consented, where the mall says so before the code is traded (Amazon names the
  // seller only now). Checked again here: another shop may have been connected meanwhile.
  const store = flow.extra && row.extra ? { field: flow.extra.field, value: row.extra } : kind === "amazon" ? { field: "sellerId", value: query.selling_partner_id! } : null;
  if (store) await refuseSameStore(env, db, session.account.id, kind, store.field, store.value, row.shopId);
  const target = row.shopId !== null ? await ownedShop(db, session.account.id, String(row.shopId)).catch(() => null) : null;
  if (row.shopId !== null && !target) throw new ConnectError("connect.err.shopGone");
  const stored = target ? await storedCredentials(env, target) : {};
  // 再連携 renews a shop's own store: another store's tokens would push its figures to the wrong listings.
  if (target && store && stored[store.field] !== undefined && String(stored[store.field]).toLowerCase() !== store.value.toLowerCase()) {
    throw new ConnectError("connect.err.otherStore", { mall, name: target.name });
  }
  if (!target) await refuseOverPlan(db, session.account.id);
  const fresh = await flow.exchange(app, query, { redirectUri: origin + callbackPath(kind), extra: row.extra, now });

  const actor = `user:${session.user.id}`;
  let shop: Shop;
  if (target) {
    // What the merchant set beside the tokens (Shopify's location, Yahoo's public key) stays.
    const merged = { ...stored, ...fresh };
    if (!adapterFor(kind).credentialsSchema.safeParse(merged).success) throw new ConnectError("connect.err.callback", { mall });
    shop = await patchShop(env, db, session.account.id, actor, target, { credentials: merged });
  } else {
    const body = createShopBody.safeParse({ kind, name: row.shopName ?? mall, credentials: fresh, ...(env.CONNECT_SHOP_BASE_URL && { baseUrl: env.CONNECT_SHOP_BASE_URL.replace("{kind}", kind) }) });
    if (!body.success) throw new ConnectError("connect.err.callback", { mall });
    try {
      shop = await createShop(env, db, session.account.id, actor, body.data);
    } catch (e) {
      if (e instanceof AppError && e.status === 403) throw new ConnectError("connect.err.plan");
      throw e;
    }
  }
  const ref = { accountId: session.account.id, shopId: shop.id };
  const test = await shopSync(env, ref).connectionTest(ref);
  return { shopId: shop.id, test };
}
