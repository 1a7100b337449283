import { describe, expect, it } from "vitest";
import { env } from "cloudflare:workers";
import { amazonAdapter } from "../../src/malls/amazon";
import { AmazonSession } from "../../src/malls/amazon/client";
import { fetchOrdersBySearch, orderLines } from "../../src/malls/amazon/orders";
import { fetchOrdersByGetOrders } from "../../src/malls/amazon/orders-v0";
import { createDb } from "../../src/db/client";
import type { MallContext, OrderLine } from "../../src/malls/types";
import type { AmazonCredentials } from "../../src/malls/amazon";
import { takeInLines } from "../../src/sync/intake";
import { drain, newAccount, product } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";
import { mallError, setup } from "./amazon-helpers";

const T0 = Date.parse("2026-08-01T00:00:00Z");
const MIN = 60_000;

function clocked() {
  let t = T0;
  const env = setup({ now: () => t });
  env.state.setListings([
    { code: "X", quantity: 10_000 },
    { code: "Y", quantity: 10_000 },
  ]);
  return { ...env, advance: (ms: number) => (t += ms), now: () => t };
}

const sim = useMallSim();
type Ctx = MallContext<AmazonCredentials>;
/** One pull through Orders 2026-01-01 searchOrders / Orders v0 getOrders (the default). */
const search = (ctx: Ctx, cursor: unknown) => fetchOrdersBySearch(new AmazonSession(ctx), cursor);
const v0 = (ctx: Ctx, cursor: unknown) => fetchOrdersByGetOrders(new AmazonSession(ctx), cursor);

const key = (l: OrderLine) => `${l.orderId}/${l.lineId}/${l.kind}/${l.quantity}`;

describe("amazon fetchOrders (Orders API 2026-01-01 searchOrders)", () => {
  it("orders since a cursor come across several pages, one page per call", async () => {
    const { ctx, state, advance, now } = clocked();
    const ids: string[] = [];
    for (let i = 0; i < 205; i++) {
      advance(1000);
      ids.push(state.createOrder([{ code: i % 2 ? "X" : "Y", quantity: 1 + (i % 3) }]).orderId);
    }
    advance(MIN);
    const pages: OrderLine[][] = [];
    let cursor: unknown = null;
    let more = true;
    while (more) {
      const r = await search(ctx, cursor);
      pages.push(r.lines);
      ({ cursor, more } = r);
    }
    expect(pages.map((p) => p.length)).toEqual([100, 100, 5]);
    const lines = pages.flat();
    expect(lines.map((l) => l.orderId)).toEqual(ids);
    expect(lines[0]).toEqual({ orderId: ids[0], lineId: expect.any(String), mallCode: "Y", quantity: 1, kind: "sale", at: T0 + 1000 });
    const searches = state.calls.filter((c) => c.path.startsWith("/orders/"));
    expect(searches).toHaveLength(3);
    expect(searches[0].path).toContain(`lastUpdatedAfter=${encodeURIComponent(new Date(now() - 15 * MIN).toISOString())}`);
    expect(searches[0].path).toContain("includedData=FULFILLMENT%2CCANCELLATION");
    expect(searches[1].path).toContain("paginationToken=");
    // The next pass starts 10 minutes before the mall's lastUpdatedBefore of this pass.
    expect(cursor).toMatchObject({ after: new Date(now() - 10 * MIN).toISOString() });
  });

  it("an item-level cancel and a full cancel come back as cumulative cancel lines", async () => {
    const { ctx, state, advance } = clocked();
    advance(MIN);
    const a = state.createOrder([{ code: "X", quantity: 2 }, { code: "Y", quantity: 3 }]);
    const b = state.createOrder([{ code: "X", quantity: 1 }]);
    const first = await search(ctx, null);
    expect(first.lines.map((l) => l.kind)).toEqual(["sale", "sale", "sale"]);

    advance(2 * MIN);
    state.cancelOrder(a.orderId, { lineId: a.lineIds[1] }); // item-level: the order stays open
    state.cancelOrder(b.orderId);
    const second = await search(ctx, first.cursor);
    const cancels = second.lines.filter((l) => l.kind === "cancel");
    expect(cancels.map((l) => [l.orderId, l.lineId, l.mallCode, l.quantity])).toEqual([
      [a.orderId, a.lineIds[1], "Y", 3],
      [b.orderId, b.lineIds[0], "X", 1],
    ]);
    expect(cancels[0].at).toBe(T0 + 3 * MIN);

    advance(2 * MIN);
    state.cancelOrder(a.orderId); // the rest of the order
    const third = await search(ctx, second.cursor);
    const aCancels = third.lines.filter((l) => l.kind === "cancel" && l.orderId === a.orderId);
    // Cumulative: the earlier item cancel is reported again with the same total.
    expect(aCancels.map((l) => [l.lineId, l.quantity])).toEqual([[a.lineIds[0], 2], [a.lineIds[1], 3]]);
    expect(state.listListings()).toEqual([{ code: "X", quantity: 10_000 }, { code: "Y", quantity: 10_000 }]);
  });

  it("a second poll with the returned cursor does not lose an order placed in between", async () => {
    const { ctx, state, advance } = clocked();
    const first = await search(ctx, null);
    expect(first).toMatchObject({ lines: [], more: false });
    advance(30_000);
    const o = state.createOrder([{ code: "Y", quantity: 4 }]);
    advance(3 * 3600_000); // a long gap between polls changes nothing
    const second = await search(ctx, first.cursor);
    expect(second.lines.map(key)).toEqual([`${o.orderId}/${o.lineIds[0]}/sale/4`]);
    // Overlap: the same line may come again; Kura dedupes it.
    const third = await search(ctx, second.cursor);
    expect(third.lines.map(key)).toEqual([]);
  });

  it("an order updated while a pass is being paged is caught by the next pass", async () => {
    const { ctx, state, advance } = clocked();
    const orders = Array.from({ length: 150 }, () => (advance(1000), state.createOrder([{ code: "X", quantity: 1 }])));
    const p1 = await search(ctx, null);
    expect(p1.more).toBe(true);
    advance(MIN);
    state.cancelOrder(orders[10].orderId); // moves past the pass's snapshot
    const p2 = await search(ctx, p1.cursor);
    expect(p2.more).toBe(false);
    advance(5 * MIN);
    const next = await search(ctx, p2.cursor);
    expect(next.more).toBe(true); // all 150 again (overlap), the cancelled one last
    const last = await search(ctx, next.cursor);
    expect([...next.lines, ...last.lines].filter((l) => l.kind === "cancel").map((l) => l.orderId)).toEqual([orders[10].orderId]);
  });

  it("a cancelled item reported with quantityOrdered 0 gives back the units seen earlier", () => {
    const open: Record<string, number> = {};
    const order = (status: "UNSHIPPED" | "CANCELLED", qty: number) => ({
      orderId: "503-1",
      createdTime: "2026-08-01T00:00:00Z",
      lastUpdatedTime: "2026-08-01T01:00:00Z",
      fulfillment: { fulfillmentStatus: status },
      orderItems: [{ orderItemId: "11", quantityOrdered: qty, product: { sellerSku: "X" } }],
    });
    expect(orderLines(order("UNSHIPPED", 2), open).map((l) => l.kind)).toEqual(["sale"]);
    expect(open).toEqual({ "503-1/11": 2 });
    const lines = orderLines(order("CANCELLED", 0), open);
    expect(lines.map((l) => [l.kind, l.quantity])).toEqual([["sale", 2], ["cancel", 2]]);
    expect(open).toEqual({});
  });

  it("the control API creates and cancels orders; partial quantities of an item are refused", async () => {
    const { control, advance, ctx } = clocked();
    const created = await control("POST", "/__sim/orders", { lines: [{ code: "X", quantity: 3 }] });
    expect(created.status).toBe(200);
    const { orderId, lineIds } = created.json;
    expect((await control("POST", `/__sim/orders/${orderId}/cancel`, { lineId: lineIds[0], quantity: 1 })).status).toBe(400);
    expect((await control("GET", "/__sim/listings")).json.items).toContainEqual({ code: "X", quantity: 9_997 });
    expect((await control("POST", `/__sim/orders/${orderId}/cancel`)).json.status).toBe("CANCELLED");
    expect((await control("GET", "/__sim/listings")).json.items).toContainEqual({ code: "X", quantity: 10_000 });
    advance(MIN);
    const r = await search(ctx, null);
    expect(r.lines.map((l) => `${l.kind}:${l.quantity}`)).toEqual(["sale:3", "cancel:3"]);
  });
});

describe("amazon fetchOrders (Orders API v0 getOrders + getOrderItems, the default)", () => {
  /** API calls of the sim by operation: "getOrders" or "getOrderItems" (status 200 unless said). */
  const v0Calls = (state: { calls: { path: string; status: number }[] }) =>
    state.calls
      .filter((c) => c.path.startsWith("/orders/v0/"))
      .map((c) => `${c.path.includes("/orderItems") ? "getOrderItems" : "getOrders"}${c.status === 200 ? "" : ` ${c.status}`}`);

  it("the adapter polls Amazon every minute through getOrders", async () => {
    const { ctx, state, advance } = clocked();
    expect(amazonAdapter.limits.pollEverySec).toBe(60);
    advance(MIN);
    const o = state.createOrder([{ code: "X", quantity: 2 }]);
    const r = await amazonAdapter.fetchOrders(ctx, null);
    expect(r.lines.map(key)).toEqual([`${o.orderId}/${o.lineIds[0]}/sale/2`]);
    expect(v0Calls(state)).toEqual(["getOrders", "getOrderItems"]);
    expect(state.calls.some((c) => c.path.startsWith("/orders/2026-01-01/"))).toBe(false);
    const get = state.calls.find((c) => c.path.startsWith("/orders/v0/orders?"))!.path;
    expect(get).toContain("MarketplaceIds=A1VC38T7YXB528");
    expect(get).toContain("FulfillmentChannels=MFN");
    expect(get).toContain("MaxResultsPerPage=100");
  });

  it("a sale, an item-level cancel and a full cancel come in once each, and unchanged orders cost no getOrderItems", async () => {
    const { ctx, state, advance } = clocked();
    advance(MIN);
    const a = state.createOrder([{ code: "X", quantity: 2 }, { code: "Y", quantity: 3 }]);
    const b = state.createOrder([{ code: "X", quantity: 1 }]);
    const first = await v0(ctx, null);
    expect(first.lines.map((l) => [l.orderId, l.lineId, l.mallCode, l.kind, l.quantity, l.at])).toEqual([
      [a.orderId, a.lineIds[0], "X", "sale", 2, T0 + MIN],
      [a.orderId, a.lineIds[1], "Y", "sale", 3, T0 + MIN],
      [b.orderId, b.lineIds[0], "X", "sale", 1, T0 + MIN],
    ]);
    expect(first.more).toBe(false);

    advance(MIN);
    state.calls.length = 0;
    const quiet = await v0(ctx, first.cursor); // both orders again (overlap), neither changed
    expect(quiet.lines).toEqual([]);
    expect(v0Calls(state)).toEqual(["getOrders"]);

    advance(MIN);
    state.cancelOrder(a.orderId, { lineId: a.lineIds[1] }); // item-level: the order stays open
    state.cancelOrder(b.orderId);
    state.calls.length = 0;
    const second = await v0(ctx, quiet.cursor);
    expect(v0Calls(state)).toEqual(["getOrders", "getOrderItems", "getOrderItems"]);
    const cancels = second.lines.filter((l) => l.kind === "cancel");
    // v0 shows a cancelled item as QuantityOrdered 0: the units are those taken in with the sale.
    expect(cancels.map((l) => [l.orderId, l.lineId, l.mallCode, l.quantity, l.at])).toEqual([
      [a.orderId, a.lineIds[1], "Y", 3, T0 + 3 * MIN],
      [b.orderId, b.lineIds[0], "X", 1, T0 + 3 * MIN],
    ]);

    advance(MIN);
    state.cancelOrder(a.orderId); // the rest of the order
    const third = await v0(ctx, second.cursor);
    expect(third.lines.filter((l) => l.kind === "cancel").map((l) => [l.lineId, l.quantity])).toEqual([[a.lineIds[0], 2]]);
    expect(state.listListings()).toEqual([{ code: "X", quantity: 10_000 }, { code: "Y", quantity: 10_000 }]);
  });

  it("an order placed through the control API is visible through both APIs with the same lines", async () => {
    const { ctx, control, advance } = clocked();
    advance(MIN);
    const { orderId, lineIds } = (await control("POST", "/__sim/orders", { lines: [{ code: "X", quantity: 3 }, { code: "Y", quantity: 1 }] })).json;
    const bySearch = await search(ctx, null);
    const byV0 = await v0(ctx, null);
    expect(byV0.lines).toEqual(bySearch.lines);
    expect(byV0.lines.map(key)).toEqual([`${orderId}/${lineIds[0]}/sale/3`, `${orderId}/${lineIds[1]}/sale/1`]);
  });

  it("orders since a cursor come across several getOrders pages (NextToken), each order once", async () => {
    const { ctx, state, advance } = clocked();
    const ids: string[] = [];
    for (let i = 0; i < 205; i++) {
      advance(1000);
      ids.push(state.createOrder([{ code: i % 2 ? "X" : "Y", quantity: 1 }]).orderId);
    }
    advance(MIN);
    const lines: OrderLine[] = [];
    let cursor: unknown = null;
    for (let pull = 0; pull < 20; pull++) {
      const r = await v0(ctx, cursor);
      lines.push(...r.lines);
      cursor = r.cursor;
      if (!r.more) {
        if (!(cursor as { pass?: unknown }).pass) break;
        advance(MIN); // the next pull, a minute later
      }
    }
    expect(lines.map((l) => l.orderId)).toEqual(ids);
    const gets = state.calls.filter((c) => c.path.startsWith("/orders/v0/orders?"));
    expect(gets).toHaveLength(3);
    expect(gets.map((c) => c.path.includes("NextToken="))).toEqual([false, true, true]);
    expect(state.calls.filter((c) => c.status !== 200)).toEqual([]);
  });

  it("an order of more items than one getOrderItems page is read whole (items' NextToken)", async () => {
    const { ctx, state, advance } = clocked();
    const codes = Array.from({ length: 101 }, (_, i) => `M-${i}`);
    state.setListings(codes.map((code) => ({ code, quantity: 5 })));
    advance(MIN);
    const o = state.createOrder(codes.map((code) => ({ code, quantity: 1 })));
    const r = await v0(ctx, null);
    expect(r.lines.map((l) => l.mallCode)).toEqual(codes);
    expect(r.lines.every((l) => l.orderId === o.orderId && l.kind === "sale")).toBe(true);
    expect(v0Calls(state)).toEqual(["getOrders", "getOrderItems", "getOrderItems"]);
  });

  it("a NextToken Amazon refuses restarts the same window instead of skipping it", async () => {
    const { ctx, state, advance } = clocked();
    advance(MIN);
    const o = state.createOrder([{ code: "X", quantity: 1 }]);
    const after = new Date(T0 - 14 * MIN).toISOString();
    const stale = { v: 1, after, pass: { hw: new Date(T0).toISOString(), token: "not-a-token", queue: [] }, open: {} };
    const r = await v0(ctx, stale);
    expect(r).toMatchObject({ lines: [], more: true, cursor: { after } });
    expect((r.cursor as { pass?: unknown }).pass).toBeUndefined();
    expect(v0Calls(state)).toEqual(["getOrders 400"]);
    const again = await v0(ctx, r.cursor);
    expect(again.lines.map(key)).toEqual([`${o.orderId}/${o.lineIds[0]}/sale/1`]);
  });

  it("a busy minute with more orders than getOrderItems' burst: what the budget allows now, the rest next pull, nothing skipped", async () => {
    const { ctx, state, advance } = clocked();
    const ids: string[] = [];
    for (let i = 0; i < 45; i++) {
      advance(1000);
      ids.push(state.createOrder([{ code: "X", quantity: 1 }]).orderId);
    }
    const first = await v0(ctx, null);
    expect(first.more).toBe(false); // not a failure: the pull ends and the next one goes on
    expect(first.lines.length).toBeGreaterThan(20);
    expect(first.lines.length).toBeLessThan(45);

    advance(10_000);
    const late = state.createOrder([{ code: "Y", quantity: 5 }]); // after the first page was read
    advance(50_000);
    const seen = [...first.lines];
    let cursor = first.cursor;
    for (let pull = 0; pull < 5; pull++) {
      const r = await v0(ctx, cursor);
      seen.push(...r.lines);
      cursor = r.cursor;
      if (!r.more) advance(MIN);
    }
    expect(seen.map((l) => l.orderId)).toEqual([...ids, late.orderId]);
    expect(state.calls.filter((c) => c.status === 429)).toEqual([]);
  });

  it("getOrders over its usage plan: 429 is a rate error with the plan's wait; getOrderItems' 429 keeps the order for the next pull", async () => {
    const { ctx, state, outer, advance } = clocked();
    advance(MIN);
    const o = state.createOrder([{ code: "X", quantity: 1 }]);
    await amazonAdapter.testConnection(ctx); // an access token
    const headers = { "x-amz-access-token": ctx.credentials.accessToken! };
    // Another client of the same seller spends the whole getOrders burst.
    for (let i = 0; i < 20; i++) expect((await outer.request(`/amazon/orders/v0/orders?MarketplaceIds=A1VC38T7YXB528&LastUpdatedAfter=2026-01-01T00:00:00Z`, { headers })).status).toBe(200);
    const refused = await outer.request(`/amazon/orders/v0/orders?MarketplaceIds=A1VC38T7YXB528&LastUpdatedAfter=2026-01-01T00:00:00Z`, { headers });
    expect(refused.status).toBe(429);
    expect(refused.headers.get("x-amzn-RateLimit-Limit")).toBe("0.0167");
    expect(((await refused.json()) as { errors: { code: string }[] }).errors[0].code).toBe("QuotaExceeded");

    const e = await mallError(() => v0(ctx, null));
    expect(e).toMatchObject({ errorClass: "rate", opts: { status: 429, code: "QuotaExceeded", retryAfterSec: 60 } });

    advance(MIN); // one getOrders token back; now the items' bucket is spent by the other client
    for (let i = 0; i < 30; i++) await outer.request(`/amazon/orders/v0/orders/${o.orderId}/orderItems`, { headers });
    const held = await v0(ctx, null);
    expect(held).toMatchObject({ lines: [], more: false });
    expect(v0Calls(state).slice(-2)).toEqual(["getOrders", "getOrderItems 429"]);
    advance(MIN);
    const r = await v0(ctx, held.cursor);
    expect(r.lines.map(key)).toEqual([`${o.orderId}/${o.lineIds[0]}/sale/1`]);
  });
});

describe("amazon: switching order API does not count a sale twice", () => {
  it("the same order seen through searchOrders and then v0 changes stock once, and its cancel restores it once", async () => {
    const c = await newAccount();
    const p = await product(c, "X", { onHand: 20 });
    const shop = await sim.shopOn(c, "amazon");
    await drain(c.accountId, p.group.id);
    const db = createDb(env.DB);
    const src = { key: `shop:${shop.id}`, label: String(shop.id), shopId: shop.id, cancelPolicy: "restore" as const, defaultRule: amazonAdapter.defaultMallCode };
    const takeIn = async (lines: OrderLine[]) => {
      const r = await takeInLines(env, db, c.accountId, src, lines.map((l) => ({ orderId: l.orderId, lineId: l.lineId, code: l.mallCode, quantity: l.quantity, kind: l.kind })));
      await drain(c.accountId, p.group.id);
      return r.map((x) => x.result);
    };
    const onHand = async () => (await c.get("/products/X")).json.onHand;

    const { ctx, state, advance } = clocked();
    advance(MIN);
    const o = state.createOrder([{ code: "X", quantity: 4 }]);
    const bySearch = await search(ctx, null);
    expect(await takeIn(bySearch.lines)).toEqual(["applied"]);
    expect(await onHand()).toBe(16);

    advance(MIN); // the next pull goes through v0 with the cursor searchOrders left
    const byV0 = await v0(ctx, bySearch.cursor);
    expect(byV0.lines.map(key)).toEqual([`${o.orderId}/${o.lineIds[0]}/sale/4`]);
    expect(await takeIn(byV0.lines)).toEqual(["duplicate"]);
    expect(await onHand()).toBe(16);

    advance(MIN);
    state.cancelOrder(o.orderId);
    const cancelV0 = await v0(ctx, byV0.cursor);
    expect(cancelV0.lines.map((l) => `${l.kind}:${l.quantity}`)).toEqual(["sale:4", "cancel:4"]);
    await takeIn(cancelV0.lines);
    expect(await onHand()).toBe(20);
    advance(MIN); // and back to searchOrders: the cancel it reports is the one already taken in
    const cancelSearch = await search(ctx, cancelV0.cursor);
    expect(await takeIn(cancelSearch.lines)).toEqual(["duplicate", "duplicate"]);
    expect(await onHand()).toBe(20);
  });
});
