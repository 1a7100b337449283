import type { MiddlewareHandler } from "hono";
import { type BucketPlan, type BucketState, refill, waitMs } from "../src/malls/token-bucket";

// What every simulated mall records about the traffic it received, whoever sent it: how many
// requests were in flight at once (a sync engine must never run two conversations with one
// shop side by side) and how many arrived faster than the mall's documented budget allows
// (MALLS.md §9). Read with GET /<kind>/__sim/traffic; POST /<kind>/__sim/reset clears it.

/**
 * A request is over budget when it arrives more than this before the documented bucket would
 * let it in: the sender paces by its own clock and one request may travel slower than the next
 * (two cores shared by the sender, the simulator and the load). The earliest arrival is reported
 * as is (earliestMs), so nothing hides behind the tolerance.
 */
export const JITTER_TOLERANCE_MS = 250;

/** Set by the standalone server (sim/server.ts): when the request reached the process. */
export const ARRIVED_AT_HEADER = "x-kura-sim-arrived-at";

export interface TrafficReport {
  requests: number;
  maxInFlight: number;
  /** Requests that arrived more than JITTER_TOLERANCE_MS before the documented bucket allowed. */
  overBudget: number;
  /** The earliest any request arrived before its slot (ms; 0 = none early). */
  earliestMs: number;
  firstAt: number | null;
  lastAt: number | null;
  /**
   * How long the simulator took over its answers, from arrival to the end of the handler (ms):
   * their sum (divide by requests for the mean) and the slowest. A sender that calls one at a time
   * cannot go faster than this, whatever its budget (bench:resync prints it per shop).
   */
  answerMsTotal: number;
  answerMsMax: number;
}

/** A mall that budgets its order API apart (Rakuten, Yahoo): the paths it covers and their bucket. */
export interface OrderLaneBudget extends BucketPlan {
  matches(path: string): boolean;
}

const emptyReport = (): TrafficReport => ({ requests: 0, maxInFlight: 0, overBudget: 0, earliestMs: 0, firstAt: null, lastAt: null, answerMsTotal: 0, answerMsMax: 0 });

export class TrafficRecorder {
  private inFlight = 0;
  private report = emptyReport();
  private buckets: Record<"main" | "orders", BucketState | undefined> = { main: undefined, orders: undefined };

  constructor(
    private readonly plan: BucketPlan,
    private readonly now: () => number = Date.now,
    private readonly orders?: OrderLaneBudget,
  ) {}

  reset() {
    this.inFlight = 0;
    this.buckets = { main: undefined, orders: undefined };
    this.report = emptyReport();
  }

  get(): TrafficReport {
    return { ...this.report };
  }

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      // The simulator's own control API is not mall traffic.
      const path = new URL(c.req.url).pathname;
      if (path.includes("/__sim")) return next();
      const stamped = Number(c.req.header(ARRIVED_AT_HEADER));
      const at = Number.isFinite(stamped) && stamped > 0 ? stamped : this.now();
      const lane = this.orders?.matches(path) ? "orders" : "main";
      const plan = lane === "orders" ? this.orders! : this.plan;
      // How early this request is for the bucket. Within the tolerance it takes its token (the
      // bucket may dip below zero by at most that much); beyond it, it is over budget and, as a
      // mall that refuses it would, takes nothing.
      const early = waitMs(this.buckets[lane], plan, at);
      this.report.requests++;
      this.report.earliestMs = Math.max(this.report.earliestMs, early);
      if (early > JITTER_TOLERANCE_MS) this.report.overBudget++;
      else this.buckets[lane] = { tokens: refill(this.buckets[lane], plan, at).tokens - 1, at };
      this.report.firstAt ??= at;
      this.report.lastAt = at;
      this.inFlight++;
      this.report.maxInFlight = Math.max(this.report.maxInFlight, this.inFlight);
      try {
        await next();
      } finally {
        this.inFlight--;
        const took = Math.max(0, this.now() - at);
        this.report.answerMsTotal += took;
        this.report.answerMsMax = Math.max(this.report.answerMsMax, took);
      }
    };
  }
}
