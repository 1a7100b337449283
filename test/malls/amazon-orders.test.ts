import { describe, expect, it } from "vitest";
import { amazonAdapter } from "../../src/malls/amazon";
import { orderLines } from "../../src/malls/amazon/orders";
import type { OrderLine } from "../../src/malls/types";
import { setup } from "./amazon-helpers";

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
      const r = await amazonAdapter.fetchOrders(ctx, cursor);
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
    const first = await amazonAdapter.fetchOrders(ctx, null);
    expect(first.lines.map((l) => l.kind)).toEqual(["sale", "sale", "sale"]);

    advance(2 * MIN);
    state.cancelOrder(a.orderId, { lineId: a.lineIds[1] }); // item-level: the order stays open
    state.cancelOrder(b.orderId);
    const second = await amazonAdapter.fetchOrders(ctx, first.cursor);
    const cancels = second.lines.filter((l) => l.kind === "cancel");
    expect(cancels.map((l) => [l.orderId, l.lineId, l.mallCode, l.quantity])).toEqual([
      [a.orderId, a.lineIds[1], "Y", 3],
      [b.orderId, b.lineIds[0], "X", 1],
    ]);
    expect(cancels[0].at).toBe(T0 + 3 * MIN);

    advance(2 * MIN);
    state.cancelOrder(a.orderId); // the rest of the order
    const third = await amazonAdapter.fetchOrders(ctx, second.cursor);
    const aCancels = third.lines.filter((l) => l.kind === "cancel" && l.orderId === a.orderId);
    // Cumulative: the earlier item cancel is reported again with the same total.
    expect(aCancels.map((l) => [l.lineId, l.quantity])).toEqual([[a.lineIds[0], 2], [a.lineIds[1], 3]]);
    expect(state.listListings()).toEqual([{ code: "X", quantity: 10_000 }, { code: "Y", quantity: 10_000 }]);
  });

  it("a second poll with the returned cursor does not lose an order placed in between", async () => {
    const { ctx, state, advance } = clocked();
    const first = await amazonAdapter.fetchOrders(ctx, null);
    expect(first).toMatchObject({ lines: [], more: false });
    advance(30_000);
    const o = state.createOrder([{ code: "Y", quantity: 4 }]);
    advance(3 * 3600_000); // a long gap between polls changes nothing
    const second = await amazonAdapter.fetchOrders(ctx, first.cursor);
    expect(second.lines.map(key)).toEqual([`${o.orderId}/${o.lineIds[0]}/sale/4`]);
    // Overlap: the same line may come again; Kura dedupes it.
    const third = await amazonAdapter.fetchOrders(ctx, second.cursor);
    expect(third.lines.map(key)).toEqual([]);
  });

  it("an order updated while a pass is being paged is caught by the next pass", async () => {
    const { ctx, state, advance } = clocked();
    const orders = Array.from({ length: 150 }, () => (advance(1000), state.createOrder([{ code: "X", quantity: 1 }])));
    const p1 = await amazonAdapter.fetchOrders(ctx, null);
    expect(p1.more).toBe(true);
    advance(MIN);
    state.cancelOrder(orders[10].orderId); // moves past the pass's snapshot
    const p2 = await amazonAdapter.fetchOrders(ctx, p1.cursor);
    expect(p2.more).toBe(false);
    advance(5 * MIN);
    const next = await amazonAdapter.fetchOrders(ctx, p2.cursor);
    expect(next.more).toBe(true); // all 150 again (overlap), the cancelled one last
    const last = await amazonAdapter.fetchOrders(ctx, next.cursor);
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
    const r = await amazonAdapter.fetchOrders(ctx, null);
    expect(r.lines.map((l) => `${l.kind}:${l.quantity}`)).toEqual(["sale:3", "cancel:3"]);
  });
});
