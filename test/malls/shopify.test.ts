import { describe, expect, it } from "vitest";
import { shopifyAdapter as adapter } from "../../src/malls/shopify";
import { MallError } from "../../src/malls/types";
import { SIM_APP } from "../../sim/shopify";
import { T0, setupShopify } from "./shopify-helpers";

async function classOf(p: Promise<unknown>): Promise<MallError> {
  const e = await p.then(
    () => undefined,
    (err) => err,
  );
  expect(e).toBeInstanceOf(MallError);
  return e as MallError;
}

describe("connection test", () => {
  it("succeeds with the demo credentials and names the shop", async () => {
    const { ctx } = setupShopify();
    const r = await adapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: true });
    expect(r.reason).toContain("kura-demo.myshopify.com");
    expect(r.expiresAt).toBeUndefined(); // non-expiring custom-app token
  });

  it("fails as auth with a wrong access token", async () => {
    const { ctx } = setupShopify({ accessToken: "shpat_wrong" });
    const r = await adapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "auth" });
    expect(r.reason).toContain("401");
    expect(r.reason).not.toContain("shpat_wrong");
  });

  it("reports an expired token without refresh as auth and gives its expiry", async () => {
    const { sim, ctx, clock } = setupShopify();
    const t = sim.state.issueExpiringTokens({ accessTtlSec: 3600 });
    ctx.credentials = { ...ctx.credentials, accessToken: t.accessToken, accessTokenExpiresAt: t.accessTokenExpiresAt };
    expect(await adapter.testConnection(ctx)).toMatchObject({ ok: true, expiresAt: T0 + 3600_000 });
    clock.advance(3601_000);
    const r = await adapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "auth", expiresAt: T0 + 3600_000 });
    expect(r.reason).toContain("有効期限切れ");
  });

  it("reports an expired refresh token as auth (re-authorisation needed) with the refresh expiry", async () => {
    const { sim, ctx, clock, saved } = setupShopify();
    const t = sim.state.issueExpiringTokens({ accessTtlSec: 3600, refreshTtlSec: 7200 });
    ctx.credentials = { ...ctx.credentials, ...t };
    clock.advance(7300_000);
    const r = await adapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "auth", expiresAt: T0 + 7200_000 });
    expect(r.reason).toContain("リフレッシュトークン");
    expect(saved).toHaveLength(0);
  });

  it("names the missing permission when the app lacks a scope", async () => {
    const { sim, ctx } = setupShopify();
    const t = sim.state.issueExpiringTokens({ scopes: ["write_inventory", "read_products", "read_locations"] });
    ctx.credentials = { ...ctx.credentials, accessToken: t.accessToken, accessTokenExpiresAt: t.accessTokenExpiresAt };
    const r = await adapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "auth" });
    expect(r.reason).toContain("read_orders");
  });
});

describe("token refresh", () => {
  it("refreshes an expiring token and saves the rotated refresh token before using it", async () => {
    const { sim, ctx, clock, saved, events } = setupShopify();
    const t = sim.state.issueExpiringTokens();
    ctx.credentials = { ...ctx.credentials, ...t };
    clock.advance(3590_000); // inside the refresh margin
    sim.state.setListings([{ code: "A-1", quantity: 3 }]);
    const r = await adapter.readStock(ctx, ["A-1"]);
    expect(r).toEqual([{ mallCode: "A-1", quantity: 3 }]);
    expect(events.slice(0, 3)).toEqual(["oauth", "save", "graphql"]);
    expect(saved).toHaveLength(1);
    expect(saved[0].refreshToken).not.toBe(t.refreshToken);
    expect(saved[0].accessToken).not.toBe(t.accessToken);
    expect(saved[0].accessTokenExpiresAt).toBe(T0 + 3590_000 + 3600_000);
    expect(saved[0].refreshTokenExpiresAt).toBe(T0 + 3590_000 + 90 * 86400_000);
    // The old refresh token is retired once the new access token has been used.
    expect(sim.state.refreshTokens.get(t.refreshToken)!.revoked).toBe(true);
  });

  it("a 401 with refreshable credentials refreshes once and retries the call", async () => {
    const { sim, ctx, saved, control } = setupShopify();
    ctx.credentials = { ...ctx.credentials, ...sim.state.issueExpiringTokens() };
    await control("POST", "/__sim/faults", { type: "expired" });
    expect(await adapter.testConnection(ctx)).toMatchObject({ ok: true });
    expect(saved).toHaveLength(1);
  });

  it("a refresh with a wrong client secret is an auth error", async () => {
    const { sim, ctx, clock } = setupShopify();
    ctx.credentials = { ...ctx.credentials, ...sim.state.issueExpiringTokens(), clientSecret: "nope" };
    clock.advance(3600_000);
    const e = await classOf(adapter.readStock(ctx, ["A"]));
    expect(e.errorClass).toBe("auth");
    expect(e.opts.code).toBe("invalid_client");
    expect(e.message).not.toContain("nope");
  });
});

describe("error classes", () => {
  it("maps a rejected token mid-operation to auth", async () => {
    const { ctx, control } = setupShopify();
    await control("POST", "/__sim/faults", { type: "auth" });
    expect((await classOf(adapter.readStock(ctx, ["A"]))).errorClass).toBe("auth");
  });

  it("waits out a 429 for its Retry-After and asks again; a storm that outlasts the retries is rate with the hint", async () => {
    const { ctx, control } = setupShopify();
    const slept: number[] = [];
    ctx.sleep = async (ms) => void slept.push(ms);
    await control("POST", "/__sim/faults", { type: "429" });
    expect(await adapter.readStock(ctx, ["A"])).toHaveLength(1);
    expect(slept).toContain(2000);
    await control("POST", "/__sim/faults", { type: "429", times: 10 });
    const e = await classOf(adapter.readStock(ctx, ["A"]));
    expect(e).toMatchObject({ errorClass: "rate", opts: { retryAfterSec: 2, code: "THROTTLED" } });
  });

  it("a THROTTLED answer (HTTP 200) waits for the cost bucket to refill; still throttled, it is rate with a hint from throttleStatus", async () => {
    const { sim, ctx, clock } = setupShopify();
    sim.state.bucket.available = 0; // the location query costs 2 + 50 × 1 = 52 points
    const started = clock.now();
    expect(await adapter.readStock(ctx, ["A"])).toHaveLength(1);
    expect(clock.now() - started).toBeGreaterThanOrEqual(520); // waited for 52 points at 100 points/s (fake clock)
    sim.state.bucket.available = 0;
    ctx.sleep = async () => {}; // no time passes: the bucket never refills
    const e = await classOf(adapter.readStock(ctx, ["A"]));
    expect(e).toMatchObject({ errorClass: "rate", opts: { code: "THROTTLED", status: 200 } });
    expect(e.opts.retryAfterSec).toBe(1); // 52 points at 100 points/s
  });

  it("maps 5xx to transient", async () => {
    const { ctx, control } = setupShopify();
    await control("POST", "/__sim/faults", { type: "5xx" });
    expect(await classOf(adapter.fetchOrders(ctx, null))).toMatchObject({ errorClass: "transient", opts: { status: 503 } });
  });

  it("maps a request that outlives the timeout to transient", async () => {
    const { ctx, control } = setupShopify();
    ctx.timeoutMs = 50;
    await control("POST", "/__sim/faults", { type: "timeout", delayMs: 1000 });
    const started = Date.now();
    expect(await classOf(adapter.fetchOrders(ctx, null))).toMatchObject({ errorClass: "transient", opts: { code: "TIMEOUT" } });
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("a slow answer inside the timeout still succeeds", async () => {
    const { ctx, control } = setupShopify();
    await control("POST", "/__sim/faults", { type: "slow", delayMs: 20 });
    expect(await adapter.fetchOrders(ctx, null)).toMatchObject({ lines: [], more: false });
  });
});

describe("webhooks", () => {
  const body = new TextEncoder().encode(JSON.stringify({ id: 820982911946154500, line_items: [{ sku: "A-1", quantity: 1 }] }));
  async function sign(bytes: Uint8Array, secret: string) {
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    return btoa(String.fromCharCode(...new Uint8Array(await crypto.subtle.sign("HMAC", key, bytes))));
  }

  it("verifyWebhook accepts a body signed with the client secret", async () => {
    const { ctx } = setupShopify();
    const headers = new Headers({ "X-Shopify-Hmac-Sha256": await sign(body, SIM_APP.clientSecret), "X-Shopify-Topic": "orders/create" });
    expect(await adapter.verifyWebhook!(ctx, body.buffer as ArrayBuffer, headers)).toBe(true);
  });

  it("verifyWebhook rejects a tampered body, a wrong secret and a missing header", async () => {
    const { ctx } = setupShopify();
    const good = await sign(body, SIM_APP.clientSecret);
    const tampered = new Uint8Array(body);
    tampered[tampered.length - 3] ^= 1;
    expect(await adapter.verifyWebhook!(ctx, tampered.buffer as ArrayBuffer, new Headers({ "X-Shopify-Hmac-Sha256": good }))).toBe(false);
    const wrong = await sign(body, "another-secret");
    expect(await adapter.verifyWebhook!(ctx, body.buffer as ArrayBuffer, new Headers({ "X-Shopify-Hmac-Sha256": wrong }))).toBe(false);
    expect(await adapter.verifyWebhook!(ctx, body.buffer as ArrayBuffer, new Headers())).toBe(false);
    expect(await adapter.verifyWebhook!(ctx, body.buffer as ArrayBuffer, new Headers({ "X-Shopify-Hmac-Sha256": "%%%" }))).toBe(false);
  });
});

describe("credentials", () => {
  it("the schema takes the merchant's entries and normalises the shop domain", () => {
    const c = adapter.credentialsSchema.parse({ shopDomain: " Kura-Demo.myshopify.com ", accessToken: "shpat_x" });
    expect(c.shopDomain).toBe("kura-demo.myshopify.com");
    expect(adapter.credentialsSchema.safeParse({ shopDomain: "example.com", accessToken: "x" }).success).toBe(false);
    expect(adapter.defaultMallCode("SKU-001 赤")).toBe("SKU-001 赤");
  });
});
