import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { amazonAdapter } from "../../src/malls/amazon";
import { AmazonSession } from "../../src/malls/amazon/client";
import { buildFeedDocument } from "../../src/malls/amazon/feed";
import { fetchOrdersBySearch } from "../../src/malls/amazon/orders";
import { USAGE_PLANS } from "../../src/malls/amazon/pacing";
import { demoCredentials } from "../../sim/amazon";
import { PLANS as SIM_PLANS } from "../../sim/amazon/state";
import { expectRequestsMatchSpecs, expectValid, setup, specs } from "./amazon-helpers";

// Kura's requests and the simulator's answers, checked against Amazon's own models
// (test/fixtures/specs/amazon via env.SPEC_AMAZON).

describe("amazon against the SP-API models", () => {
  it("the validators reject what the models forbid (they can fail)", () => {
    const v = specs();
    expect(v.patchRequest.validate({ patches: [] }).valid).toBe(false);
    expect(v.createFeed.validate({ feedType: "JSON_LISTINGS_FEED", marketplaceIds: [] }).valid).toBe(false);
    const doc = buildFeedDocument("S", [{ mallCode: "A", quantity: 1 }]);
    expect(v.feedDocument.validate({ ...doc, messages: [{ ...doc.messages[0], attributes: {} }] }).valid).toBe(false);
    expect(v.searchOrdersResponse.validate({ orders: [{ orderId: "1" }] }).valid).toBe(false);
    expect(v.getOrdersResponse.validate({ payload: { Orders: [{ AmazonOrderId: "1" }] } }).valid).toBe(false);
    expect(v.getOrderItemsResponse.validate({ payload: { AmazonOrderId: "1", OrderItems: [{ OrderItemId: "2" }] } }).valid).toBe(false);
  });

  it("the adapter's and the simulator's usage plans (rate, burst) are the models' own tables", () => {
    // Each operation's description carries "| Rate (requests per second) | Burst |" and one row.
    const documented = new Map<string, { rate: number; burst: number }>();
    for (const doc of Object.values(env.SPEC_AMAZON) as { paths?: Record<string, Record<string, { operationId?: string; description?: string }>> }[]) {
      for (const ops of Object.values(doc.paths ?? {})) {
        for (const op of Object.values(ops)) {
          const m = op?.operationId && /\|\s*([\d.]+)\s*\|\s*(\d+)\s*\|/.exec(op.description ?? "");
          if (m) documented.set(op.operationId!, { rate: Number(m[1]), burst: Number(m[2]) });
        }
      }
    }
    expect(documented.size).toBeGreaterThan(10);
    for (const [op, plan] of Object.entries(USAGE_PLANS)) expect({ op, ...plan }).toEqual({ op, ...documented.get(op) });
    for (const [op, [rate, burst]] of Object.entries(SIM_PLANS)) expect({ op, rate, burst }).toEqual({ op, ...documented.get(op) });
  });

  it("every body the adapter sends (PATCH, feed document, createFeedDocument, createFeed) validates", async () => {
    const { ctx, state } = setup();
    state.setListings(Array.from({ length: 30 }, (_, i) => ({ code: `S${i}`, quantity: 1, productType: "HOME" })));
    await amazonAdapter.pushStock(ctx, [{ mallCode: "S0", quantity: 5 }, { mallCode: "S1", quantity: 0 }]);
    await amazonAdapter.pushStock(ctx, Array.from({ length: 30 }, (_, i) => ({ mallCode: `S${i}`, quantity: i })));
    const ops = state.requests.map((r) => r.op);
    expect(ops).toEqual(["patchListingsItem", "patchListingsItem", "createFeedDocument", "feedDocument", "createFeed"]);
    expect(expectRequestsMatchSpecs(state)).toBe(5);
  });

  it("the simulator's searchOrders responses validate against SearchOrdersResponse (2026-01-01)", async () => {
    let t = Date.parse("2026-08-01T00:00:00Z");
    const { ctx, state } = setup({ now: () => t });
    state.setListings([{ code: "O1", quantity: 500 }, { code: "O2", quantity: 500 }]);
    for (let i = 0; i < 120; i++) state.createOrder([{ code: "O1", quantity: 1 }, { code: "O2", quantity: 2 }]);
    const some = state.createOrder([{ code: "O1", quantity: 1 }, { code: "O2", quantity: 1 }]);
    state.cancelOrder(some.orderId, { lineId: some.lineIds[0] });
    state.cancelOrder(state.createOrder([{ code: "O2", quantity: 1 }]).orderId);
    t += 60_000;
    let r = await fetchOrdersBySearch(new AmazonSession(ctx), null);
    while (r.more) r = await fetchOrdersBySearch(new AmazonSession(ctx), r.cursor);
    const v = specs().searchOrdersResponse;
    expect(state.orderResponses).toHaveLength(2);
    state.orderResponses.forEach((body, i) => expectValid(v, body, `searchOrders page ${i + 1}`));
  });

  it("the simulator's getOrders / getOrderItems answers (and their errors) validate against Orders v0", async () => {
    let t = Date.parse("2026-08-01T00:00:00Z");
    const { ctx, state, outer } = setup({ now: () => t });
    state.setListings([{ code: "O1", quantity: 500 }, { code: "O2", quantity: 500 }]);
    for (let i = 0; i < 120; i++) state.createOrder([{ code: "O1", quantity: 1 }, { code: "O2", quantity: 2 }]);
    const some = state.createOrder([{ code: "O1", quantity: 1 }, { code: "O2", quantity: 1 }]);
    state.cancelOrder(some.orderId, { lineId: some.lineIds[0] });
    state.cancelOrder(state.createOrder([{ code: "O2", quantity: 1 }]).orderId);
    t += 60_000;
    let r = await amazonAdapter.fetchOrders(ctx, null);
    for (let i = 0; i < 10 && (r.cursor as { pass?: unknown }).pass; i++) {
      if (!r.more) t += 60_000;
      r = await amazonAdapter.fetchOrders(ctx, r.cursor);
    }
    const v = specs();
    const ops = state.v0Responses.map((x) => x.op);
    expect(ops.filter((op) => op === "getOrders")).toHaveLength(2);
    expect(ops.filter((op) => op === "getOrderItems")).toHaveLength(122);
    state.v0Responses.forEach(({ op, body }, i) => expectValid(op === "getOrders" ? v.getOrdersResponse : v.getOrderItemsResponse, body, `${op} #${i + 1}`));
    const headers = { "x-amz-access-token": ctx.credentials.accessToken! };
    const missing = await outer.request("/amazon/orders/v0/orders/503-0000000-0000000/orderItems", { headers });
    expect(missing.status).toBe(404);
    // v0 wraps its ErrorList (an array) in the operation's response: { errors: [...] }.
    const missingBody = (await missing.json()) as { errors: { code: string }[] };
    expect(missingBody.errors[0].code).toBe("NotFound");
    expectValid(v.getOrderItemsResponse, missingBody, "getOrderItems 404");
    const bad = await outer.request("/amazon/orders/v0/orders?MarketplaceIds=A1VC38T7YXB528", { headers });
    expect(bad.status).toBe(400);
    const badBody = (await bad.json()) as { errors: { code: string }[] };
    expect(badBody.errors[0].code).toBe("InvalidInput");
    expectValid(v.getOrdersResponse, badBody, "getOrders 400");
  });

  it("the simulator's listings answers validate against Item, ListingsItemSubmissionResponse and ErrorList", async () => {
    const { ctx, state, outer } = setup();
    state.setListings([{ code: "L1", quantity: 3, productType: "HOME" }]);
    await amazonAdapter.testConnection(ctx);
    const headers = { "x-amz-access-token": ctx.credentials.accessToken!, "content-type": "application/json" };
    const path = `/amazon/listings/2021-08-01/items/${demoCredentials.sellerId}`;
    const v = specs();
    const get = await outer.request(`${path}/L1?marketplaceIds=A1VC38T7YXB528&includedData=summaries,productTypes,fulfillmentAvailability,issues,attributes`, { headers });
    expectValid(v.item, await get.json(), "getListingsItem");
    const body = { productType: "HOME", patches: [{ op: "replace", path: "/attributes/fulfillment_availability", value: [{ fulfillment_channel_code: "DEFAULT", quantity: -1 }] }] };
    const patch = await outer.request(`${path}/L1?marketplaceIds=A1VC38T7YXB528`, { method: "PATCH", headers, body: JSON.stringify(body) });
    const sub = (await patch.json()) as { status: string };
    expect(sub.status).toBe("INVALID");
    expectValid(v.submissionResponse, sub, "patchListingsItem");
    const missing = await outer.request(`${path}/NONE?marketplaceIds=A1VC38T7YXB528`, { headers });
    expect(missing.status).toBe(404);
    expectValid(v.listingsErrorList, await missing.json(), "404 ErrorList");
  });
});
