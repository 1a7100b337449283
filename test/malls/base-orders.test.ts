import { describe, expect, it } from "vitest";
import { baseAdapter, type BaseOrdersCursor } from "../../src/malls/base";
import type { OrderLine } from "../../src/malls/types";
import { setupBase } from "./base-helpers";

const MIN = 60_000;

/** Polls until `more` is false, like the sync engine; returns all lines and the final cursor. */
async function poll(ctx: Parameters<typeof baseAdapter.fetchOrders>[0], cursor: unknown) {
  const lines: OrderLine[] = [];
  let calls = 0;
  for (;;) {
    const r = await baseAdapter.fetchOrders(ctx, cursor);
    calls++;
    lines.push(...r.lines);
    cursor = r.cursor;
    if (!r.more) return { lines, cursor: cursor as BaseOrdersCursor, calls };
  }
}
const of = (lines: OrderLine[], orderId: string, kind: "sale" | "cancel") =>
  lines.filter((l) => l.orderId === orderId && l.kind === kind).map((l) => [l.lineId, l.mallCode, l.quantity]);

describe("BASE adapter: orders", () => {
  it("orders since a cursor come across several pages with partial and full cancels, and a second poll loses nothing", async () => {
    const { ctx, sim, clock, control, calls } = setupBase();
    sim.state.setListings([{ code: "1001", quantity: 1000 }, { code: "2001:11", quantity: 50 }, { code: "2001:12", quantity: 50 }]);
    clock.advance(-10 * MIN); // orders placed over the 10 minutes before the first poll
    const a = sim.state.createOrder([{ code: "1001", quantity: 2 }, { code: "2001:11", quantity: 3 }]);
    const b = sim.state.createOrder([{ code: "2001:12", quantity: 4 }]);
    for (let i = 0; i < 118; i++) {
      sim.state.createOrder([{ code: "1001", quantity: 1 }]);
      if (i % 20 === 0) clock.advance(MIN);
    }
    clock.advance(4 * MIN);
    // A full cancel before we ever saw the order: its sale and its cancel both arrive.
    expect((await control("POST", `/__sim/orders/${b.orderId}/cancel`)).status).toBe(200);

    const first = await poll(ctx, null);
    expect(first.calls).toBe(2); // 120 orders at 100 per page
    expect(new Set(first.lines.filter((l) => l.kind === "sale").map((l) => l.orderId)).size).toBe(120);
    expect(of(first.lines, a.orderId, "sale")).toEqual([[a.lineIds[0], "1001", 2], [a.lineIds[1], "2001:11", 3]]);
    expect(of(first.lines, a.orderId, "cancel")).toEqual([]);
    expect(of(first.lines, b.orderId, "cancel")).toEqual([[b.lineIds[0], "2001:12", 4]]);
    expect(first.cursor.open.map((o) => o.k)).toContain(a.orderId);
    expect(first.cursor.open.map((o) => o.k)).not.toContain(b.orderId); // final: no longer watched
    expect(calls().filter((c) => c === "GET /1/orders 200")).toHaveLength(2);

    // An hour later: one line of A is cancelled (partial), and C is placed.
    clock.advance(60 * MIN);
    await control("POST", `/__sim/orders/${a.orderId}/cancel`, { lineId: a.lineIds[1], quantity: 3 });
    clock.advance(MIN);
    const c = (await control("POST", "/__sim/orders", { lines: [{ code: "1001", quantity: 5 }] })).json;
    const mark = sim.state.calls.length;
    const second = await poll(ctx, first.cursor);
    expect(of(second.lines, a.orderId, "cancel")).toEqual([[a.lineIds[1], "2001:11", 3]]);
    expect(of(second.lines, c.orderId, "sale")).toEqual([[c.lineIds[0], "1001", 5]]);
    // The 118 unchanged open orders are not fetched again: only A (changed), C (new) and B (final,
    // so not remembered, and inside the 10-minute overlap of the previous poll's window).
    expect(calls(mark).filter((x) => x.includes("/1/orders/detail/")).sort()).toEqual(
      [a, b, c].map((o) => `GET /1/orders/detail/${o.orderId} 200`).sort(),
    );

    // The rest of A is cancelled: the cancel of line 1 arrives, line 2's is repeated (cumulative).
    clock.advance(5 * MIN);
    await control("POST", `/__sim/orders/${a.orderId}/cancel`);
    const third = await poll(ctx, second.cursor);
    expect(of(third.lines, a.orderId, "cancel")).toEqual([[a.lineIds[0], "1001", 2], [a.lineIds[1], "2001:11", 3]]);
    expect(third.cursor.open.map((o) => o.k)).not.toContain(a.orderId);
  });

  it("an order placed in the overlap window just before a poll's end is still taken in by the next poll", async () => {
    const { ctx, sim, clock } = setupBase();
    sim.state.setListings([{ code: "1001", quantity: 10 }]);
    const first = await poll(ctx, null);
    expect(first.lines).toEqual([]);
    // BASE stamps the order 2 minutes before our poll ended but it only became visible after it.
    clock.advance(-2 * MIN);
    const late = sim.state.createOrder([{ code: "1001", quantity: 1 }]);
    clock.advance(2 * MIN + 5 * MIN);
    const second = await poll(ctx, first.cursor);
    expect(second.lines.map((l) => [l.orderId, l.kind])).toEqual([[late.orderId, "sale"]]);
    expect(second.lines[0].at).toBe(sim.state.order(late.orderId).ordered * 1000);
  });

  it("dispatched orders become final and drop out of the cursor's open list", async () => {
    const { ctx, sim, clock } = setupBase();
    sim.state.setListings([{ code: "1001", quantity: 10 }]);
    const o = sim.state.createOrder([{ code: "1001", quantity: 1 }]);
    const first = await poll(ctx, null);
    expect(first.cursor.open.map((x) => x.k)).toEqual([o.orderId]);
    clock.advance(30 * MIN);
    sim.state.dispatchOrder(o.orderId);
    const second = await poll(ctx, first.cursor);
    expect(second.cursor.open).toEqual([]);
    expect(second.lines.filter((l) => l.kind === "cancel")).toEqual([]);
  });
});

describe("BASE simulator: control API and documented shapes", () => {
  it("serves the uniform control API and rejects a partial-quantity cancel (BASE cancels whole items)", async () => {
    const { control, sim } = setupBase();
    expect((await control("POST", "/__sim/listings", { items: [{ code: "1001:5", quantity: 3 }] })).status).toBe(200);
    const o = await control("POST", "/__sim/orders", { lines: [{ code: "1001:5", quantity: 2 }] });
    expect(o.json).toEqual({ orderId: expect.stringMatching(/^[0-9A-F]{16}$/), lineIds: [expect.any(String)] });
    expect((await control("GET", "/__sim/listings")).json).toEqual({ items: [{ code: "1001:5", quantity: 1 }] });
    expect((await control("POST", "/__sim/orders", { lines: [{ code: "1001:5", quantity: 2 }] })).status).toBe(409);
    const partial = await control("POST", `/__sim/orders/${o.json.orderId}/cancel`, { lineId: o.json.lineIds[0], quantity: 1 });
    expect(partial.status).toBe(400);
    expect((await control("POST", `/__sim/orders/${o.json.orderId}/cancel`, { lineId: o.json.lineIds[0] })).status).toBe(200);
    expect((await control("GET", "/__sim/listings")).json.items).toEqual([{ code: "1001:5", quantity: 3 }]);
    expect((await control("POST", "/__sim/faults", { type: "5xx", times: 2 })).json).toEqual({ ok: true, pending: 1 });
    expect((await control("GET", "/__sim/calls")).json).toEqual({ calls: [] });
    await control("POST", "/__sim/reset");
    expect(sim.state.listings()).toEqual([]);
    expect(sim.state.faults).toEqual([]);
  });

  it("answers errors as HTTP 400 {error, error_description} and enforces limit ≤ 100", async () => {
    const { sim } = setupBase();
    const tok = sim.state.issueTokens().access_token;
    const get = async (path: string, token = tok) => {
      const res = await sim.app.request(path, { headers: { authorization: `Bearer ${token}` } });
      return [res.status, ((await res.json()) as { error?: string }).error];
    };
    expect(await get("/1/orders?limit=100")).toEqual([200, undefined]);
    expect(await get("/1/orders?limit=101")).toEqual([400, "bad_params"]);
    expect(await get("/1/orders", "bogus")).toEqual([400, "invalid_request"]);
    expect(await get("/1/orders/detail/NOPE")).toEqual([400, "no_order"]);
    const wrongMethod = await sim.app.request("/1/items/edit_stock", { headers: { authorization: `Bearer ${tok}` } });
    expect(((await wrongMethod.json()) as { error: string }).error).toBe("not_post_method");
  });
});
