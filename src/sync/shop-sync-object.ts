import { DurableObject } from "cloudflare:workers";
import { and, asc, eq, gt } from "drizzle-orm";
import { createDb } from "../db/client";
import { products } from "../db/schema";
import { mallContext } from "../malls/context";
import { getSettings } from "../db/queries/accounts";
import { advanceJobShop, finishJobShop, jobShopRunning } from "../db/queries/jobs";
import { getShop, type Shop } from "../db/queries/shops";
import { adapterFor, isMailKind } from "../malls/registry";
import { type ConnectionTestResult, MallError, type MallErrorClass, type OrderLine, type StockReading } from "../malls/types";
import { testShopConnection } from "./connection-test";
import { checkDrift, DRIFT_ALLOWANCE_SEC, DRIFT_SHARE, type DriftCandidate, driftCandidates, type DriftOutcome, driftStepRequests } from "./drift";
import { asMallError, type PullCounts, type PullOutcome, pullShop, pushShop, type PushOutcome, takeInShopLines } from "./shop-sync";
import { planPush } from "./push-plan";
import { type DirtyRow, type LagHour, ShopSyncStore } from "./shop-sync-store";

// One object per shop (`${accountId}:${shopId}`): the only caller of that shop's mall API, as
// StockGroup is the only writer of stock (ARCHITECTURE.md §4). It keeps the shop's dirty set
// (product → deadline), spends the shop's rate budget (a token bucket in its own storage, so it
// survives restarts and evictions) on every request, and runs one mall conversation at a time:
// two pushes never overlap, and an older figure never overtakes a newer one.

export interface ShopRef {
  accountId: number;
  shopId: number;
}

export const shopSyncName = (ref: ShopRef) => `${ref.accountId}:${ref.shopId}`;

/** A mall failure crosses the RPC boundary as data: a thrown MallError would lose its class. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; errorClass: MallErrorClass; message: string; retryAfterSec?: number; status?: number; code?: string };

async function outcome<T>(fn: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (!(err instanceof MallError)) throw err;
    return { ok: false, errorClass: err.errorClass, message: err.message, ...err.opts };
  }
}

/** A change waits this long for others to join it; a sold-out figure goes at once. */
const COALESCE_MS = 500;
/**
 * The deadline a sold-out figure is marked with: due since the beginning of time, so that it goes
 * before every other due entry (entries go in deadline order), not after the changes marked before it.
 */
const SOLD_OUT_DUE = 0;
/**
 * One alarm run spends about this much of the shop's budget, so that a pull, a sold-out figure or
 * a push by hand never waits long behind a large run (BASE takes one item per request).
 */
const RUN_SECONDS = 10;
/**
 * Real changes go in shorter runs: a sold-out figure marked while a run is under way waits for
 * that run to end, and on BASE (one item a second) a 10-item run of ordinary changes held it 10 s.
 */
const CHANGE_RUN_SECONDS = 2;
/** The drift walk waits while a change is due within this long (a coalescing change, a retry soon). */
const DRIFT_QUIET_MS = 10_000;
/** At most this many listings per alarm run; the rest follow in the next run. */
const RUN_LIMIT = 2000;
/**
 * A resync's run may be larger: it is sent one mall call at a time, each planned just before it
 * goes and with any sold-out figure sent first, so a long run holds no sale back, and fewer run
 * boundaries (each an alarm, a plan and a record outside the budget's slots) waste less budget.
 */
const RESYNC_RUN_LIMIT = 10_000;
/** An item the mall refused is tried again after this, then less often, up to 在庫反映間隔. */
const ITEM_RETRY_MS = 60_000;
/** The share of the mall's documented rate Kura paces itself at. */
const PACE = 0.95;
/** A request whose budget slot is further away than this is not waited for inside one call. */
const MAX_WAIT_MS = 30_000;

/**
 * The bucket a shop's requests are paced by: the mall's documented budget (adapter limits) with
 * slack, because the mall counts a request when it arrives and we when we send it: 95 % of the
 * rate and one token less of burst absorb the difference in latency between two requests (a rare
 * 429 left over is retried after the mall's hint). The order lane, where the mall has one, is
 * paced the same way at its own rate.
 */
export function budgetPlan(kind: string, lane: "main" | "orders" = "main") {
  const adapter = adapterFor(kind);
  if (lane === "orders" && adapter.orderLane) return { rate: adapter.orderLane.requestsPerSecond * PACE, burst: 1 };
  const { requestsPerSecond, burst } = adapter.limits;
  const full = burst ?? Math.max(1, Math.floor(requestsPerSecond));
  return { rate: requestsPerSecond * PACE, burst: Math.max(1, full - 1) };
}

/** The lane a request to the mall spends: the order API's own where the mall budgets it apart. */
export function laneOf(kind: string, url: string): "main" | "orders" {
  const lane = adapterFor(kind).orderLane;
  return lane && lane.matches(new URL(url).pathname) ? "orders" : "main";
}

/** Listings per alarm run for this mall: about `seconds` of its budget, in whole batches. */
export function runItems(kind: string, seconds = RUN_SECONDS, limit = RUN_LIMIT): number {
  const { pushBatch, requestsPerSecond } = adapterFor(kind).limits;
  // A mall whose batch is a feed (Amazon) takes a resync in few large runs: createFeed is scarce.
  const cap = Math.max(limit, Math.min(pushBatch, 10_000));
  return Math.min(cap, pushBatch * Math.max(1, Math.round(requestsPerSecond * seconds)));
}

/** The longest a change waits after a failure before it is tried again: 在庫反映間隔 is the upper bound. */
export function retryCapMs(reflectIntervalMin: number | undefined): number {
  return (reflectIntervalMin ?? 5) * 60_000;
}

/** A resync (一括反映) in progress on this shop: products after `after` are still to be sent. */
interface ResyncState {
  jobId: number;
  after: number;
  /** Not before this time (a failed step backs off). */
  notBefore: number;
  failures: number;
}

export interface ShopSyncStatus {
  dirty: number;
  nextDueAt: number | null;
  lag: { samples: number; p50: number | null; p95: number | null };
  budget: { tokens: number; rate: number; burst: number };
  resync: { jobId: number; after: number } | null;
}

export class ShopSync extends DurableObject<Env> {
  private readonly store: ShopSyncStore;
  // One mall conversation at a time: every pull and push is chained behind the previous one.
  private chain: Promise<unknown> = Promise.resolve();

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.store = new ShopSyncStore(ctx.storage.sql);
  }

  // ---- RPC ----------------------------------------------------------------------------------

  /** These products' figures may have changed: send them as soon as the budget allows. */
  async markDirty(ref: ShopRef, productIds: number[], opts: { urgent?: number[] } = {}): Promise<void> {
    this.remember(ref);
    const now = Date.now();
    const urgent = new Set(opts.urgent ?? []);
    this.store.mark(productIds.filter((id) => !urgent.has(id)), now + COALESCE_MS, now);
    this.store.mark([...urgent], SOLD_OUT_DUE, now);
    await this.arm();
  }

  /** Takes the shop's orders in (取込み); the products its own sales moved are due for a push. */
  async pull(ref: ShopRef): Promise<Outcome<PullOutcome | null>> {
    this.remember(ref);
    return this.serial(() =>
      outcome(async () => {
        const shop = await this.shop(ref);
        if (!shop) return null;
        const out = await pullShop(this.env, createDb(this.env.DB), shop, { fetch: this.soldOutFirst(ref, shop, this.budgetedFetch(shop)) });
        if (out.ownProducts.length) this.store.mark(out.ownProducts, Date.now(), Date.now());
        await this.arm();
        return out;
      }),
    );
  }

  /**
   * The shop's own order lines that arrived without a pull (its webhooks), taken in in turn with
   * every other conversation of the shop, so that a push never reads a mall_figure half moved.
   */
  async takeIn(ref: ShopRef, lines: OrderLine[]): Promise<PullCounts | null> {
    this.remember(ref);
    return this.serial(async () => {
      const shop = await this.shop(ref);
      if (!shop) return null;
      const out = await takeInShopLines(this.env, createDb(this.env.DB), shop, lines);
      if (out.ownProducts.length) this.store.mark(out.ownProducts, Date.now(), Date.now());
      await this.arm();
      return out.counts;
    });
  }

  /**
   * Drift check (read-back): of these products (a webhook named them) or, by default, the walk's
   * next listings within DRIFT_SHARE of the shop's budget: an allowance in requests kept here,
   * accruing with time (a step a minute reads about 6 s of budget a minute on a 1-request-a-second
   * mall). Each read is its own turn in the shop's conversation, with sold-out figures sent first
   * before every request, so a sale waits behind one read at most, never behind the walk.
   */
  async checkDrift(ref: ShopRef, opts: { productIds?: number[] } = {}): Promise<Outcome<DriftOutcome | null>> {
    this.remember(ref);
    const db = createDb(this.env.DB);
    const [shop, settings] = await Promise.all([this.shop(ref), getSettings(db, ref.accountId)]);
    if (!shop || shop.status === "stopped" || !shop.updateEnabled || (settings && !settings.syncEnabled)) return { ok: true, value: null };
    const { readBatch, readPerItem } = adapterFor(shop.kind).limits;
    // Items per turn: a mall that reads one item per request (BASE, Amazon) goes item by item.
    const turn = readPerItem ? 1 : readBatch;
    const walk = !opts.productIds;
    let candidates: DriftCandidate[];
    if (!walk) candidates = await driftCandidates(db, shop, { productIds: opts.productIds });
    else {
      // The walk is for a quiet shop: not while the mall is failing (一時エラー), changes wait to be
      // sent or a 一括反映 runs — those go first, and their reads would only add to a struggling
      // mall's load or take the resync's budget.
      if (shop.status !== "ok" || this.walkWaits()) return { ok: true, value: { checked: 0, found: [] } };
      const requests = Math.floor(Math.min(this.driftAllowance(shop.kind, Date.now(), 0), driftStepRequests(shop.kind)));
      if (requests < 1) return { ok: true, value: { checked: 0, found: [] } };
      candidates = await driftCandidates(db, shop, { limit: requests * turn });
    }
    const total: DriftOutcome = { checked: 0, found: [] };
    for (let i = 0; i < candidates.length; i += turn) {
      const part = candidates.slice(i, i + turn);
      const out = await this.serial(() =>
        outcome(async () => {
          const current = await this.shop(ref);
          if (!current || current.status === "stopped" || !current.updateEnabled) return null;
          // The walk lives on a quiet shop's spare budget: a change that came in during its last
          // read ends the step, and the change goes first. Read on regardless, the step's reads
          // (six on BASE, a second each) went before every change queued behind them.
          if (walk && this.walkWaits()) return null;
          let sent = 0;
          const budgeted = this.soldOutFirst(ref, current, this.budgetedFetch(current));
          const counted = ((input: RequestInfo | URL, init?: RequestInit) => (sent++, budgeted(input, init))) as typeof fetch;
          try {
            return await checkDrift(this.env, db, current, part, {
              fetch: counted,
              pull: async () => {
                const pulled = await pullShop(this.env, db, current, { fetch: budgeted });
                if (pulled.ownProducts.length) this.store.mark(pulled.ownProducts, Date.now(), Date.now());
              },
              mark: (ids) => this.store.mark(ids, Date.now(), Date.now()),
            });
          } finally {
            if (walk) this.driftAllowance(current.kind, Date.now(), sent);
            await this.arm();
          }
        }),
      );
      if (!out.ok) return out;
      if (!out.value) break;
      total.checked += out.value.checked;
      total.found.push(...out.value.found);
    }
    return { ok: true, value: total };
  }

  /**
   * The drift walk waits for a quieter moment: a change is due, or soon will be, or a 一括反映 is
   * under way (it sends every figure again at the full budget: bench:resync measured Shopify's
   * requests at its budget but its pushes at 81 % of it while the walk read beside it).
   */
  private walkWaits(): boolean {
    const due = this.store.nextDue();
    return (due !== null && due <= Date.now() + DRIFT_QUIET_MS) || this.resyncState() !== null;
  }

  /** The drift walk's allowance in requests: accrues at DRIFT_SHARE of the shop's rate; `spend` takes some. */
  private driftAllowance(kind: string, now: number, spend: number): number {
    const rate = adapterFor(kind).limits.requestsPerSecond * DRIFT_SHARE;
    const cap = rate * DRIFT_ALLOWANCE_SEC;
    const raw = this.store.get("drift_allowance");
    // A new shop starts with one step's worth, not the whole cap: its first minute is busy enough.
    const prev = raw ? (JSON.parse(raw) as { requests: number; at: number }) : { requests: driftStepRequests(kind), at: now };
    const requests = Math.min(cap, (prev.requests ?? 0) + ((now - prev.at) / 1000) * rate) - spend;
    this.store.set("drift_allowance", JSON.stringify({ requests, at: now }));
    return requests;
  }

  /** A push asked for by hand (`all`: every managed listing), in turn with everything else. */
  async push(ref: ShopRef, opts: { all?: boolean } = {}): Promise<Outcome<PushOutcome[]>> {
    this.remember(ref);
    return this.serial(() =>
      outcome(async () => {
        const shop = await this.shop(ref);
        if (!shop) return [];
        // The dirty entries as they were before the plan read D1: a change marked while the push
        // was on its way is newer than what went out and must stay.
        const before = this.store.all();
        const out = await pushShop(this.env, createDb(this.env.DB), shop, { all: opts.all, fetch: this.budgetedFetch(shop) });
        this.settle(out, before, Date.now());
        return out;
      }),
    );
  }

  /**
   * 接続テスト (by hand, or `scheduled`: the daily one), in turn with everything else and within
   * the budget; OK by hand brings a stopped shop's waiting work back.
   */
  async connectionTest(ref: ShopRef, opts: { scheduled?: boolean } = {}): Promise<ConnectionTestResult | null> {
    this.remember(ref);
    return this.serial(async () => {
      const shop = await this.shop(ref);
      if (!shop) return null;
      const res = await testShopConnection(this.env, createDb(this.env.DB), shop, { scheduled: opts.scheduled, fetch: this.budgetedFetch(shop) });
      if (res.ok && !opts.scheduled) await this.kickNow();
      return res;
    });
  }

  /** The mall's live figures for these codes (read-back), in turn with everything else. */
  async read(ref: ShopRef, codes: string[]): Promise<Outcome<StockReading[]>> {
    this.remember(ref);
    return this.serial(() =>
      outcome(async () => {
        const shop = await this.shop(ref);
        if (!shop) return [];
        // A cart taken in by e-mail cannot be asked what it shows.
        if (isMailKind(shop.kind)) return codes.map((mallCode) => ({ mallCode, quantity: null }));
        const adapter = adapterFor(shop.kind);
        const ctx = await mallContext(this.env, createDb(this.env.DB), shop, { fetch: this.budgetedFetch(shop) });
        const out: StockReading[] = [];
        for (let i = 0; i < codes.length; i += adapter.limits.readBatch) out.push(...(await adapter.readStock(ctx, codes.slice(i, i + adapter.limits.readBatch))));
        return out;
      }),
    );
  }

  /**
   * Every product of the account is due (a new shop, credentials replaced, モール更新 or a rule of
   * the shop changed): read from D1 once, in pages.
   */
  async markAll(ref: ShopRef): Promise<number> {
    this.remember(ref);
    const db = createDb(this.env.DB);
    let n = 0;
    for (let after = 0; ; ) {
      const ids = (await db.select({ id: products.id }).from(products).where(and(eq(products.accountId, ref.accountId), gt(products.id, after))).orderBy(asc(products.id)).limit(5000).all()).map((r) => r.id);
      if (ids.length === 0) break;
      const now = Date.now();
      this.store.mark(ids, now + COALESCE_MS, now, true);
      n += ids.length;
      after = ids[ids.length - 1];
    }
    await this.arm();
    return n;
  }

  /** 一括反映: every managed listing is sent again, page by page at the full budget, as part of `jobId`. */
  async resync(ref: ShopRef, jobId: number): Promise<void> {
    this.remember(ref);
    this.setResync({ jobId, after: 0, notBefore: 0, failures: 0 });
    await this.arm();
  }

  /** Re-arms the alarm at the due times already set (the cron's safety net; cheap). */
  async wake(ref: ShopRef): Promise<void> {
    this.remember(ref);
    await this.arm();
  }

  /** After the shop recovered (credentials fixed, 在庫連動 back on): everything waiting is due now. */
  async kick(ref: ShopRef): Promise<void> {
    this.remember(ref);
    await this.kickNow();
  }

  private async kickNow() {
    this.store.sql.exec("UPDATE dirty SET due_at = MIN(due_at, ?), tries = 0", Date.now());
    this.store.set("failures", null);
    const resync = this.resyncState();
    if (resync) this.setResync({ ...resync, notBefore: 0, failures: 0 });
    await this.arm();
  }

  async status(ref: ShopRef): Promise<ShopSyncStatus> {
    this.remember(ref);
    const now = Date.now();
    const plan = await this.plan(ref);
    const resync = this.resyncState();
    return {
      dirty: this.store.count(),
      nextDueAt: this.store.nextDue(),
      lag: this.store.lag(now),
      budget: { tokens: this.store.tokens("main", plan, now), ...plan },
      resync: resync && { jobId: resync.jobId, after: resync.after },
    };
  }

  /** Lag of the last 24 hours, hour by hour: the home page's chart. */
  async lagHistory(ref: ShopRef): Promise<LagHour[]> {
    this.remember(ref);
    return this.store.lagByHour(Date.now());
  }

  /** Product ids waiting to be sent (未反映), for listing. */
  async pending(ref: ShopRef, limit = 1000): Promise<number[]> {
    this.remember(ref);
    return this.store.pending(limit);
  }

  /**
   * The shop was deleted: its dirty set, budget, lag and any 一括反映 in progress go, and no alarm
   * wakes the object again. D1 decides (a shop still there is kept). Not in turn with the shop's
   * conversation: a step on its way fails on its own (its listings are gone) and its alarm finds
   * the shop gone and forgets whatever the step left.
   */
  async shopDeleted(ref: ShopRef): Promise<boolean> {
    if (await this.shop(ref)) return false;
    await this.forget();
    return true;
  }

  // ---- the alarm: send what is due ----------------------------------------------------------------

  async alarm() {
    const ref = this.ref();
    if (!ref) return;
    await this.serial(() => this.run(ref));
  }

  private async run(ref: ShopRef) {
    const now = Date.now();
    const next = this.store.nextDue();
    const resync = this.resyncState();
    const dirtyDue = next !== null && next <= now;
    if (!dirtyDue && !(resync && resync.notBefore <= now)) return this.arm();
    const db = createDb(this.env.DB);
    const [shop, settings] = await Promise.all([getShop(db, ref.accountId, ref.shopId), getSettings(db, ref.accountId)]);
    // Deleted (a step that was on its way when it was may have marked work since): nothing is kept.
    if (!shop) return this.forget();
    // Stopped, switched off or 在庫連動 off: the work stays 未反映 until kick().
    if (shop.status === "stopped" || !shop.updateEnabled || (settings && !settings.syncEnabled)) return;
    const cap = retryCapMs(settings?.reflectIntervalMin);
    const limit = runItems(shop.kind);
    // Real changes first: neither a resync nor a whole-catalogue check holds a sale back by more
    // than one run. A resync goes before the catalogue check, which it covers anyway.
    const changes = dirtyDue ? this.store.due(now, runItems(shop.kind, CHANGE_RUN_SECONDS), false) : [];
    if (changes.length) await this.sendDirty(ref, db, shop, changes, cap);
    else if (resync && resync.notBefore <= now) await this.resyncStep(ref, db, shop, resync, runItems(shop.kind, RUN_SECONDS, RESYNC_RUN_LIMIT), cap);
    else if (dirtyDue) await this.sendDirty(ref, db, shop, this.store.due(now, limit, true), cap);
    await this.arm();
  }

  /** Sends these due entries of the dirty set. */
  private async sendDirty(ref: ShopRef, db: ReturnType<typeof createDb>, shop: Shop, rows: DirtyRow[], cap: number) {
    if (rows.length === 0) return;
    try {
      const out = await pushShop(this.env, db, shop, { productIds: rows.map((r) => r.product_id), fetch: this.budgetedFetch(shop) });
      const failed = new Set(out.filter((o) => !o.ok).map((o) => o.productId));
      const sent = out.filter((o) => o.ok);
      const at = Date.now();
      // Lag is change → accepted: a whole-catalogue check is not a change.
      const since = new Map(rows.filter((r) => !r.bulk).map((r) => [r.product_id, r.since]));
      this.store.recordLag(sent.flatMap((o) => (since.has(o.productId) ? [at - since.get(o.productId)!] : [])), at);
      // Sent, or already in step (nothing to send): done. Refused items wait for the next try.
      this.store.done(rows.filter((r) => !failed.has(r.product_id)));
      this.store.retry([...failed], at, ITEM_RETRY_MS, cap);
      this.store.set("failures", null);
    } catch (err) {
      const e = asMallError(err);
      if (e.errorClass === "auth") return; // the shop is 停止中 now; its work stays until kick()
      const failures = Number(this.store.get("failures") ?? 0) + 1;
      this.store.set("failures", String(failures));
      const wait = this.backoff(e, failures, cap);
      this.store.later(rows.map((r) => r.product_id), Date.now() + wait);
      console.warn(JSON.stringify({ msg: "shop push will be retried", shop: shopSyncName(ref), errorClass: e.errorClass, retryInMs: wait, error: e.message }));
    }
  }

  /**
   * The next page of a resync: every managed listing of `limit` products is sent, whether or not
   * the mall is thought to show it. Progress goes to the job's part of this shop in D1.
   */
  private async resyncStep(ref: ShopRef, db: ReturnType<typeof createDb>, shop: Shop, st: ResyncState, limit: number, cap: number) {
    if (!(await jobShopRunning(db, st.jobId, shop.id))) return this.stepDone(st.jobId, null); // cancelled or superseded
    const ids = (
      await db.select({ id: products.id }).from(products).where(and(eq(products.accountId, ref.accountId), gt(products.id, st.after))).orderBy(asc(products.id)).limit(limit).all()
    ).map((r) => r.id);
    if (ids.length === 0) {
      await finishJobShop(db, ref.accountId, st.jobId, shop.id);
      return this.stepDone(st.jobId, null);
    }
    // About a second of the budget at a time (one call on most malls, two on Shopify), with any
    // sold-out figure that became due sent in between.
    const { pushBatch, requestsPerSecond } = adapterFor(shop.kind).limits;
    const batch = Math.max(1, pushBatch * Math.max(1, Math.round(requestsPerSecond)));
    const progress = { done: 0, sent: 0, errors: 0, after: st.after, lastError: undefined as string | undefined };
    let cancelled = false;
    // Each chunk is planned while the one before it is on its way (its calls wait for their budget
    // slots): planned in line, the plan and its StockGroup read sat between the slots and Shopify
    // reached 65 % of its budget. A change taken in after a chunk's plan stays dirty (settle keeps
    // it) and follows the chunk; a sold-out figure sent between two chunks is taken out of the next.
    const plan = (chunk: number[]) => {
      const before = this.store.entries(chunk);
      const due = planPush(this.env, db, shop, { all: true, productIds: chunk });
      due.catch(() => undefined); // awaited below; a chunk never reached is not an unhandled rejection
      return { chunk, before, due };
    };
    let next = plan(ids.slice(0, batch));
    try {
      for (let i = 0; i < ids.length; i += batch) {
        const current = next;
        let soldOut = new Set<number>();
        if (i > 0) {
          // A cancelled 一括反映 stops here, not at the end of the run (BASE: one item a second).
          if (!(await jobShopRunning(db, st.jobId, shop.id))) {
            cancelled = true;
            break;
          }
          soldOut = await this.sendSoldOut(ref, db, shop, cap);
        }
        const due = (await current.due).filter((d) => !soldOut.has(d.productId));
        if (i + batch < ids.length) next = plan(ids.slice(i + batch, i + 2 * batch));
        const out = await pushShop(this.env, db, shop, { all: true, planned: due, fetch: this.budgetedFetch(shop) });
        const at = Date.now();
        this.settle(out, current.before, at);
        // A refused item is retried like any change, without holding the resync up.
        const failed = out.filter((o) => !o.ok);
        this.store.mark(failed.map((o) => o.productId), at + ITEM_RETRY_MS, at);
        const last = failed[failed.length - 1];
        progress.done += current.chunk.length;
        progress.sent += out.length - failed.length;
        progress.errors += failed.length;
        progress.after = current.chunk[current.chunk.length - 1];
        if (last) progress.lastError = `${last.mallCode}: ${last.error}`;
      }
      await advanceJobShop(db, st.jobId, shop.id, { done: progress.done, sent: progress.sent, errors: progress.errors, ...(progress.lastError && { lastError: progress.lastError }) });
      this.stepDone(st.jobId, cancelled ? null : { ...st, after: progress.after, notBefore: 0, failures: 0 });
    } catch (err) {
      const e = asMallError(err);
      // The calls that went through before the failure count; the resync goes on after them.
      await advanceJobShop(db, st.jobId, shop.id, { done: progress.done, sent: progress.sent, errors: progress.errors, lastError: e.message });
      if (e.errorClass === "auth") return this.stepDone(st.jobId, { ...st, after: progress.after }); // 停止中: goes on from here after kick()
      const wait = this.backoff(e, st.failures + 1, cap);
      this.stepDone(st.jobId, { ...st, after: progress.after, notBefore: Date.now() + wait, failures: st.failures + 1 });
      console.warn(JSON.stringify({ msg: "resync step will be retried", shop: shopSyncName(ref), errorClass: e.errorClass, retryInMs: wait, error: e.message }));
    }
  }

  /** How long to wait after a failed call: the mall's hint, else exponential, at most `cap`. */
  private backoff(e: MallError, failures: number, cap: number): number {
    if (e.errorClass === "rate" && e.opts.retryAfterSec !== undefined) return e.opts.retryAfterSec * 1000;
    return Math.min(1000 * 2 ** failures, cap);
  }

  private resyncState(): ResyncState | null {
    const raw = this.store.get("resync");
    return raw ? (JSON.parse(raw) as ResyncState) : null;
  }

  private setResync(st: ResyncState | null) {
    this.store.set("resync", st ? JSON.stringify(st) : null);
  }

  /**
   * After a step's awaits: moves the resync on only if it is still the same job (a new 一括反映
   * may have replaced it meanwhile; the old step must not overwrite it).
   */
  private stepDone(jobId: number, next: ResyncState | null) {
    if (this.resyncState()?.jobId === jobId) this.setResync(next);
  }

  // ---- helpers ------------------------------------------------------------------------------------

  /**
   * After a push by hand or a resync chunk: what it sent is done unless it changed since `before`
   * (the entries read before its plan), what failed waits.
   */
  private settle(out: PushOutcome[], before: Pick<DirtyRow, "product_id" | "seq">[], at: number) {
    const sent = new Set(out.filter((o) => o.ok).map((o) => o.productId));
    this.store.done(before.filter((r) => sent.has(r.product_id)));
    this.store.later(out.filter((o) => !o.ok).map((o) => o.productId), at + ITEM_RETRY_MS);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.chain.then(fn, fn);
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async arm() {
    const due = this.store.nextDue();
    const resync = this.resyncState();
    const next = resync ? Math.min(due ?? Infinity, resync.notBefore) : due;
    if (next === null) return;
    const current = await this.ctx.storage.getAlarm();
    if (current === null || current > next) await this.ctx.storage.setAlarm(Math.max(next, Date.now()));
  }

  private async forget() {
    this.store.clear();
    await this.ctx.storage.deleteAlarm();
  }

  private remember(ref: ShopRef) {
    if (this.store.get("ref") === null) this.store.set("ref", JSON.stringify(ref));
  }

  private ref(): ShopRef | null {
    const raw = this.store.get("ref");
    return raw ? (JSON.parse(raw) as ShopRef) : null;
  }

  private async shop(ref: ShopRef): Promise<Shop | undefined> {
    return getShop(createDb(this.env.DB), ref.accountId, ref.shopId);
  }

  private async plan(ref: ShopRef) {
    return budgetPlan((await this.shop(ref))?.kind ?? "rakuten");
  }

  /**
   * A pull's fetch: before each of its requests, a sold-out figure that became due is sent first.
   * A pull on a mall whose orders come one request per order at 1/s (Yahoo's orderInfo, Amazon's
   * getOrderItems) holds the conversation for seconds; a last unit sold meanwhile must not wait
   * for it. Where the mall budgets its order API apart (Rakuten, Yahoo: `orderLane`), every due
   * change goes between the pull's order requests, not only a sold-out one: it spends the stock
   * API's budget, not the pull's, and waited behind the pull for seconds (bench:propagation's
   * slowest webhook-to-Yahoo sample, 5.1 s). Still one request at a time: the push runs between
   * two of the pull's requests.
   */
  private soldOutFirst(ref: ShopRef, shop: Shop, send: typeof fetch): typeof fetch {
    return (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      const dueBy = laneOf(shop.kind, url) === "orders" ? Date.now() : SOLD_OUT_DUE;
      if (this.store.due(dueBy, 1, false).length && shop.status !== "stopped" && shop.updateEnabled) {
        const db = createDb(this.env.DB);
        const settings = await getSettings(db, ref.accountId);
        if (!settings || settings.syncEnabled) await this.sendDue(ref, db, shop, dueBy, retryCapMs(settings?.reflectIntervalMin));
      }
      return send(input, init);
    }) as typeof fetch;
  }

  /**
   * Sends the sold-out figures that are due (the caller has checked the shop takes updates);
   * returns the products it sent (or tried to).
   */
  private sendSoldOut(ref: ShopRef, db: ReturnType<typeof createDb>, shop: Shop, cap: number): Promise<Set<number>> {
    return this.sendDue(ref, db, shop, SOLD_OUT_DUE, cap);
  }

  /** Sends the changes due by `dueBy` (SOLD_OUT_DUE: the sold-out ones); returns the products it sent (or tried to). */
  private async sendDue(ref: ShopRef, db: ReturnType<typeof createDb>, shop: Shop, dueBy: number, cap: number): Promise<Set<number>> {
    const rows = this.store.due(dueBy, runItems(shop.kind, CHANGE_RUN_SECONDS), false);
    if (rows.length) await this.sendDirty(ref, db, shop, rows, cap);
    return new Set(rows.map((r) => r.product_id));
  }

  /** The shop's outbound fetch: every request waits for its slot in the shop's rate budget (its lane's). */
  private budgetedFetch(shop: Shop): typeof fetch {
    const plans = { main: budgetPlan(shop.kind, "main"), orders: budgetPlan(shop.kind, "orders") };
    return (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      const lane = laneOf(shop.kind, url);
      const planned = Date.now();
      const wait = this.store.reserve(lane, plans[lane], planned, MAX_WAIT_MS);
      if (wait === null) throw new MallError("rate", "shop budget: no request slot within 30 s", { retryAfterSec: 30, code: "BUDGET" });
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      // A loaded isolate wakes late: the slot was used later than reserved, and the mall counts
      // the next request from this one's arrival, so the lateness must not become credit.
      const late = Date.now() - (planned + wait);
      if (late > 0) this.store.postpone(lane, late);
      return fetch(input, init);
    }) as typeof fetch;
  }
}
