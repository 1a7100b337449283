import type { MiddlewareHandler } from "hono";
import { type BucketPlan, type BucketState, tryTake } from "../src/malls/token-bucket";

// What every simulated mall records about the traffic it received, whoever sent it: how many
// requests were in flight at once (a sync engine must never run two conversations with one
// shop side by side) and how many arrived faster than the mall's documented budget allows
// (MALLS.md §9). Read with GET /<kind>/__sim/traffic; POST /<kind>/__sim/reset clears it.

export interface TrafficReport {
  requests: number;
  maxInFlight: number;
  /** Requests that found the documented budget's bucket empty. */
  overBudget: number;
  firstAt: number | null;
  lastAt: number | null;
}

export class TrafficRecorder {
  private inFlight = 0;
  private report: TrafficReport = { requests: 0, maxInFlight: 0, overBudget: 0, firstAt: null, lastAt: null };
  private bucket: BucketState | undefined;

  constructor(
    private readonly plan: BucketPlan,
    private readonly now: () => number = Date.now,
  ) {}

  reset() {
    this.inFlight = 0;
    this.bucket = undefined;
    this.report = { requests: 0, maxInFlight: 0, overBudget: 0, firstAt: null, lastAt: null };
  }

  get(): TrafficReport {
    return { ...this.report };
  }

  middleware(): MiddlewareHandler {
    return async (c, next) => {
      // The simulator's own control API is not mall traffic.
      if (new URL(c.req.url).pathname.includes("/__sim")) return next();
      const at = this.now();
      const taken = tryTake(this.bucket, this.plan, at);
      this.bucket = taken.state;
      this.report.requests++;
      if (!taken.ok) this.report.overBudget++;
      this.report.firstAt ??= at;
      this.report.lastAt = at;
      this.inFlight++;
      this.report.maxInFlight = Math.max(this.report.maxInFlight, this.inFlight);
      try {
        await next();
      } finally {
        this.inFlight--;
      }
    };
  }
}
