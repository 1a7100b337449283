import { describe, expect, it } from "vitest";
import { rakutenAdapter } from "../../src/malls/rakuten";
import { mallError, rakutenSetup } from "./rakuten-helpers";

const T0 = Date.parse("2026-08-01T03:00:00Z");

describe("rakuten: connection test", () => {
  it("connection test OK reports the licence key expiry and stores it with the credentials", async () => {
    const { sim, ctx, saved } = rakutenSetup();
    const r = await rakutenAdapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: true, expiresAt: sim.state.credentials.expiresAt });
    expect(saved.at(-1)?.licenseKeyExpiresAt).toBe(sim.state.credentials.expiresAt);
  });

  it("connection test NG with a wrong serviceSecret is an auth error", async () => {
    const { ctx } = rakutenSetup();
    ctx.credentials = { ...ctx.credentials, serviceSecret: "SP338120_wrong" };
    const r = await rakutenAdapter.testConnection(ctx);
    expect(r.ok).toBe(false);
    expect(r.errorClass).toBe("auth");
    expect(r.reason).toContain("serviceSecret / licenseKey");
    expect(r.reason).not.toContain("SP338120_wrong");
  });

  it("connection test reports an expired licence key with its expiry date", async () => {
    let now = T0;
    const { sim, ctx } = rakutenSetup({ now: () => now });
    expect((await rakutenAdapter.testConnection(ctx)).ok).toBe(true);
    now = sim.state.credentials.expiresAt + 60_000; // 90 days later: every RMS call is 401 now
    const r = await rakutenAdapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "auth", expiresAt: sim.state.credentials.expiresAt });
    expect(r.reason).toContain("有効期限切れ");
    // Pushes fail the same way and say why.
    const e = await mallError(() => rakutenAdapter.pushStock(ctx, [{ mallCode: "a:b", quantity: 1 }]));
    expect(e.errorClass).toBe("auth");
    expect(e.message).toContain("有効期限切れ");
  });

  it("connection test warns when the licence expires within two weeks", async () => {
    let now = T0;
    const { sim, ctx } = rakutenSetup({ now: () => now });
    now = sim.state.credentials.expiresAt - 3 * 86_400_000;
    const r = await rakutenAdapter.testConnection(ctx);
    expect(r.ok).toBe(true);
    expect(r.reason).toContain("あと3日");
  });

  it("connection test names an API that is not enabled for the key", async () => {
    const { sim, ctx } = rakutenSetup();
    sim.state.credentials.permissions.delete("inventory");
    const r = await rakutenAdapter.testConnection(ctx);
    expect(r).toMatchObject({ ok: false, errorClass: "auth" });
    expect(r.reason).toContain("在庫API 2.0");
    expect(r.reason).not.toContain("楽天ペイ受注API");
  });
});

describe("rakuten: stock", () => {
  it("the default mall code is manageNumber:variantId, lowercasing only the manageNumber", () => {
    expect(rakutenAdapter.defaultMallCode("TS-001")).toBe("ts-001:normal-inventory");
    expect(rakutenAdapter.defaultMallCode("TS-001:Red-M")).toBe("ts-001:Red-M");
    expect(rakutenAdapter.limits).toEqual({ pushBatch: 400, readBatch: 1000, requestsPerSecond: 1, pollEverySec: 15 });
  });

  it("a push of 1 item sends one ABSOLUTE bulk-upsert and reads back", async () => {
    const { ctx, sent, control, callsTo } = rakutenSetup();
    await control("POST", "/listings", { items: [{ code: "ts-001:Red-M", quantity: 9 }] });
    const res = await rakutenAdapter.pushStock(ctx, [{ mallCode: "TS-001:Red-M", quantity: 4 }]);
    expect(res).toEqual([{ mallCode: "TS-001:Red-M", ok: true }]);
    expect(callsTo("/bulk-upsert")).toEqual([{ method: "POST", path: "/rakuten/es/2.0/inventories/bulk-upsert", status: 204 }]);
    expect(sent.at(-1)?.body).toEqual({ inventories: [{ manageNumber: "ts-001", variantId: "Red-M", mode: "ABSOLUTE", quantity: 4 }] });
    const listed = await (await control("GET", "/listings")).json();
    expect(listed).toEqual({ items: [{ code: "ts-001:Red-M", quantity: 4 }] });
  });

  it("a push of 401 items is split into two calls with absolute figures", async () => {
    const { sim, ctx, sent, control } = rakutenSetup();
    const items = Array.from({ length: 401 }, (_, i) => ({ mallCode: `item-${i}:normal-inventory`, quantity: i % 7 }));
    await control("POST", "/listings", { items: items.map((it) => ({ code: it.mallCode, quantity: 50 })) });
    const res = await rakutenAdapter.pushStock(ctx, items);
    expect(res.every((r) => r.ok)).toBe(true);
    const upserts = sent.filter((s) => s.path.endsWith("/bulk-upsert")) as { body: { inventories: { mode: string }[] } }[];
    expect(upserts.map((u) => u.body.inventories.length)).toEqual([400, 1]);
    expect(upserts.flatMap((u) => u.body.inventories).every((r) => r.mode === "ABSOLUTE")).toBe(true);
    const calls = (await (await control("GET", "/calls")).json()) as { calls: { path: string; status: number }[] };
    expect(calls.calls.filter((c) => c.path.endsWith("/bulk-upsert")).map((c) => c.status)).toEqual([204, 204]);
    const back = await rakutenAdapter.readStock(ctx, items.map((i) => i.mallCode));
    expect(back.map((b) => b.quantity)).toEqual(items.map((i) => i.quantity));
    expect(sim.state.listings().find((l) => l.code === "item-400:normal-inventory")?.quantity).toBe(400 % 7);
  });

  it("readStock reads back what was pushed; an unknown code is null even after a silently accepted push", async () => {
    const { sim, ctx, control } = rakutenSetup();
    await control("POST", "/listings", { items: [{ code: "mug:Blue", quantity: 2 }] });
    const res = await rakutenAdapter.pushStock(ctx, [
      { mallCode: "mug:Blue", quantity: 11 },
      { mallCode: "no-such-item:x1", quantity: 5 }, // Rakuten parks it without error
    ]);
    expect(res.map((r) => r.ok)).toEqual([true, true]);
    expect(sim.state.parked.has("no-such-item:x1")).toBe(true);
    const back = await rakutenAdapter.readStock(ctx, ["MUG:Blue", "mug:blue", "no-such-item:x1", "not a code"]);
    expect(back).toEqual([
      { mallCode: "MUG:Blue", quantity: 11 },
      { mallCode: "mug:blue", quantity: null }, // variantId is case-sensitive
      { mallCode: "no-such-item:x1", quantity: null },
      { mallCode: "not a code", quantity: null },
    ]);
  });
});

describe("rakuten: error classes", () => {
  it("auth: a rejected key during a push is thrown as an auth MallError without the secret", async () => {
    const { sim, ctx } = rakutenSetup();
    sim.state.addFault({ type: "auth" });
    const e = await mallError(() => rakutenAdapter.pushStock(ctx, [{ mallCode: "a:b", quantity: 1 }]));
    expect(e).toMatchObject({ errorClass: "auth", opts: { status: 401, code: "GA0001" } });
    expect(e.message).not.toContain(ctx.credentials.licenseKey);
  });

  it("rate: an injected 429 is a rate error with a retry-after; a Retry-After header is honoured", async () => {
    const { sim, ctx } = rakutenSetup();
    sim.state.addFault({ type: "429" });
    const e = await mallError(() => rakutenAdapter.readStock(ctx, ["a:b"]));
    expect(e).toMatchObject({ errorClass: "rate", opts: { status: 429, retryAfterSec: 1 } });
    const withHeader = { ...ctx, fetch: (async () => new Response("{}", { status: 429, headers: { "Retry-After": "7" } })) as typeof fetch };
    const e2 = await mallError(() => rakutenAdapter.readStock(withHeader, ["a:b"]));
    expect(e2.opts.retryAfterSec).toBe(7);
  });

  it("rate: the simulator enforces bulk-upsert's one request per second", async () => {
    const { ctx } = rakutenSetup();
    await rakutenAdapter.pushStock(ctx, [{ mallCode: "a:b", quantity: 1 }]);
    const e = await mallError(() => rakutenAdapter.pushStock(ctx, [{ mallCode: "a:b", quantity: 2 }]));
    expect(e.errorClass).toBe("rate");
  });

  it("transient: a 503 maintenance page and a timeout are transient", async () => {
    const { sim, ctx } = rakutenSetup();
    sim.state.addFault({ type: "5xx" });
    expect(await mallError(() => rakutenAdapter.fetchOrders(ctx, null))).toMatchObject({ errorClass: "transient", opts: { status: 503 } });
    sim.state.addFault({ type: "timeout", delayMs: 1_000 });
    const started = Date.now();
    const e = await mallError(() => rakutenAdapter.readStock({ ...ctx, timeoutMs: 50 }, ["a:b"]));
    expect(e.errorClass).toBe("transient");
    expect(e.message).toContain("タイムアウト");
    expect(Date.now() - started).toBeLessThan(900);
  });

  it("item: a row Rakuten rejects fails only that item; the others are resent and applied", async () => {
    // The tamper hook corrupts row 1 of the first upsert, as a bad figure would reach Rakuten.
    let first = true;
    const { sim, ctx, control, callsTo } = rakutenSetup({
      tamper: (path, body) => {
        if (!path.endsWith("/bulk-upsert") || !first) return body;
        first = false;
        body.inventories[1].quantity = "abc";
        return body;
      },
    });
    await control("POST", "/listings", { items: ["p:1", "p:2", "p:3"].map((code) => ({ code, quantity: 0 })) });
    const res = await rakutenAdapter.pushStock(ctx, [
      { mallCode: "p:1", quantity: 1 },
      { mallCode: "p:2", quantity: 2 },
      { mallCode: "p:3", quantity: 3 },
      { mallCode: "bad code", quantity: 3 },
    ]);
    expect(res.map((r) => r.ok)).toEqual([true, false, true, false]);
    expect(res[1].error).toMatchObject({ errorClass: "item", code: "IE0002" });
    expect(res[3].error?.errorClass).toBe("item");
    expect(callsTo("/bulk-upsert").map((c) => c.status)).toEqual([400, 204]);
    expect(sim.state.listings()).toEqual([
      { code: "p:1", quantity: 1 },
      { code: "p:2", quantity: 0 },
      { code: "p:3", quantity: 3 },
    ]);
  });
});
