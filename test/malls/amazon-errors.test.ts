import { describe, expect, it } from "vitest";
import { amazonAdapter } from "../../src/malls/amazon";
import { mallError, setup } from "./amazon-helpers";

const one = [{ mallCode: "E1", quantity: 2, ref: { productType: "HOME" } }];

function ready() {
  const t = setup();
  t.state.setListings([{ code: "E1", quantity: 1, productType: "HOME" }]);
  return t;
}

describe("amazon error classes", () => {
  it("auth: a 403 Unauthorized from the API is thrown as an auth MallError", async () => {
    const { ctx, state } = ready();
    await amazonAdapter.testConnection(ctx); // holds a valid token
    state.addFault("auth");
    const e = await mallError(() => amazonAdapter.pushStock(ctx, one));
    expect(e.errorClass).toBe("auth");
    expect(e.opts.status).toBe(403);
  });

  it("rate: a 429 QuotaExceeded is a rate error whose retry-after follows the usage plan", async () => {
    const { ctx, state } = ready();
    await amazonAdapter.testConnection(ctx);
    state.addFault("429", 2);
    const e = await mallError(() => amazonAdapter.pushStock(ctx, one));
    expect(e).toMatchObject({ errorClass: "rate", opts: { status: 429, code: "QuotaExceeded", retryAfterSec: 1 } });
    const e2 = await mallError(() => amazonAdapter.fetchOrders(ctx, null));
    expect(e2.opts.retryAfterSec).toBe(60); // getOrders (Orders v0): 0.0167 rps
  });

  it("transient: a 503 from the API is a transient error", async () => {
    const { ctx, state } = ready();
    await amazonAdapter.testConnection(ctx);
    state.addFault("5xx");
    const e = await mallError(() => amazonAdapter.readStock(ctx, ["E1"]));
    expect(e).toMatchObject({ errorClass: "transient", opts: { status: 503 } });
  });

  it("transient: a request that outlives ctx.timeoutMs is a transient timeout", async () => {
    const { ctx, state } = ready();
    await amazonAdapter.testConnection(ctx);
    state.addFault("timeout", 1, 3000);
    const t0 = Date.now();
    const e = await mallError(() => amazonAdapter.pushStock({ ...ctx, timeoutMs: 50 }, one));
    expect(e.errorClass).toBe("transient");
    expect(e.message).toContain("timeout");
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  it("a slow answer within the timeout still succeeds", async () => {
    const { ctx, state } = ready();
    state.addFault("slow", 1, 30);
    expect((await amazonAdapter.pushStock(ctx, one))[0].ok).toBe(true);
  });

  it("item: a per-SKU rejection never fails the batch (covered per item, not thrown)", async () => {
    const { ctx } = ready();
    const res = await amazonAdapter.pushStock(ctx, [{ mallCode: "MISSING", quantity: 1 }, ...one]);
    expect(res.map((r) => [r.ok, r.error?.errorClass])).toEqual([[false, "item"], [true, undefined]]);
  });
});

describe("amazon LWA tokens", () => {
  it("a token refresh saves the rotated refresh token before using the new access token", async () => {
    const { ctx, state, saved } = ready();
    state.rotateRefreshTokens = true;
    const oldRefresh = ctx.credentials.refreshToken;
    await amazonAdapter.pushStock(ctx, one);
    expect(saved).toHaveLength(1);
    expect(saved[0].refreshToken).not.toBe(oldRefresh);
    expect(saved[0].refreshToken).toBe(state.refreshToken);
    expect(saved[0].accessTokenExpiresAt).toBeGreaterThan(Date.now() + 3000_000);
    // The old refresh token is dead now; the saved one keeps working.
    expect((await amazonAdapter.testConnection({ ...ctx, credentials: { ...saved[0], accessToken: undefined } })).ok).toBe(true);
    expect((await amazonAdapter.testConnection({ ...ctx, credentials: { ...saved[0], refreshToken: oldRefresh, accessToken: undefined } })).ok).toBe(false);
  });

  it("a valid cached access token is reused; one within a minute of expiry is refreshed", async () => {
    const { ctx, state, saved } = ready();
    await amazonAdapter.testConnection(ctx);
    await amazonAdapter.pushStock(ctx, one);
    expect(state.calls.filter((c) => c.path === "/auth/o2/token")).toHaveLength(1);
    ctx.credentials = { ...ctx.credentials, accessTokenExpiresAt: Date.now() + 30_000 };
    await amazonAdapter.readStock(ctx, ["E1"]);
    expect(state.calls.filter((c) => c.path === "/auth/o2/token")).toHaveLength(2);
    expect(saved).toHaveLength(2);
  });

  it("an access token the API calls expired is refreshed once and the call retried", async () => {
    const { ctx, state, saved } = ready();
    await amazonAdapter.testConnection(ctx);
    state.addFault("expired");
    expect((await amazonAdapter.pushStock(ctx, one))[0].ok).toBe(true);
    expect(saved).toHaveLength(2);
    expect(state.calls.map((c) => c.status)).toEqual([200, 200, 403, 200, 200]);
  });

  it("an expired client secret during that refresh stops with an auth error", async () => {
    const { ctx, state } = ready();
    await amazonAdapter.testConnection(ctx);
    state.addFault("expired", 2);
    const e = await mallError(() => amazonAdapter.pushStock(ctx, one));
    expect(e.errorClass).toBe("auth");
    expect(e.message).toContain("有効期限切れ");
  });
});
