import { describe, expect, it } from "vitest";
import { MallError } from "../../src/malls/types";
import { REFRESH_LIFE_WITH_KEY_MS } from "../../src/malls/yahoo/credentials";
import { setup, T0 } from "./yahoo-setup";

const DAY = 24 * 3_600_000;

function form(body: string) {
  return new URLSearchParams(body);
}

describe("yahoo: connection test", () => {
  it("connection test OK reports the earliest credential expiry (refresh token, 28 days with a public key)", async () => {
    const t = setup();
    const r = await t.adapter.testConnection(t.ctx());
    expect(r).toEqual({ ok: true, expiresAt: T0 + REFRESH_LIFE_WITH_KEY_MS });
    expect(t.callsTo("orderCount")).toEqual([{ method: "GET", path: "/yahoo/ShoppingWebService/V1/orderCount", status: 200 }]);
  });

  it("connection test NG with a wrong client secret (invalid_client), and the secret is not in the reason", async () => {
    const t = setup({ credentials: { clientSecret: "wrong-secret-value" } });
    const r = await t.adapter.testConnection(t.ctx());
    expect(r.ok).toBe(false);
    expect(r.errorClass).toBe("auth");
    expect(r.reason).toContain("invalid_client");
    expect(r.reason).not.toContain("wrong-secret-value");
  });

  it("expired credentials: a refresh token past 28 days is refused (invalid_grant) and the past expiry is reported", async () => {
    const t = setup();
    t.advance(29 * DAY);
    const r = await t.adapter.testConnection(t.ctx());
    expect(r).toMatchObject({ ok: false, errorClass: "auth", expiresAt: T0 + REFRESH_LIFE_WITH_KEY_MS });
    expect(r.reason).toContain("invalid_grant");
    expect(r.expiresAt!).toBeLessThan(t.now());
  });

  it("without 公開鍵認証 an order-API session older than 12 h is refused with px-04102 (auth)", async () => {
    const t = setup({ credentials: { publicKey: undefined, publicKeyVersion: undefined } });
    const fresh = await t.adapter.testConnection(t.ctx());
    expect(fresh).toMatchObject({ ok: true, expiresAt: T0 + 12 * 3_600_000 });
    expect(fresh.reason).toContain("公開鍵認証");
    t.advance(13 * 3_600_000);
    const r = await t.adapter.testConnection(t.ctx());
    expect(r).toMatchObject({ ok: false, errorClass: "auth" });
    expect(r.reason).toContain("px-04102");
  });

  it("every call carries a public-key signature the mall accepts; a wrong key version is refused", async () => {
    const t = setup();
    expect((await t.adapter.testConnection(t.ctx())).ok).toBe(true);
    const apiCall = t.sent.find((s) => s.path.endsWith("/orderCount"))!;
    expect(apiCall.headers.get("X-sws-signature")).toMatch(/^[A-Za-z0-9+/]+=*$/);
    expect(apiCall.headers.get("X-sws-signature-version")).toBe("1");
    t.creds = { ...t.creds, publicKeyVersion: "2" };
    const r = await t.adapter.testConnection(t.ctx());
    expect(r).toMatchObject({ ok: false, errorClass: "auth" });
  });
});

describe("yahoo: stock", () => {
  it("a push of 1 item sends one setStock with an absolute figure and reads back", async () => {
    const t = setup();
    t.sim.state.setListings([{ code: "tshirt-red:m", quantity: 3 }]);
    const res = await t.adapter.pushStock(t.ctx(), [{ mallCode: "tshirt-red:m", quantity: 7 }]);
    expect(res).toEqual([{ mallCode: "tshirt-red:m", ok: true }]);
    const calls = t.sent.filter((s) => s.path.endsWith("/setStock"));
    expect(calls).toHaveLength(1);
    expect(Object.fromEntries(form(calls[0].body))).toEqual({ seller_id: "kura-demo", item_code: "tshirt-red:m", quantity: "7" });
    expect(await t.adapter.readStock(t.ctx(), ["tshirt-red:m"])).toEqual([{ mallCode: "tshirt-red:m", quantity: 7 }]);
    expect(await (await t.control("/listings")).json()).toEqual({ items: [{ code: "tshirt-red:m", quantity: 7 }] });
  });

  it("a push of 1001 items is split into two setStock calls (1000 + 1) with absolute figures", async () => {
    const t = setup();
    const items = Array.from({ length: 1001 }, (_, i) => ({ mallCode: `item-${i}`, quantity: i % 50 }));
    t.sim.state.setListings(items.map((i) => ({ code: i.mallCode, quantity: 999 })));
    const res = await t.adapter.pushStock(t.ctx(), items);
    expect(res.every((r) => r.ok)).toBe(true);
    expect(t.callsTo("setStock").map((c) => c.status)).toEqual([200, 200]);
    const bodies = t.sent.filter((s) => s.path.endsWith("/setStock")).map((s) => form(s.body));
    expect(bodies.map((b) => b.get("item_code")!.split(",").length)).toEqual([1000, 1]);
    for (const b of bodies) for (const q of b.get("quantity")!.split(",")) expect(q).toMatch(/^\d+$/);
    const back = await t.adapter.readStock(t.ctx(), items.map((i) => i.mallCode));
    expect(back).toEqual(items.map((i) => ({ mallCode: i.mallCode, quantity: i.quantity })));
    expect(t.callsTo("getStock")).toHaveLength(2);
  });

  it("a negative figure is sent as 0, never as a relative '-n'; a code twice in one push is sent once (last wins)", async () => {
    const t = setup();
    t.sim.state.setListings([{ code: "a", quantity: 5 }, { code: "b", quantity: 5 }]);
    const res = await t.adapter.pushStock(t.ctx(), [
      { mallCode: "a", quantity: -2 },
      { mallCode: "b", quantity: 1 },
      { mallCode: "b", quantity: 4 },
    ]);
    expect(res.map((r) => r.ok)).toEqual([true, true, true]);
    const body = form(t.sent.find((s) => s.path.endsWith("/setStock"))!.body);
    expect(body.get("item_code")).toBe("a,b");
    expect(body.get("quantity")).toBe("0,4");
    expect(t.sim.state.getListings()).toEqual([{ code: "a", quantity: 0 }, { code: "b", quantity: 4 }]);
  });

  it("readStock reads back what was pushed; an unknown code (silently accepted by setStock) reads as null", async () => {
    const t = setup();
    t.sim.state.setListings([{ code: "known-1", quantity: 1 }]);
    const res = await t.adapter.pushStock(t.ctx(), [
      { mallCode: "known-1", quantity: 12 },
      { mallCode: "no-such-item", quantity: 4 },
    ]);
    expect(res.map((r) => r.ok)).toEqual([true, true]); // Yahoo accepts unknown codes without an error
    const back = await t.adapter.readStock(t.ctx(), ["known-1", "no-such-item", "bad code!"]);
    expect(back).toEqual([
      { mallCode: "known-1", quantity: 12 },
      { mallCode: "no-such-item", quantity: null },
      { mallCode: "bad code!", quantity: null },
    ]);
  });

  it("item errors: a malformed code is rejected locally and a per-item ErrorCode from setStock fails only that item", async () => {
    const t = setup();
    t.sim.state.setListings([{ code: "ok-1", quantity: 0 }, { code: "ng-1", quantity: 0 }]);
    t.setRewrite(async (path, res) => {
      if (!path.endsWith("/setStock")) return res;
      await res.text();
      return new Response(
        '<?xml version="1.0" encoding="UTF-8"?>\n<ResultSet totalResultsAvailable="2" totalResultsReturned="2" firstResultPosition="1">' +
          "<Result><ItemCode>ok-1</ItemCode><SubCode></SubCode><Quantity>3</Quantity></Result>" +
          "<Result><ItemCode>ng-1</ItemCode><SubCode></SubCode><ErrorCode>st-02104</ErrorCode><ErrorMessage>quantity(3) is invalid value.</ErrorMessage></Result></ResultSet>",
        { status: 200, headers: { "Content-Type": "text/xml" } },
      );
    });
    const res = await t.adapter.pushStock(t.ctx(), [
      { mallCode: "ok-1", quantity: 3 },
      { mallCode: "ng-1", quantity: 3 },
      { mallCode: "has,comma", quantity: 1 },
    ]);
    expect(res[0]).toEqual({ mallCode: "ok-1", ok: true });
    expect(res[1]).toMatchObject({ mallCode: "ng-1", ok: false, error: { errorClass: "item", code: "st-02104" } });
    expect(res[2]).toMatchObject({ mallCode: "has,comma", ok: false, error: { errorClass: "item", code: "invalid_code" } });
    expect(form(t.sent.find((s) => s.path.endsWith("/setStock"))!.body).get("item_code")).toBe("ok-1,ng-1");
  });

  it("the simulator enforces Yahoo's limits: >1000 codes (st-02102) and INI (st-02104 per item)", async () => {
    const t = setup();
    await t.adapter.testConnection(t.ctx()); // obtains an access token
    const auth = { Authorization: `Bearer ${t.creds.accessToken}`, "Content-Type": "application/x-www-form-urlencoded" };
    const over = new URLSearchParams({
      seller_id: "kura-demo",
      item_code: Array.from({ length: 1001 }, (_, i) => `c${i}`).join(","),
      quantity: Array.from({ length: 1001 }, () => "1").join(","),
    });
    const r1 = await t.sim.app.request("/ShoppingWebService/V1/setStock", { method: "POST", headers: auth, body: over.toString() });
    expect(r1.status).toBe(400);
    expect(await r1.text()).toContain("<Code>st-02102</Code>");
    t.sim.state.setListings([{ code: "x", quantity: 2 }]);
    const ini = new URLSearchParams({ seller_id: "kura-demo", item_code: "x", quantity: "INI" });
    const r2 = await t.sim.app.request("/ShoppingWebService/V1/setStock", { method: "POST", headers: auth, body: ini.toString() });
    expect(r2.status).toBe(200);
    expect(await r2.text()).toContain("<ErrorCode>st-02104</ErrorCode>");
  });
});

describe("yahoo: error classes", () => {
  async function pushError(t: ReturnType<typeof setup>) {
    try {
      await t.adapter.pushStock(t.ctx({ timeoutMs: 100 }), [{ mallCode: "a", quantity: 1 }]);
    } catch (e) {
      return e as MallError;
    }
    throw new Error("expected a MallError");
  }

  it("auth: a rejected token that cannot be refreshed (invalid_client) is an auth error", async () => {
    const t = setup();
    await t.control("/faults", { type: "auth", times: 2 }); // API 401, then the refresh 401
    const e = await pushError(t);
    expect(e).toBeInstanceOf(MallError);
    expect(e.errorClass).toBe("auth");
  });

  it("rate: a 429 is a rate error with retry-after from the header", async () => {
    const t = setup();
    await t.adapter.testConnection(t.ctx());
    await t.control("/faults", { type: "429" });
    const e = await pushError(t);
    expect(e.errorClass).toBe("rate");
    expect(e.opts.retryAfterSec).toBe(1);
  });

  it("rate: the simulator throttles more than its per-second budget per API", async () => {
    const t = setup({ rateLimitPerSec: 2 });
    await t.adapter.readStock(t.ctx(), ["a"]);
    await t.adapter.readStock(t.ctx(), ["a"]);
    await expect(t.adapter.readStock(t.ctx(), ["a"])).rejects.toMatchObject({ errorClass: "rate" });
    t.advance(1000);
    await expect(t.adapter.readStock(t.ctx(), ["a"])).resolves.toEqual([{ mallCode: "a", quantity: null }]);
  });

  it("transient: a 5xx (ed-00001) is a transient error", async () => {
    const t = setup();
    await t.adapter.testConnection(t.ctx());
    await t.control("/faults", { type: "5xx" });
    const e = await pushError(t);
    expect(e.errorClass).toBe("transient");
    expect(e.opts.status).toBe(500);
  });

  it("transient: a request that does not answer within timeoutMs is a transient timeout", async () => {
    const t = setup();
    await t.adapter.testConnection(t.ctx());
    await t.control("/faults", { type: "timeout", delayMs: 5000 });
    const started = Date.now();
    const e = await pushError(t);
    expect(e.errorClass).toBe("transient");
    expect(e.opts.code).toBe("timeout");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("auth: the 'expired' fault answers px-04102 and the adapter does not retry it", async () => {
    const t = setup();
    await t.adapter.testConnection(t.ctx());
    await t.control("/faults", { type: "expired" });
    const e = await pushError(t);
    expect(e).toMatchObject({ errorClass: "auth", opts: { code: "px-04102" } });
  });
});

describe("yahoo: tokens", () => {
  it("a missing access token is refreshed and saved before it is used; Yahoo keeps the refresh token", async () => {
    const t = setup();
    await t.adapter.readStock(t.ctx(), ["a"]);
    expect(t.events.slice(0, 3)).toEqual(["fetch token", "save", "fetch getStock"]);
    expect(t.saved).toHaveLength(1);
    expect(t.saved[0]).toMatchObject({ refreshToken: "kura-demo-refresh-token", accessTokenExpiresAt: T0 + 3600_000 });
    expect(t.saved[0].accessToken).toMatch(/^sim-at\./);
    const basic = t.sent[0].headers.get("Authorization")!;
    expect(basic.startsWith("Basic ")).toBe(true);
    // A second call within the hour reuses the token; after expiry it refreshes again.
    await t.adapter.readStock(t.ctx(), ["a"]);
    expect(t.saved).toHaveLength(1);
    t.advance(3600_000);
    await t.adapter.readStock(t.ctx(), ["a"]);
    expect(t.saved).toHaveLength(2);
  });

  it("a token refresh that rotates the refresh token passes the new one to saveCredentials", async () => {
    const t = setup({ rotateRefreshTokens: true });
    await t.adapter.readStock(t.ctx(), ["a"]);
    const next = t.saved[0];
    expect(next.refreshToken).not.toBe("kura-demo-refresh-token");
    expect(next.refreshTokenIssuedAt).toBe(T0);
    // The old refresh token is gone at the mall; the saved one works.
    t.creds = { ...next, accessToken: undefined };
    await expect(t.adapter.readStock(t.ctx(), ["a"])).resolves.toHaveLength(1);
    t.creds = { ...next, accessToken: undefined, refreshToken: "kura-demo-refresh-token" };
    await expect(t.adapter.readStock(t.ctx(), ["a"])).rejects.toMatchObject({ errorClass: "auth" });
  });

  it("an access token the mall rejects (401 invalid_token) is refreshed once and the call retried", async () => {
    const t = setup();
    t.creds = { ...t.creds, accessToken: "revoked-token", accessTokenExpiresAt: T0 + 3000_000 };
    await expect(t.adapter.readStock(t.ctx(), ["a"])).resolves.toEqual([{ mallCode: "a", quantity: null }]);
    expect(t.events).toEqual(["fetch getStock", "fetch token", "save", "fetch getStock"]);
  });
});

describe("yahoo: simulator control API and credentials", () => {
  it("the control API lists calls, creates and cancels orders, and resets the mall", async () => {
    const t = setup();
    await t.control("/listings", { items: [{ code: "mug", quantity: 5 }] });
    const o = await (await t.control("/orders", { lines: [{ code: "mug", quantity: 2 }] })).json<{ orderId: string; lineIds: string[] }>();
    expect(o).toEqual({ orderId: "kura-demo-10000001", lineIds: ["1"] });
    expect(t.sim.state.getListings()).toEqual([{ code: "mug", quantity: 3 }]);
    expect((await t.control(`/orders/${o.orderId}/cancel`, { lineId: "1", quantity: 3 })).status).toBe(400);
    await t.control(`/orders/${o.orderId}/cancel`, { lineId: "1", quantity: 1 });
    expect(t.sim.state.getListings()).toEqual([{ code: "mug", quantity: 4 }]);
    await t.adapter.readStock(t.ctx(), ["mug"]);
    const calls = await (await t.control("/calls")).json<{ calls: unknown[] }>();
    expect(calls.calls).toEqual([
      { method: "POST", path: "/yahoo/yconnect/v2/token", status: 200 },
      { method: "POST", path: "/yahoo/ShoppingWebService/V1/getStock", status: 200 },
    ]);
    await t.control("/reset", {});
    expect(await (await t.control("/listings")).json()).toEqual({ items: [] });
    expect(t.sim.state.calls).toEqual([]);
  });

  it("credentials that do not fit the schema fail the connection test as auth without a call", async () => {
    const t = setup({ credentials: { sellerId: "bad seller!" } });
    const r = await t.adapter.testConnection(t.ctx());
    expect(r).toMatchObject({ ok: false, errorClass: "auth" });
    expect(t.sent).toEqual([]);
    expect(t.adapter.credentialsSchema.safeParse({ ...t.creds, publicKeyVersion: undefined }).success).toBe(false);
  });
});

