import { Kind, parse, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { requestedCost } from "../../sim/shopify/cost";
import { shopifyAdapter as adapter } from "../../src/malls/shopify";
import { setupShopify } from "./shopify-helpers";

const LOC = "gid://shopify/Location/70000000001";

/** The quantities rows of every inventorySetQuantities the sim received. */
function setCalls(sim: ReturnType<typeof setupShopify>["sim"]) {
  return sim.state.documents
    .filter((d) => d.query.includes("inventorySetQuantities"))
    .map((d) => d.variables as { input: { name: string; quantities: { quantity: number; changeFromQuantity: number | null }[] }; idempotencyKey: string });
}

describe("pushStock", () => {
  it("a push of 1 item sets the absolute figure and returns inventory item + location as ref", async () => {
    const { sim, ctx, control, ops } = setupShopify();
    sim.state.setListings([{ code: "TEE-RED-M", quantity: 9 }]);
    const [r] = await adapter.pushStock(ctx, [{ mallCode: "TEE-RED-M", quantity: 4 }]);
    expect(r).toEqual({ mallCode: "TEE-RED-M", ok: true, ref: { inventoryItemId: expect.stringMatching(/^gid:\/\/shopify\/InventoryItem\/\d+$/), locationId: LOC } });
    expect((await control("GET", "/__sim/listings")).json.items).toEqual([{ code: "TEE-RED-M", quantity: 4 }]);
    expect(ops()).toEqual(["query KuraLocations 200", "query KuraVariantsBySku 200", "mutation KuraSetQuantities 200"]);
    const [call] = setCalls(sim);
    expect(call.input).toMatchObject({ name: "available", reason: "correction", quantities: [{ quantity: 4, changeFromQuantity: null, locationId: LOC }] });
    expect(call.idempotencyKey).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it("a push of 260 items is split into two calls of 250 and 10 with absolute figures", async () => {
    const { sim, ctx, control } = setupShopify();
    const codes = Array.from({ length: 260 }, (_, i) => `SKU-${String(i).padStart(3, "0")}`);
    sim.state.setListings(codes.map((code) => ({ code, quantity: 100 })));
    const results = await adapter.pushStock(ctx, codes.map((mallCode, i) => ({ mallCode, quantity: i })));
    expect(results.every((r) => r.ok)).toBe(true);
    const calls = setCalls(sim);
    expect(calls.map((c) => c.input.quantities.length)).toEqual([250, 10]);
    expect(calls[1].input.quantities.map((q) => q.quantity)).toEqual([250, 251, 252, 253, 254, 255, 256, 257, 258, 259]);
    const listed = (await control("GET", "/__sim/listings")).json.items as { code: string; quantity: number }[];
    expect(listed.map((l) => l.quantity)).toEqual(codes.map((_, i) => i));
    // 260 SKUs were looked up 50 at a time, each lookup asking for no more rows than SKUs: Shopify
    // charges what a page may return, so the cost bucket (100 points/s) allows ~50 SKUs/s.
    expect(sim.state.calls.filter((c) => c.operation === "query KuraVariantsBySku")).toHaveLength(6);
    const lookups = sim.state.documents.filter((d) => d.query.includes("KuraVariantsBySku"));
    const cost = lookups.map((d) => requestedCost(parse(d.query).definitions.find((x): x is OperationDefinitionNode => x.kind === Kind.OPERATION_DEFINITION)!, new Map(), d.variables));
    expect(cost.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(5 * (2 + 50 * 2) + (2 + 10 * 2));
  });

  it("a push with cached refs skips the SKU lookup and the location lookup", async () => {
    const { sim, ctx, ops } = setupShopify();
    sim.state.setListings([{ code: "A", quantity: 1 }]);
    const [first] = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 2 }]);
    const mark = sim.state.calls.length;
    const [again] = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 5, ref: first.ref, expected: 2 }]);
    expect(again).toMatchObject({ ok: true, ref: first.ref });
    expect(ops(mark)).toEqual(["mutation KuraSetQuantities 200"]);
    expect(setCalls(sim)[1].input.quantities[0]).toMatchObject({ quantity: 5, changeFromQuantity: 2 });
  });

  it("a stale expectation fails that item with the current figure; the others still go through", async () => {
    const { sim, ctx, control } = setupShopify();
    sim.state.setListings([{ code: "A", quantity: 10 }, { code: "B", quantity: 10 }]);
    await control("POST", "/__sim/orders", { lines: [{ code: "A", quantity: 3 }] }); // Shopify now shows 7
    const r = await adapter.pushStock(ctx, [
      { mallCode: "A", quantity: 8, expected: 10 },
      { mallCode: "B", quantity: 6, expected: 10 },
    ]);
    expect(r[0]).toMatchObject({ ok: false, error: { errorClass: "item", code: "CHANGE_FROM_QUANTITY_STALE" } });
    expect(r[0].error!.message).toContain("現在 7");
    expect(r[0].ref?.inventoryItemId).toBeDefined();
    expect(r[1]).toMatchObject({ ok: true });
    expect((await control("GET", "/__sim/listings")).json.items).toEqual([{ code: "A", quantity: 7 }, { code: "B", quantity: 6 }]);
    expect(setCalls(sim).map((c) => c.input.quantities.length)).toEqual([2, 1]);
  });

  it("a stale expectation that already shows the target counts as success (a retried push)", async () => {
    const { sim, ctx } = setupShopify();
    sim.state.setListings([{ code: "A", quantity: 4 }]);
    const [r] = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 4, expected: 9 }]);
    expect(r).toMatchObject({ ok: true });
  });

  it("5 → 4 → 5 → 4, each against the previous figure, leaves Shopify at 4 (one key per request)", async () => {
    const { sim, ctx, control } = setupShopify();
    sim.state.setListings([{ code: "A", quantity: 0 }]);
    let ref: Record<string, string> | undefined;
    let previous = 0;
    for (const quantity of [5, 4, 5, 4]) {
      const [r] = await adapter.pushStock(ctx, [{ mallCode: "A", quantity, expected: previous, ref }]);
      expect(r).toMatchObject({ ok: true });
      expect((await control("GET", "/__sim/listings")).json.items).toEqual([{ code: "A", quantity }]);
      ({ ref } = r);
      previous = quantity;
    }
    const keys = setCalls(sim).map((c) => c.idempotencyKey);
    expect(keys).toHaveLength(4);
    expect(new Set(keys).size).toBe(4);
  });

  it("the same figures pushed twice are two requests with two keys", async () => {
    const { sim, ctx, control } = setupShopify();
    sim.state.setListings([{ code: "A", quantity: 10 }]);
    const [first] = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 6 }]);
    await control("POST", "/__sim/orders", { lines: [{ code: "A", quantity: 1 }] }); // Shopify: 5
    const [again] = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 6, ref: first.ref }]);
    expect(again.ok).toBe(true);
    const [k1, k2] = setCalls(sim).map((c) => c.idempotencyKey);
    expect(k1).not.toBe(k2);
    expect((await control("GET", "/__sim/listings")).json.items).toEqual([{ code: "A", quantity: 6 }]);
  });

  it("an attempt whose answer was lost is resent under the same key and not carried out twice", async () => {
    const { sim, ctx, control, clock } = setupShopify();
    sim.state.setListings([{ code: "A", quantity: 10 }]);
    const [first] = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 8 }]);
    sim.state.addFault("lost"); // Shopify sets 6, the answer never arrives
    // While Kura waits to resend, a buyer takes one: Shopify shows 5.
    ctx.sleep = async (ms) => {
      clock.advance(ms);
      await control("POST", "/__sim/orders", { lines: [{ code: "A", quantity: 1 }] });
    };
    const [r] = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 6, ref: first.ref }]);
    expect(r).toMatchObject({ ok: true });
    const calls = setCalls(sim).slice(1);
    expect(calls).toHaveLength(2);
    expect(calls[1].idempotencyKey).toBe(calls[0].idempotencyKey);
    // Answered from the first request: the sale is not overwritten by a second "set 6".
    expect((await control("GET", "/__sim/listings")).json.items).toEqual([{ code: "A", quantity: 5 }]);
  });

  it("a failed attempt (5xx, then IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED) goes again under a new key", async () => {
    const { sim, ctx, control } = setupShopify();
    sim.state.setListings([{ code: "A", quantity: 10 }]);
    const [first] = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 8 }]);
    sim.state.addFault("5xx");
    const [r] = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 3, expected: 8, ref: first.ref }]);
    expect(r).toMatchObject({ ok: true });
    // The 503 is answered before GraphQL reads the document; its resend and the new attempt are logged.
    const keys = setCalls(sim).slice(1).map((c) => c.idempotencyKey);
    expect(keys).toHaveLength(2);
    expect(sim.state.failedKeys.has(keys[0])).toBe(true); // the resend carried the failed request's key
    expect(keys[1]).not.toBe(keys[0]); // Shopify: "retry with a new idempotency key"
    expect((await control("GET", "/__sim/listings")).json.items).toEqual([{ code: "A", quantity: 3 }]);
  });

  it("CHANGE_FROM_QUANTITY_STALE reports the figure Shopify showed as `observed`", async () => {
    const { sim, ctx, control } = setupShopify();
    sim.state.setListings([{ code: "A", quantity: 10 }, { code: "B", quantity: 10 }]);
    await control("POST", "/__sim/orders", { lines: [{ code: "A", quantity: 3 }] }); // Shopify: 7
    const [a, b] = await adapter.pushStock(ctx, [
      { mallCode: "A", quantity: 8, expected: 10 },
      { mallCode: "B", quantity: 6, expected: 10 },
    ]);
    expect(a).toMatchObject({ ok: false, observed: 7, error: { errorClass: "item", code: "CHANGE_FROM_QUANTITY_STALE" } });
    expect(b.ok).toBe(true);
    expect(b).not.toHaveProperty("observed");
    // Pushed again against the observed figure, it goes through.
    const [again] = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 8, expected: a.observed, ref: a.ref }]);
    expect(again.ok).toBe(true);
    expect((await control("GET", "/__sim/listings")).json.items).toEqual([{ code: "A", quantity: 8 }, { code: "B", quantity: 6 }]);
  });

  it("unknown, duplicated and untracked SKUs are item errors; the others go through", async () => {
    const { sim, ctx } = setupShopify();
    sim.state.setListings([{ code: "OK", quantity: 1 }, { code: "FREE", quantity: 1, tracked: false }]);
    sim.state.setListings([{ code: "DUP", quantity: 1 }]);
    sim.state.variants.push({ ...sim.state.variants.at(-1)!, id: 1, inventoryItemId: 2, levels: new Map() });
    const r = await adapter.pushStock(ctx, [
      { mallCode: "NOPE", quantity: 1 },
      { mallCode: "OK", quantity: 3 },
      { mallCode: "DUP", quantity: 1 },
      { mallCode: "FREE", quantity: 1 },
      { mallCode: "OK", quantity: -1 },
    ]);
    expect(r.map((x) => (x.ok ? "ok" : x.error!.code))).toEqual(["UNKNOWN_SKU", "ok", "DUPLICATE_SKU", "NOT_TRACKED", "INVALID_QUANTITY"]);
    expect(r.filter((x) => !x.ok).every((x) => x.error!.errorClass === "item")).toBe(true);
  });

  it("an item not stocked at the location is rejected by Shopify as an item error", async () => {
    const { sim, ctx } = setupShopify();
    sim.state.setListings([{ code: "A", quantity: 1 }, { code: "B", quantity: 0, stocked: false }]);
    const r = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 2 }, { mallCode: "B", quantity: 2 }]);
    expect(r[0]).toMatchObject({ ok: true });
    expect(r[1]).toMatchObject({ ok: false, error: { errorClass: "item", code: "ITEM_NOT_STOCKED_AT_LOCATION" } });
  });

  it("a cached ref for a re-created variant is looked up again by SKU", async () => {
    const { sim, ctx, control } = setupShopify();
    sim.state.setListings([{ code: "A", quantity: 1 }]);
    const stale = { inventoryItemId: "gid://shopify/InventoryItem/1", locationId: LOC };
    const [r] = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 7, ref: stale }]);
    expect(r.ok).toBe(true);
    expect(r.ref!.inventoryItemId).not.toBe(stale.inventoryItemId);
    expect((await control("GET", "/__sim/listings")).json.items).toEqual([{ code: "A", quantity: 7 }]);
  });

  it("the same SKU twice in one push goes out in two calls, the later figure last", async () => {
    const { sim, ctx, control } = setupShopify();
    sim.state.setListings([{ code: "A", quantity: 1 }]);
    const r = await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 3 }, { mallCode: "A", quantity: 5 }]);
    expect(r.every((x) => x.ok)).toBe(true);
    expect(setCalls(sim)).toHaveLength(2);
    expect((await control("GET", "/__sim/listings")).json.items).toEqual([{ code: "A", quantity: 5 }]);
  });
});

describe("readStock", () => {
  it("reads back what was pushed; an unknown code or one not stocked there is null", async () => {
    const { sim, ctx } = setupShopify();
    sim.state.setListings([{ code: "A", quantity: 1 }, { code: "B b\"q", quantity: 2 }, { code: "C", quantity: 0, stocked: false }]);
    await adapter.pushStock(ctx, [{ mallCode: "A", quantity: 11 }, { mallCode: 'B b"q', quantity: 12 }]);
    expect(await adapter.readStock(ctx, ["A", 'B b"q', "C", "ZZZ"])).toEqual([
      { mallCode: "A", quantity: 11 },
      { mallCode: 'B b"q', quantity: 12 },
      { mallCode: "C", quantity: null },
      { mallCode: "ZZZ", quantity: null },
    ]);
  });

  it("uses the configured location instead of looking one up", async () => {
    const { sim, ctx, ops } = setupShopify({ locationId: "70000000002" });
    sim.state.setListings([{ code: "A", quantity: 5 }]);
    expect(await adapter.readStock(ctx, ["A"])).toEqual([{ mallCode: "A", quantity: null }]); // not stocked at the pop-up
    expect(ops()).toEqual(["query KuraStockBySku 200"]);
  });
});
