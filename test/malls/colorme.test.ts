import { describe, expect, it } from "vitest";
import { colormeAdapter, formatColormeCode, parseColormeCode } from "../../src/malls/colorme";
import { MallError } from "../../src/malls/types";
import { demoCredentials } from "../../sim/colorme";
import { setupColorme } from "./colorme-helpers";

async function thrown(p: Promise<unknown>): Promise<MallError> {
  const e = await p.then(() => null, (err) => err);
  expect(e).toBeInstanceOf(MallError);
  return e as MallError;
}

describe("カラーミーショップ adapter: codes, credentials and connection test", () => {
  it("codes name a product or one of its options, and a value's ':' survives the round trip", () => {
    expect(parseColormeCode(" 1342332 ")).toEqual({ productId: "1342332", option1: null, option2: null });
    expect(parseColormeCode("1342332:赤:S")).toEqual({ productId: "1342332", option1: "赤", option2: "S" });
    expect(parseColormeCode("1342332:赤")).toEqual({ productId: "1342332", option1: "赤", option2: null });
    const odd = formatColormeCode(7, "10:00 便", "50%");
    expect(odd).toBe("7:10%3A00 便:50%25");
    expect(parseColormeCode(odd)).toEqual({ productId: "7", option1: "10:00 便", option2: "50%" });
    for (const bad of ["TEA-1", "12:", "12:a:b:c", "", "12:赤:"]) expect(parseColormeCode(bad), bad).toBeNull();
    expect(colormeAdapter.defaultMallCode(" 6001:白:S ")).toBe("6001:白:S");
    expect(colormeAdapter.defaultBaseUrl).toBe("https://api.shop-pro.jp");
    expect(colormeAdapter.credentialsSchema.safeParse(demoCredentials).success).toBe(true);
    expect(colormeAdapter.credentialsSchema.safeParse({}).success).toBe(false);
    // 120 requests a minute per token.
    expect(colormeAdapter.limits).toMatchObject({ requestsPerSecond: 2, pushBatch: 1 });
  });

  it("a connection test with the shop's token is OK, one read per scope, and reports no expiry", async () => {
    const { ctx, calls } = setupColorme();
    expect(await colormeAdapter.testConnection(ctx)).toEqual({ ok: true });
    expect(calls()).toEqual(["GET /v1/shop.json 200", "GET /v1/stocks.json 200", "GET /v1/sales.json 200"]);
  });

  it("a token the merchant revoked is NG (auth) and never echoed", async () => {
    const { ctx, control } = setupColorme();
    await control("POST", "/__sim/revoke");
    const r = await colormeAdapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "auth" });
    expect(r.reason).toMatch(/アクセストークンが無効/);
    expect(r.reason).not.toContain(demoCredentials.accessToken);
    expect(r.expiresAt).toBeUndefined();
  });

  it("a token without read_sales is NG (missing permission)", async () => {
    const { ctx, sim } = setupColorme();
    sim.state.tokens.set("narrow", { scopes: ["read_products", "write_products"] });
    const r = await colormeAdapter.testConnection({ ...ctx, credentials: { accessToken: "narrow" } });
    expect(r).toMatchObject({ ok: false, errorClass: "auth" });
    expect(r.reason).toMatch(/スコープ/);
  });
});

describe("カラーミーショップ adapter: stock", () => {
  it("a product's figure is one PUT with the absolute stocks", async () => {
    const { ctx, sim, calls } = setupColorme();
    sim.state.setListings([{ code: "1001", quantity: 5 }]);
    expect(await colormeAdapter.pushStock(ctx, [{ mallCode: "1001", quantity: 3 }])).toEqual([{ mallCode: "1001", ok: true }]);
    expect(calls()).toEqual(["PUT /v1/products/1001.json 200"]);
    expect(sim.state.listings()).toEqual([{ code: "1001", quantity: 3 }]);
    // Sent again (a retry): the same figure, never a double decrement.
    await colormeAdapter.pushStock(ctx, [{ mallCode: "1001", quantity: 3 }]);
    expect(sim.state.listings()).toEqual([{ code: "1001", quantity: 3 }]);
  });

  it("several options of one product share one PUT (variants by option values); other products get their own", async () => {
    const { ctx, sim, calls } = setupColorme();
    sim.state.setListings([
      { code: "2001:白:S", quantity: 1 },
      { code: "2001:白:M", quantity: 1 },
      { code: "2001:黒:S", quantity: 1 },
      { code: "3001:赤", quantity: 1 },
      { code: "4001", quantity: 1 },
    ]);
    const bodies: unknown[] = [];
    const inner = ctx.fetch;
    ctx.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      if (init?.body) bodies.push(JSON.parse(String(init.body)));
      return inner(input, init);
    }) as typeof fetch;
    const res = await colormeAdapter.pushStock(ctx, [
      { mallCode: "2001:白:S", quantity: 7 },
      { mallCode: "4001", quantity: 42 },
      { mallCode: "2001:黒:S", quantity: 0 },
      { mallCode: "3001:赤", quantity: 9 },
    ]);
    expect(res.map((r) => [r.mallCode, r.ok])).toEqual([["2001:白:S", true], ["4001", true], ["2001:黒:S", true], ["3001:赤", true]]);
    expect(calls()).toEqual(["PUT /v1/products/2001.json 200", "PUT /v1/products/4001.json 200", "PUT /v1/products/3001.json 200"]);
    expect(bodies[0]).toEqual({ product: { variants: [{ option1_value: "白", option2_value: "S", stocks: 7 }, { option1_value: "黒", option2_value: "S", stocks: 0 }] } });
    expect(bodies[1]).toEqual({ product: { stocks: 42 } });
    expect(bodies[2]).toEqual({ product: { variants: [{ option1_value: "赤", stocks: 9 }] } });
    expect(sim.state.listings()).toEqual([
      { code: "2001:白:S", quantity: 7 },
      { code: "2001:白:M", quantity: 1 },
      { code: "2001:黒:S", quantity: 0 },
      { code: "3001:赤", quantity: 9 },
      { code: "4001", quantity: 42 },
    ]);
  });

  it("unknown products, unknown options and product codes of option-managed products are item errors; the rest go through", async () => {
    for (const unknownOption of ["ignore", "error"] as const) {
      const { ctx, sim } = setupColorme();
      sim.state.behaviour.unknownOption = unknownOption;
      sim.state.setListings([{ code: "2001:白:S", quantity: 1 }, { code: "2001:白:M", quantity: 1 }, { code: "4001", quantity: 1 }]);
      const res = await colormeAdapter.pushStock(ctx, [
        { mallCode: "9999", quantity: 1 },
        { mallCode: "2001:白:XL", quantity: 1 },
        { mallCode: "2001:白:M", quantity: 6 },
        { mallCode: "2001", quantity: 5 },
        { mallCode: "TEA-1", quantity: 1 },
        { mallCode: "4001", quantity: -1 },
        { mallCode: "4001", quantity: 8 },
      ]);
      expect(res.map((r) => [r.mallCode, r.ok, r.error?.code]), unknownOption).toEqual([
        ["9999", false, "404100"],
        ["2001:白:XL", false, unknownOption === "ignore" ? "unknown_option" : "400200"],
        ["2001:白:M", true, undefined],
        ["2001", false, "per_option"],
        ["TEA-1", false, "bad_code"],
        ["4001", false, "bad_quantity"],
        ["4001", true, undefined],
      ]);
      expect(res[0].error?.message).toMatch(/未登録コード/);
      expect(await colormeAdapter.readStock(ctx, ["2001:白:M", "2001:白:S", "4001"])).toEqual([
        { mallCode: "2001:白:M", quantity: 6 },
        { mallCode: "2001:白:S", quantity: 1 },
        { mallCode: "4001", quantity: 8 },
      ]);
    }
  });

  it("readStock reads the figures back for drift, paging stocks.json by 50 rows; unknown codes are null", async () => {
    const { ctx, sim, calls } = setupColorme();
    const sizes = Array.from({ length: 30 }, (_, i) => `S${i}`);
    sim.state.setListings([...sizes.map((s, i) => ({ code: `5001:青:${s}`, quantity: i })), { code: "5002", quantity: 4 }, ...sizes.map((s) => ({ code: `5003:${s}`, quantity: 2 }))]);
    sim.state.products.get(5002)!.stocks = 11; // changed in the shop's admin: drift
    const mark = sim.state.calls.length;
    const codes = ["5001:青:S29", "5002", "5003:S0", "5001", "5001:青:ZZ", "8888", "junk"];
    expect(await colormeAdapter.readStock(ctx, codes)).toEqual([
      { mallCode: "5001:青:S29", quantity: 29 },
      { mallCode: "5002", quantity: 11 },
      { mallCode: "5003:S0", quantity: 2 },
      { mallCode: "5001", quantity: null }, // kept per option: only its options are addressable
      { mallCode: "5001:青:ZZ", quantity: null },
      { mallCode: "8888", quantity: null },
      { mallCode: "junk", quantity: null },
    ]);
    expect(calls(mark)).toEqual([
      "GET /v1/stocks.json 200",
      "GET /v1/stocks.json 200", // 61 rows: two pages of 50
    ]);
  });
});

describe("カラーミーショップ adapter: error classes", () => {
  it("a revoked token makes a push throw auth", async () => {
    const { ctx, control } = setupColorme();
    await control("POST", "/__sim/revoke");
    const e = await thrown(colormeAdapter.pushStock(ctx, [{ mallCode: "1001", quantity: 1 }]));
    expect(e).toMatchObject({ errorClass: "auth", opts: { status: 401 } });
  });

  it("a 429 with a short Retry-After is waited out as told and the request sent again", async () => {
    const { ctx, sim, control, calls, slept } = setupColorme();
    sim.state.setListings([{ code: "1001", quantity: 1 }]);
    await control("POST", "/__sim/faults", { type: "429", times: 2, retryAfter: 3 });
    expect(await colormeAdapter.pushStock(ctx, [{ mallCode: "1001", quantity: 4 }])).toEqual([{ mallCode: "1001", ok: true }]);
    expect(slept).toEqual([3000, 3000]);
    expect(calls()).toEqual(["PUT /v1/products/1001.json 429", "PUT /v1/products/1001.json 429", "PUT /v1/products/1001.json 200"]);
    expect(sim.state.listings()).toEqual([{ code: "1001", quantity: 4 }]);
  });

  it("a 429 asking for a long wait goes back to the engine as rate with that wait; 5xx is transient", async () => {
    const { ctx, control, slept } = setupColorme();
    await control("POST", "/__sim/faults", { type: "429", retryAfter: 120 });
    expect(await thrown(colormeAdapter.readStock(ctx, ["1001"]))).toMatchObject({ errorClass: "rate", opts: { retryAfterSec: 120, status: 429 } });
    expect(slept).toEqual([]);
    await control("POST", "/__sim/faults", { type: "429", times: 3, retryAfter: 1 });
    expect(await thrown(colormeAdapter.readStock(ctx, ["1001"]))).toMatchObject({ errorClass: "rate", opts: { retryAfterSec: 1 } });
    expect(slept).toEqual([1000, 1000]); // three tries, then the engine's turn
    await control("POST", "/__sim/faults", { type: "5xx" });
    expect(await thrown(colormeAdapter.fetchOrders(ctx, null))).toMatchObject({ errorClass: "transient", opts: { status: 503 } });
  });

  it("a call that does not answer within timeoutMs is transient (timeout)", async () => {
    const { ctx, control } = setupColorme();
    await control("POST", "/__sim/faults", { type: "timeout", delayMs: 5000 });
    const started = Date.now();
    const e = await thrown(colormeAdapter.readStock({ ...ctx, timeoutMs: 50 }, ["1001"]));
    expect(e).toMatchObject({ errorClass: "transient", opts: { code: "timeout" } });
    expect(Date.now() - started).toBeLessThan(2000);
  });
});
