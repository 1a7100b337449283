import { describe, expect, it } from "vitest";
import { amazonAdapter } from "../../src/malls/amazon";
import { demoCredentials } from "../../sim/amazon";
import { expectRequestsMatchSpecs, mallError, setup } from "./amazon-helpers";

const listing = (code: string, quantity: number, productType = "HOME") => ({ code, quantity, productType });

describe("amazon connection test", () => {
  it("connection test OK: LWA token fetched, saved, and searchListingsItems answers", async () => {
    const { ctx, saved, apiCalls } = setup();
    const r = await amazonAdapter.testConnection(ctx);
    expect(r).toEqual({ ok: true });
    expect(saved).toHaveLength(1);
    expect(saved[0].accessToken).toMatch(/^Atza\|/);
    expect(apiCalls()).toEqual([`GET /listings/2021-08-01/items/${demoCredentials.sellerId}`]);
  });

  it("connection test NG: a wrong client secret is an auth error (invalid_client)", async () => {
    const { ctx } = setup({ credentials: { clientSecret: "amzn1.oa2-cs.v1.wrong" } });
    const r = await amazonAdapter.testConnection(ctx);
    expect(r.ok).toBe(false);
    expect(r.errorClass).toBe("auth");
    expect(r.reason).toContain("invalid_client");
    expect(r.reason).not.toContain("wrong"); // never echo a secret
  });

  it("connection test NG: a revoked refresh token is an auth error (invalid_grant)", async () => {
    const { ctx } = setup({ credentials: { refreshToken: "Atzr|revoked" } });
    const r = await amazonAdapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "auth" });
    expect(r.reason).toContain("invalid_grant");
  });

  it("connection test NG: an app without the Product Listing role is refused", async () => {
    const { ctx, state } = setup();
    state.roles.listings = false;
    const r = await amazonAdapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "auth" });
    expect(r.reason).toContain("認可");
  });

  it("connection test: an expired client secret fails as auth and the entered expiry is reported", async () => {
    const expiredAt = Date.now() - 1000;
    const { ctx, state } = setup({ credentials: { clientSecretExpiresAt: expiredAt } });
    state.clientSecretExpiresAt = expiredAt;
    const r = await amazonAdapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "auth", expiresAt: expiredAt });
    expect(r.reason).toContain("有効期限切れ");
  });

  it("connection test OK reports the client-secret expiry the merchant entered", async () => {
    const at = Date.now() + 30 * 86_400_000;
    const { ctx } = setup({ credentials: { clientSecretExpiresAt: at } });
    expect(await amazonAdapter.testConnection(ctx)).toEqual({ ok: true, expiresAt: at });
  });
});

describe("amazon pushStock / readStock", () => {
  it("a push of 1 item reads the productType, PATCHes an absolute replace, and caches the type", async () => {
    const { ctx, state, apiCalls } = setup();
    state.setListings([listing("KURA-1", 5)]);
    const [r] = await amazonAdapter.pushStock(ctx, [{ mallCode: "KURA-1", quantity: 7 }]);
    expect(r).toMatchObject({ mallCode: "KURA-1", ok: true, ref: { productType: "HOME" } });
    expect(r.submissionId).toBeTruthy();
    const path = `/listings/2021-08-01/items/${demoCredentials.sellerId}/KURA-1`;
    expect(apiCalls()).toEqual([`GET ${path}`, `PATCH ${path}`]);
    expect(state.requests[0].body).toEqual({
      productType: "HOME",
      patches: [{ op: "replace", path: "/attributes/fulfillment_availability", value: [{ fulfillment_channel_code: "DEFAULT", quantity: 7 }] }],
    });
    expect(state.listListings()).toEqual([{ code: "KURA-1", quantity: 7 }]);
    expect(expectRequestsMatchSpecs(state)).toBe(1);
  });

  it("a push with the productType cached in ref skips the lookup", async () => {
    const { ctx, state, apiCalls } = setup();
    state.setListings([listing("KURA-1", 5)]);
    const [r] = await amazonAdapter.pushStock(ctx, [{ mallCode: "KURA-1", quantity: 0, ref: { productType: "HOME" } }]);
    expect(r.ok).toBe(true);
    expect(apiCalls()).toEqual([`PATCH /listings/2021-08-01/items/${demoCredentials.sellerId}/KURA-1`]);
    expect(state.listListings()[0].quantity).toBe(0);
  });

  it("a stale cached productType is re-read once and the patch retried with the new type", async () => {
    const { ctx, state } = setup();
    state.setListings([listing("KURA-1", 5, "TOYS_AND_GAMES")]);
    const [r] = await amazonAdapter.pushStock(ctx, [{ mallCode: "KURA-1", quantity: 3, ref: { productType: "HOME" } }]);
    expect(r).toMatchObject({ ok: true, ref: { productType: "TOYS_AND_GAMES" } });
    expect(state.listListings()[0].quantity).toBe(3);
  });

  it("a push of 3 items is three PATCH calls, each an absolute figure", async () => {
    const { ctx, state, apiCalls } = setup();
    state.setListings([listing("A", 1), listing("B", 1), listing("C", 1)]);
    const items = [{ mallCode: "A", quantity: 10 }, { mallCode: "B", quantity: 0 }, { mallCode: "C", quantity: 3 }].map((i) => ({ ...i, ref: { productType: "HOME" } }));
    const res = await amazonAdapter.pushStock(ctx, items);
    expect(res.map((r) => r.ok)).toEqual([true, true, true]);
    expect(apiCalls().filter((c) => c.startsWith("PATCH"))).toHaveLength(3);
    const sent = state.requests.map((r) => (r.body as any).patches[0].value[0].quantity);
    expect(sent).toEqual([10, 0, 3]);
    expect(state.listListings()).toEqual([{ code: "A", quantity: 10 }, { code: "B", quantity: 0 }, { code: "C", quantity: 3 }]);
  });

  it("seller SKUs with '/', '#', spaces and Japanese are URL-encoded as one path segment", async () => {
    const { ctx, state, sim } = setup();
    const codes = ["SET/A#1", "シャツ 赤-M", "100%_cotton?"];
    state.setListings(codes.map((c) => listing(c, 1)));
    const res = await amazonAdapter.pushStock(ctx, codes.map((mallCode, i) => ({ mallCode, quantity: 20 + i })));
    expect(res.every((r) => r.ok)).toBe(true);
    expect(sim.state.calls.some((c) => c.path.includes("SET%2FA%231"))).toBe(true);
    expect(await amazonAdapter.readStock(ctx, codes)).toEqual(codes.map((mallCode, i) => ({ mallCode, quantity: 20 + i })));
  });

  it("an unknown SKU is an item error while the other items still go through", async () => {
    const { ctx, state } = setup();
    state.setListings([listing("KNOWN", 1)]);
    const res = await amazonAdapter.pushStock(ctx, [
      { mallCode: "NOPE", quantity: 4 },
      { mallCode: "KNOWN", quantity: 4 },
      { mallCode: "KNOWN", quantity: -1 },
    ]);
    expect(res[0]).toMatchObject({ mallCode: "NOPE", ok: false, error: { errorClass: "item", code: "NOT_FOUND" } });
    expect(res[1]).toMatchObject({ mallCode: "KNOWN", ok: true });
    expect(res[2]).toMatchObject({ ok: false, error: { errorClass: "item", code: "INVALID_QUANTITY" } });
    expect(state.listListings()).toEqual([{ code: "KNOWN", quantity: 4 }]);
  });

  it("an INVALID submission (listing issue) maps to an item error with Amazon's issue", async () => {
    const { ctx, state } = setup();
    // The cached productType is used as is; the listing was deleted in Seller Central since.
    const [r] = await amazonAdapter.pushStock(ctx, [{ mallCode: "X", quantity: 1, ref: { productType: "HOME" } }]);
    expect(r).toMatchObject({ ok: false, error: { errorClass: "item" } });
    expect(state.calls.map((c) => c.method)).toContain("PATCH");
  });

  it("a batch beyond the PATCH burst is paced to the usage plan instead of drawing 429s", async () => {
    const { ctx, state } = setup();
    const codes = Array.from({ length: 8 }, (_, i) => `P${i}`);
    state.setListings(codes.map((c) => listing(c, 0)));
    const res = await amazonAdapter.pushStock(ctx, codes.map((mallCode) => ({ mallCode, quantity: 9, ref: { productType: "HOME" } })));
    expect(res.every((r) => r.ok)).toBe(true);
    expect(state.calls.some((c) => c.status === 429)).toBe(false);
  });

  it("readStock reads back what was pushed; an unknown code is null", async () => {
    const { ctx, state, apiCalls } = setup();
    state.setListings([listing("R1", 2), listing("R2", 2)]);
    await amazonAdapter.pushStock(ctx, [{ mallCode: "R1", quantity: 11 }, { mallCode: "R2", quantity: 0 }]);
    const before = apiCalls().length;
    expect(await amazonAdapter.readStock(ctx, ["R1", "R2", "GHOST"])).toEqual([
      { mallCode: "R1", quantity: 11 },
      { mallCode: "R2", quantity: 0 },
      { mallCode: "GHOST", quantity: null },
    ]);
    expect(apiCalls().slice(before).every((c) => c.startsWith("GET /listings/"))).toBe(true);
  });
});
