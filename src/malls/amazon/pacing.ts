import { type BucketPlan, type BucketState, drain, reserve, waitMs } from "../token-bucket";

// SP-API usage plans and the buckets that keep Kura inside them. Amazon grants each (selling
// partner, application) pair a token bucket per operation: `rate` requests/s refill, up to
// `burst` (MALLS.md §2 Rate limits; the figures are the usage-plan tables of the vendored models,
// test/malls/amazon-spec.test.ts checks them). A request beyond the bucket is answered 429.
//
// The buckets live in this isolate only (a Map below): a fresh isolate, or another isolate
// serving the same seller at the same time, starts from a full bucket Amazon may not agree with;
// a 429 then drains ours. A per-shop budget that survives restarts belongs to the sync engine.

/** Tokens of the burst we never count on (see Pacer.plan). */
const SLACK_TOKENS = 1;

/** Default usage plans (requests/s, burst) from the API models; the live rate may differ. */
export const USAGE_PLANS = {
  // Listings Items 2021-08-01
  patchListingsItem: { rate: 5, burst: 5 },
  getListingsItem: { rate: 5, burst: 10 },
  searchListingsItems: { rate: 5, burst: 5 },
  // Orders v0 (what Kura calls: one getOrders a minute) and 2026-01-01 (searchOrders, its
  // successor, one call per ~179 s: the alternative once v0 is retired; ORDERS_API in orders.ts)
  searchOrders: { rate: 0.0056, burst: 20 },
  getOrders: { rate: 0.0167, burst: 20 },
  getOrder: { rate: 0.5, burst: 30 },
  getOrderItems: { rate: 0.5, burst: 30 },
  // Feeds 2021-06-30
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
} as const satisfies Record<string, BucketPlan>;
export type Operation = keyof typeof USAGE_PLANS;

/** One seller's buckets (per operation) and the live rates Amazon echoed for them. */
interface Budget {
  buckets: Map<Operation, BucketState>;
  liveRate: Map<Operation, number>;
}

const budgets = new Map<string, Budget>();
/** Bounds the Map: an isolate serving many sellers forgets the least recently used. */
const MAX_BUDGETS = 1000;

/**
 * The budget of one (endpoint, application, seller): usage plans are per selling partner and
 * application, and a sandbox or simulator base has budgets of its own.
 */
export function budgetFor(key: string): Pacer {
  let b = budgets.get(key);
  if (b) budgets.delete(key);
  else b = { buckets: new Map(), liveRate: new Map() };
  budgets.set(key, b); // most recently used last
  if (budgets.size > MAX_BUDGETS) budgets.delete(budgets.keys().next().value!);
  return new Pacer(b);
}

/** Forgets every bucket of this isolate (tests: a fresh simulated seller). */
export function resetAmazonPacing(): void {
  budgets.clear();
}

export class Pacer {
  constructor(private readonly b: Budget) {}

  /**
   * The plan we pace by: Amazon's rate, and its burst less one token. Amazon counts a request
   * when it arrives, we when we send it; one token of slack (1/rate seconds) absorbs the
   * difference in latency between two requests, which otherwise earns a 429 at the edge.
   */
  plan(op: Operation): BucketPlan {
    return { rate: this.b.liveRate.get(op) ?? USAGE_PLANS[op].rate, burst: Math.max(1, USAGE_PLANS[op].burst - SLACK_TOKENS) };
  }

  /** How long (ms) a request of `op` would have to wait at `now`, without reserving it. */
  wait(op: Operation, now: number): number {
    return waitMs(this.b.buckets.get(op), this.plan(op), now);
  }

  /**
   * Reserves the next slot of `op` if it comes within `maxWaitMs`: returns the wait (ms) before
   * the request may go, or null (nothing reserved) when the bucket is further off than that.
   */
  reserve(op: Operation, now: number, maxWaitMs: number): number | null {
    const r = reserve(this.b.buckets.get(op), this.plan(op), now);
    if (r.wait > maxWaitMs) return null;
    this.b.buckets.set(op, r.state);
    return r.wait;
  }

  /** Amazon answered 429: its bucket is empty, whatever ours said. */
  refused(op: Operation, now: number): void {
    this.b.buckets.set(op, drain(this.b.buckets.get(op), this.plan(op), now));
  }

  /** The live plan is echoed in x-amzn-RateLimit-Limit (requests/s); trust it over the default. */
  learnRate(op: Operation, header: string | null): void {
    const rate = header ? Number.parseFloat(header) : Number.NaN;
    if (Number.isFinite(rate) && rate > 0) this.b.liveRate.set(op, rate);
  }
}
