import { describe, expect, it } from "vitest";
import { amazonAdapter } from "../../src/malls/amazon";
import { USAGE_PLANS } from "../../src/malls/amazon/pacing";
import { drain, reserve, tryTake, waitMs, type BucketState } from "../../src/malls/token-bucket";
import { demoCredentials } from "../../sim/amazon";
import { expectValid, setup, specs } from "./amazon-helpers";

// Request pacing against the SP-API usage plans: a token bucket (rate, burst) per operation, the
// same in the adapter (which waits for its slot) and in the simulator (which answers 429).
// Time is a fake clock: the adapter's waits advance it through ctx.sleep, and the simulator reads it.

const T0 = Date.parse("2026-08-01T00:00:00Z");

function clocked() {
  let t = T0;
  const waits: number[] = [];
  const env = setup({
    now: () => t,
    sleep: async (ms) => {
      waits.push(ms);
      t += ms;
    },
  });
  return { ...env, now: () => t, advance: (ms: number) => (t += ms), waits };
}

const listing = (code: string) => ({ code, quantity: 1, productType: "HOME" });
const codes = (n: number, prefix = "P") => Array.from({ length: n }, (_, i) => `${prefix}${i}`);

describe("token bucket (pure)", () => {
  const plan = { rate: 5, burst: 5 };

  it("a full bucket lets `burst` requests go at once, then one per 1/rate s", () => {
    let s: BucketState | undefined;
    const waits: number[] = [];
    for (let i = 0; i < 8; i++) {
      const r = reserve(s, plan, 1000);
      s = r.state;
      waits.push(r.wait);
    }
    expect(waits).toEqual([0, 0, 0, 0, 0, 200, 400, 600]);
  });

  it("a server takes whole tokens only and refuses without taking", () => {
    let s: BucketState | undefined;
    for (let i = 0; i < 5; i++) s = tryTake(s, plan, 0).state;
    const refused = tryTake(s, plan, 199);
    expect(refused.ok).toBe(false);
    expect(tryTake(refused.state, plan, 200).ok).toBe(true);
  });

  it("a paced caller never arrives before the server has a token (fractional rates too)", () => {
    for (const p of Object.values(USAGE_PLANS)) {
      let mine: BucketState | undefined;
      let theirs: BucketState | undefined;
      let now = T0;
      for (let i = 0; i < p.burst + 25; i++) {
        const r = reserve(mine, p, now);
        mine = r.state;
        now += r.wait;
        const taken = tryTake(theirs, p, now);
        expect(taken.ok, `request ${i} at rate ${p.rate}`).toBe(true);
        theirs = taken.state;
      }
    }
  });

  it("refills up to the burst only; a clock that went back refills nothing; a 429 empties it", () => {
    expect(waitMs({ tokens: 0, at: 0 }, plan, 10_000_000)).toBe(0);
    expect(reserve({ tokens: -3, at: 5000 }, plan, 10_000_000).state.tokens).toBe(4);
    expect(waitMs({ tokens: 0, at: 5000 }, plan, 1000)).toBe(200);
    expect(drain(undefined, plan, 0)).toEqual({ tokens: 0, at: 0 });
    expect(drain({ tokens: -2, at: 0 }, plan, 0).tokens).toBe(-2);
  });
});

describe("amazon adapter pacing (patchListingsItem 5 rps / burst 5)", () => {
  it("60 listings pushed one by one through patchListingsItem get no 429 and take the time the bucket implies", async () => {
    const { ctx, state, now } = clocked();
    const all = codes(60);
    state.setListings(all.map(listing));
    const started = now();
    // Three pushStock calls of 20 (the PATCH path): the bucket carries over from one call to the next.
    for (let i = 0; i < 60; i += 20) {
      const res = await amazonAdapter.pushStock(ctx, all.slice(i, i + 20).map((mallCode) => ({ mallCode, quantity: 7, ref: { productType: "HOME" } })));
      expect(res.every((r) => r.ok)).toBe(true);
    }
    const patches = state.calls.filter((c) => c.method === "PATCH");
    expect(patches).toHaveLength(60);
    expect(state.calls.some((c) => c.status === 429)).toBe(false);
    // 4 at once (the burst of 5 less one token of slack for latency), then 56 more at 5 per
    // second: at least 11.2 s — and no more than the bucket asks.
    expect(now() - started).toBeGreaterThanOrEqual(((60 - 4) / 5) * 1000);
    expect(now() - started).toBeLessThan(((60 - 4) / 5) * 1000 + 100);
    expect(state.listListings().every((l) => l.quantity === 7)).toBe(true);
  });

  it("each operation has its own bucket: 20 lookups (getListingsItem 5/10) and 20 PATCHes, no 429", async () => {
    const { ctx, state, now } = clocked();
    state.setListings(codes(20).map(listing));
    const res = await amazonAdapter.pushStock(ctx, codes(20).map((mallCode) => ({ mallCode, quantity: 2 })));
    expect(res.every((r) => r.ok && r.ref?.productType === "HOME")).toBe(true);
    expect(state.calls.filter((c) => c.method === "GET" && c.path.startsWith("/listings/"))).toHaveLength(20);
    expect(state.calls.some((c) => c.status === 429)).toBe(false);
    // The PATCH bucket decides: 20 patches need (20 − 5) / 5 = 3 s at least.
    expect(now() - T0).toBeGreaterThanOrEqual(3000);
  });

  it("a bucket further off than the longest wait fails as `rate` at once, without a request", async () => {
    const { ctx, state } = clocked();
    // getOrders (Orders v0): burst 20 (19 counted on), then one a minute.
    for (let i = 0; i < 19; i++) await amazonAdapter.fetchOrders(ctx, null);
    const before = state.calls.length;
    const e = await amazonAdapter.fetchOrders(ctx, null).then(
      () => null,
      (err: unknown) => err,
    );
    expect(e).toMatchObject({ errorClass: "rate", opts: { code: "PACING", retryAfterSec: 60 } });
    expect(state.calls.length).toBe(before);
    expect(state.calls.some((c) => c.status === 429)).toBe(false);
  });

  it("after a 429 (another client spent the budget) the next request waits for a fresh token", async () => {
    const { ctx, state, waits } = clocked();
    state.setListings([listing("A")]);
    const one = [{ mallCode: "A", quantity: 3, ref: { productType: "HOME" } }];
    await amazonAdapter.testConnection(ctx); // holds a token: the fault hits the PATCH, not LWA
    state.addFault("429");
    await expect(amazonAdapter.pushStock(ctx, one)).rejects.toMatchObject({ errorClass: "rate" });
    expect(waits).toEqual([]);
    expect((await amazonAdapter.pushStock(ctx, one))[0].ok).toBe(true);
    expect(waits).toEqual([200]);
  });
});

describe("amazon simulator usage plans", () => {
  it("a request over the bucket is answered 429 with the SP-API ErrorList and x-amzn-RateLimit-Limit", async () => {
    const { ctx, state, outer } = clocked();
    state.setListings([listing("L1")]);
    await amazonAdapter.testConnection(ctx); // a valid access token
    const path = `/amazon/listings/2021-08-01/items/${demoCredentials.sellerId}/L1?marketplaceIds=A1VC38T7YXB528`;
    const headers = { "x-amz-access-token": ctx.credentials.accessToken!, "content-type": "application/json" };
    const body = JSON.stringify({ productType: "HOME", patches: [{ op: "replace", path: "/attributes/fulfillment_availability", value: [{ fulfillment_channel_code: "DEFAULT", quantity: 1 }] }] });
    const statuses: number[] = [];
    let refused: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const res = await outer.request(path, { method: "PATCH", headers, body });
      statuses.push(res.status);
      if (res.status === 429) refused = res;
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    expect(refused!.headers.get("x-amzn-RateLimit-Limit")).toBe("5");
    expect(refused!.headers.get("x-amzn-RequestId")).toBeTruthy();
    const json = await refused!.json();
    expect(json).toEqual({ errors: [{ code: "QuotaExceeded", message: "You exceeded your quota for the requested resource." }] });
    expectValid(specs().listingsErrorList, json, "429 ErrorList");
  });
});
