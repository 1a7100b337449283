import { MallError, type StockReading } from "../malls/types";
import type { DriftOutcome } from "./drift";
import type { PullOutcome, PushOutcome } from "./shop-sync";
import { type Outcome, type ShopRef, type ShopSync, shopSyncName } from "./shop-sync-object";

// How the rest of the Worker reaches a shop's ShopSync object: all mall I/O of one shop goes
// through it, so manual pulls and pushes wait their turn behind the scheduled ones.

export function shopSync(env: Env, ref: ShopRef): DurableObjectStub<ShopSync> {
  return env.SHOP_SYNC.getByName(shopSyncName(ref));
}

function unwrap<T>(o: Outcome<T>): T {
  if (o.ok) return o.value;
  throw new MallError(o.errorClass, o.message, { retryAfterSec: o.retryAfterSec, status: o.status, code: o.code });
}

export async function syncPull(env: Env, ref: ShopRef): Promise<PullOutcome | null> {
  return unwrap((await shopSync(env, ref).pull(ref)) as Outcome<PullOutcome | null>);
}

export async function syncPush(env: Env, ref: ShopRef, opts: { all?: boolean } = {}): Promise<PushOutcome[]> {
  return unwrap((await shopSync(env, ref).push(ref, opts)) as Outcome<PushOutcome[]>);
}

export async function syncRead(env: Env, ref: ShopRef, codes: string[]): Promise<StockReading[]> {
  return unwrap((await shopSync(env, ref).read(ref, codes)) as Outcome<StockReading[]>);
}

/** Drift check of these products, or the scheduled walk's next listings (no productIds); null when the shop is not being updated. */
export async function syncDriftCheck(env: Env, ref: ShopRef, productIds?: number[]): Promise<DriftOutcome | null> {
  return unwrap((await shopSync(env, ref).checkDrift(ref, productIds ? { productIds } : {})) as Outcome<DriftOutcome | null>);
}
