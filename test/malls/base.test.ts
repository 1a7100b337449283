import { describe, expect, it } from "vitest";
import { baseAdapter } from "../../src/malls/base";
import { MallError } from "../../src/malls/types";
import { demoCredentials } from "../../sim/base";
import { setupBase, T0 } from "./base-helpers";

const DAY = 86_400_000;

async function thrown(p: Promise<unknown>): Promise<MallError> {
  const e = await p.then(() => null, (err) => err);
  expect(e).toBeInstanceOf(MallError);
  return e as MallError;
}

describe("BASE adapter: credentials and connection test", () => {
  it("the sim's demo credentials satisfy the adapter's credentials schema", () => {
    expect(baseAdapter.credentialsSchema.safeParse(demoCredentials).success).toBe(true);
    expect(baseAdapter.defaultMallCode(" 1234:11 ")).toBe("1234:11");
    expect(baseAdapter.defaultBaseUrl).toBe("https://api.thebase.in");
  });

  it("a connection test with valid credentials is OK and reports the refresh token's 30-day expiry", async () => {
    const { ctx, saved, calls } = setupBase();
    const r = await baseAdapter.testConnection(ctx);
    expect(r).toEqual({ ok: true, expiresAt: T0 + 30 * DAY });
    expect(saved).toHaveLength(1);
    expect(saved[0].refreshToken).not.toBe(demoCredentials.refreshToken);
    expect(calls()).toEqual(["POST /1/oauth/token 200", "GET /1/items 200", "GET /1/orders 200"]);
  });

  it("a connection test with a wrong client secret is NG (auth) and never echoes the secret", async () => {
    const { ctx, saved } = setupBase({ clientSecret: "not-the-secret-xyz" });
    const r = await baseAdapter.testConnection(ctx);
    expect(r.ok).toBe(false);
    expect(r.errorClass).toBe("auth");
    expect(r.reason).toMatch(/クライアントIDまたはクライアントシークレット/);
    expect(r.reason).not.toContain("not-the-secret-xyz");
    expect(saved).toHaveLength(0);
  });

  it("a connection test after the refresh token lapsed (31 days) is NG with its expiry reported", async () => {
    const { ctx, clock } = setupBase();
    const first = await baseAdapter.testConnection(ctx);
    clock.advance(31 * DAY);
    const r = await baseAdapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "auth", expiresAt: first.expiresAt });
    expect(r.reason).toMatch(/有効期限切れ/);
  });

  it("a connection test without the read_orders scope is NG (missing permission)", async () => {
    const { ctx, sim } = setupBase();
    sim.state.scopes = ["read_users", "read_items", "write_items"];
    const r = await baseAdapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "auth" });
    expect(r.reason).toMatch(/スコープ/);
  });
});

describe("BASE adapter: stock", () => {
  it("a push of 1 item is one edit_stock call with the absolute stock", async () => {
    const { ctx, sim, calls } = setupBase();
    sim.state.setListings([{ code: "1001", quantity: 5 }]);
    const res = await baseAdapter.pushStock(ctx, [{ mallCode: "1001", quantity: 3 }]);
    expect(res).toEqual([{ mallCode: "1001", ok: true }]);
    expect(calls()).toEqual(["POST /1/oauth/token 200", "POST /1/items/edit_stock 200"]);
    expect(sim.state.listings()).toEqual([{ code: "1001", quantity: 3 }]);
  });

  it("a push of several items (variations included) is split into one edit_stock call each", async () => {
    const { ctx, sim, calls, control } = setupBase();
    sim.state.setListings([
      { code: "2001:11", quantity: 1 },
      { code: "2001:12", quantity: 1 },
      { code: "3001", quantity: 1 },
    ]);
    const res = await baseAdapter.pushStock(ctx, [
      { mallCode: "2001:11", quantity: 7 },
      { mallCode: "2001:12", quantity: 0 },
      { mallCode: "3001", quantity: 42 },
    ]);
    expect(res.every((r) => r.ok)).toBe(true);
    expect(calls().filter((c) => c.includes("edit_stock"))).toHaveLength(3);
    const listed = await control("GET", "/__sim/listings");
    expect(listed.json.items).toEqual([
      { code: "2001:11", quantity: 7 },
      { code: "2001:12", quantity: 0 },
      { code: "3001", quantity: 42 },
    ]);
    // The item's own stock is the sum of its variations, as on BASE.
    expect(sim.state.items.get(2001)!.stock).toBe(7);
  });

  it("readStock reads back what was pushed, one detail call per item; unknown codes are null", async () => {
    const { ctx, sim, calls } = setupBase();
    sim.state.setListings([{ code: "2001:11", quantity: 1 }, { code: "2001:12", quantity: 1 }, { code: "3001", quantity: 1 }]);
    await baseAdapter.pushStock(ctx, [{ mallCode: "2001:11", quantity: 4 }, { mallCode: "3001", quantity: 9 }]);
    const mark = sim.state.calls.length;
    const r = await baseAdapter.readStock(ctx, ["2001:11", "2001:12", "3001", "2001", "2001:99", "9999", "not-a-code"]);
    expect(r).toEqual([
      { mallCode: "2001:11", quantity: 4 },
      { mallCode: "2001:12", quantity: 1 },
      { mallCode: "3001", quantity: 9 },
      { mallCode: "2001", quantity: null }, // has variations: only addressable per variation
      { mallCode: "2001:99", quantity: null },
      { mallCode: "9999", quantity: null },
      { mallCode: "not-a-code", quantity: null },
    ]);
    expect(calls(mark)).toEqual([
      "GET /1/items/detail/2001 200",
      "GET /1/items/detail/3001 200",
      "GET /1/items/detail/9999 400",
    ]);
  });
});

describe("BASE adapter: error classes", () => {
  it("a rejected item is that item's ok:false (item) while the others go through", async () => {
    const { ctx, sim } = setupBase();
    sim.state.setListings([{ code: "1001", quantity: 1 }, { code: "2001:11", quantity: 1 }]);
    const res = await baseAdapter.pushStock(ctx, [
      { mallCode: "9999", quantity: 1 },
      { mallCode: "2001:77", quantity: 1 },
      { mallCode: "abc", quantity: 1 },
      { mallCode: "1001", quantity: -1 },
      { mallCode: "1001", quantity: 8 },
    ]);
    expect(res.map((r) => [r.ok, r.error?.errorClass, r.error?.code])).toEqual([
      [false, "item", "bad_item_id"],
      [false, "item", "bad_variation_id"],
      [false, "item", "bad_code"],
      [false, "item", "bad_quantity"],
      [true, undefined, undefined],
    ]);
    expect(sim.state.items.get(1001)!.stock).toBe(8);
  });

  it("a wrong client secret makes a push throw auth", async () => {
    const { ctx } = setupBase({ clientSecret: "nope" });
    const e = await thrown(baseAdapter.pushStock(ctx, [{ mallCode: "1001", quantity: 1 }]));
    expect(e.errorClass).toBe("auth");
    expect(e.opts.code).toBe("unauthorized_client");
  });

  it("a token BASE keeps rejecting (auth fault on the call and on the refresh) throws auth", async () => {
    const { ctx, control } = setupBase();
    await baseAdapter.testConnection(ctx); // holds a valid access token now
    await control("POST", "/__sim/faults", { type: "auth", times: 2 });
    const e = await thrown(baseAdapter.readStock(ctx, ["1001"]));
    expect(e.errorClass).toBe("auth");
  });

  it("hour_api_limit is rate with retry-after until the next full hour", async () => {
    const { ctx, sim } = setupBase();
    sim.state.setListings([{ code: "1001", quantity: 1 }]);
    sim.state.limits.hour = 1;
    const e = await thrown(baseAdapter.pushStock(ctx, [{ mallCode: "1001", quantity: 2 }, { mallCode: "1001", quantity: 3 }]));
    expect(e.errorClass).toBe("rate");
    expect(e.opts.code).toBe("hour_api_limit");
    expect(e.opts.retryAfterSec).toBe(15 * 60 + 1); // T0 is hh:45:00
  });

  it("day_api_limit is rate with retry-after until midnight JST, and the 429 fault maps to rate", async () => {
    const { ctx, sim, control } = setupBase();
    sim.state.limits.day = 0;
    const e = await thrown(baseAdapter.readStock(ctx, ["1001"]));
    expect(e.errorClass).toBe("rate");
    expect(e.opts.retryAfterSec).toBe(11 * 3600 + 15 * 60 + 1); // 12:45 JST → 24:00 JST
    sim.state.limits.day = 100_000;
    await control("POST", "/__sim/faults", { type: "429" });
    expect((await thrown(baseAdapter.readStock(ctx, ["1001"]))).errorClass).toBe("rate");
  });

  it("a 5xx is transient", async () => {
    const { ctx, control } = setupBase();
    await baseAdapter.testConnection(ctx);
    await control("POST", "/__sim/faults", { type: "5xx" });
    const e = await thrown(baseAdapter.pushStock(ctx, [{ mallCode: "1001", quantity: 1 }]));
    expect(e).toMatchObject({ errorClass: "transient", opts: { status: 503 } });
  });

  it("a call that does not answer within timeoutMs is transient (timeout)", async () => {
    const { ctx, control, calls } = setupBase();
    await baseAdapter.testConnection(ctx);
    await control("POST", "/__sim/faults", { type: "timeout", delayMs: 5000 });
    const started = Date.now();
    const e = await thrown(baseAdapter.readStock({ ...ctx, timeoutMs: 50 }, ["1001"]));
    expect(e).toMatchObject({ errorClass: "transient", opts: { code: "timeout" } });
    expect(Date.now() - started).toBeLessThan(2000);
    await new Promise((r) => setTimeout(r, 10));
    expect(calls().at(-1)).toBe("GET /1/items/detail/1001 499");
  });
});

describe("BASE adapter: token refresh", () => {
  it("an expired access token is refreshed and the rotated refresh token saved before it is used", async () => {
    const { ctx, sim, saved, clock } = setupBase();
    sim.state.setListings([{ code: "1001", quantity: 1 }]);
    await baseAdapter.testConnection(ctx);
    const before = ctx.credentials;
    clock.advance(3600_000); // the 1 h access token has lapsed
    sim.state.calls.length = 0;
    let callsAtSave = -1;
    const inner = ctx.saveCredentials;
    ctx.saveCredentials = async (c) => ((callsAtSave = sim.state.calls.length), inner(c));
    const res = await baseAdapter.pushStock(ctx, [{ mallCode: "1001", quantity: 6 }]);
    expect(res[0].ok).toBe(true);
    expect(callsAtSave).toBe(1); // only the token call had happened when the new pair was saved
    const next = saved.at(-1)!;
    expect(next.refreshToken).not.toBe(before.refreshToken);
    expect(next.accessToken).not.toBe(before.accessToken);
    expect(next.accessTokenExpiresAt).toBe(T0 + 3600_000 + 3600_000);
    // The old refresh token is spent: BASE rotates it.
    const stale = await baseAdapter.testConnection({ ...ctx, credentials: before });
    expect(stale).toMatchObject({ ok: false, errorClass: "auth" });
  });

  it("a conversation whose refresh token another one of the same shop spent takes up the stored pair", async () => {
    const { ctx, sim, saved, clock } = setupBase();
    sim.state.setListings([{ code: "1001", quantity: 1 }]);
    await baseAdapter.testConnection(ctx);
    clock.advance(3600_000); // both hold a lapsed access token and the same refresh token
    // A pull began with these credentials; a push sent between its requests refreshes first.
    const pulls = { ...ctx, credentials: ctx.credentials, loadCredentials: async () => saved.at(-1) ?? null };
    await baseAdapter.pushStock(ctx, [{ mallCode: "1001", quantity: 4 }]);
    const rotated = saved.length;
    // The pull's own refresh is refused (spent token): it reads the stored pair and goes on.
    expect(await baseAdapter.readStock(pulls, ["1001"])).toEqual([{ mallCode: "1001", quantity: 4 }]);
    expect(saved.length).toBe(rotated); // the stored access token was still good: no refresh spent
    // Without a way to read the stored pair it is an auth error, as before.
    const { loadCredentials: _, ...blind } = pulls;
    expect(await thrown(baseAdapter.readStock({ ...blind, credentials: pulls.credentials }, ["1001"]))).toMatchObject({ errorClass: "auth" });
  });

  it("an access token BASE rejects early (expired fault) is refreshed once and the call retried", async () => {
    const { ctx, control, calls, saved } = setupBase();
    await baseAdapter.testConnection(ctx);
    const mark = saved.length;
    await control("POST", "/__sim/faults", { type: "expired" });
    const r = await baseAdapter.readStock(ctx, ["1001"]);
    expect(r).toEqual([{ mallCode: "1001", quantity: null }]);
    expect(saved.length).toBe(mark + 1);
    expect(calls().slice(-3)).toEqual([
      "GET /1/items/detail/1001 400",
      "POST /1/oauth/token 200",
      "GET /1/items/detail/1001 400", // no_item: the retry went through with the new token
    ]);
  });
});
