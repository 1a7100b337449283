import { describe, expect, it } from "vitest";
import { rakutenAdapter } from "../../src/malls/rakuten";
import type { OrderLine } from "../../src/malls/types";
import { mallError, rakutenSetup } from "./rakuten-helpers";

const MIN = 60_000;
const T0 = Date.parse("2026-08-01T03:00:00Z"); // 12:00 JST

function clockedSetup() {
  const clock = { now: T0 };
  const s = rakutenSetup({ now: () => clock.now });
  s.sim.state.setListings([
    { code: "tee:Red-M", quantity: 100, merchantDefinedSkuId: "TEE-RED-M" },
    { code: "cap:normal-inventory", quantity: 100 },
  ]);
  return { ...s, clock };
}

/** Polls until `more` is false, collecting every line and the final cursor. */
async function pollAll(ctx: Parameters<typeof rakutenAdapter.fetchOrders>[0], cursor: unknown) {
  const lines: OrderLine[] = [];
  for (let i = 0; i < 20; i++) {
    const r = await rakutenAdapter.fetchOrders(ctx, cursor);
    lines.push(...r.lines);
    cursor = r.cursor;
    if (!r.more) return { lines, cursor };
  }
  throw new Error("fetchOrders never finished");
}

const find = (lines: OrderLine[], orderId: string, kind: "sale" | "cancel", lineId?: string) =>
  lines.filter((l) => l.orderId === orderId && l.kind === kind && (lineId === undefined || l.lineId === lineId));

describe("rakuten: orders", () => {
  it("orders since a cursor arrive across several searchOrder pages, one getOrder per page", async () => {
    const { sim, ctx, clock, callsTo } = clockedSetup();
    const ids: string[] = [];
    for (let i = 0; i < 230; i++) {
      clock.now = T0 + i * 1000;
      ids.push(sim.state.createOrder([{ code: "cap:normal-inventory", quantity: 1 }]).orderId);
    }
    clock.now = T0 + 5 * MIN;
    const first = await rakutenAdapter.fetchOrders(ctx, null);
    expect(first.more).toBe(true);
    expect(first.lines).toHaveLength(100);
    const { lines } = await pollAll(ctx, first.cursor);
    const all = [...first.lines, ...lines];
    expect(new Set(all.map((l) => l.orderId))).toEqual(new Set(ids));
    expect(all.every((l) => l.kind === "sale" && l.quantity === 1 && l.mallCode === "cap:normal-inventory")).toBe(true);
    expect(all[0].at).toBe(T0);
    expect(callsTo("/searchOrder/")).toHaveLength(3);
    expect(callsTo("/getOrder/")).toHaveLength(3); // nothing re-read within the same pass
  });

  it("partial and full cancels are reported cumulatively, found by re-checking orders outside the window", async () => {
    const { sim, ctx, clock } = clockedSetup();
    const a = sim.state.createOrder([
      { code: "tee:Red-M", quantity: 3 },
      { code: "cap:normal-inventory", quantity: 1 },
    ]);
    const b = sim.state.createOrder([{ code: "cap:normal-inventory", quantity: 2 }]);
    clock.now = T0 + MIN;
    let poll = await pollAll(ctx, null);
    expect(find(poll.lines, a.orderId, "sale")).toEqual([
      { orderId: a.orderId, lineId: a.lineIds[0], mallCode: "tee:Red-M", quantity: 3, kind: "sale", at: T0 },
      { orderId: a.orderId, lineId: a.lineIds[1], mallCode: "cap:normal-inventory", quantity: 1, kind: "sale", at: T0 },
    ]);
    expect(poll.lines.some((l) => l.kind === "cancel")).toBe(false);
    clock.now = T0 + 20 * MIN;
    poll = await pollAll(ctx, poll.cursor); // A and B are now older than the search window

    clock.now = T0 + 30 * MIN;
    sim.state.cancelOrder(a.orderId, { lineId: a.lineIds[0], quantity: 1 }); // 3 → 2
    sim.state.cancelOrder(b.orderId); // 900
    clock.now = T0 + 31 * MIN;
    poll = await pollAll(ctx, poll.cursor);
    expect(find(poll.lines, a.orderId, "cancel")).toEqual([
      { orderId: a.orderId, lineId: a.lineIds[0], mallCode: "tee:Red-M", quantity: 1, kind: "cancel", at: T0 + 30 * MIN },
    ]);
    expect(find(poll.lines, b.orderId, "cancel").map((l) => l.quantity)).toEqual([2]);

    clock.now = T0 + 40 * MIN;
    sim.state.cancelOrder(a.orderId, { lineId: a.lineIds[0], quantity: 1 }); // 2 → 1
    clock.now = T0 + 41 * MIN;
    poll = await pollAll(ctx, poll.cursor);
    expect(find(poll.lines, a.orderId, "cancel").map((l) => l.quantity)).toEqual([2]); // total so far
    expect(find(poll.lines, b.orderId, "cancel")).toEqual([]); // final: no longer re-read

    clock.now = T0 + 50 * MIN;
    sim.state.cancelOrder(a.orderId); // rest of the order
    clock.now = T0 + 51 * MIN;
    poll = await pollAll(ctx, poll.cursor);
    expect(find(poll.lines, a.orderId, "cancel").map((l) => [l.lineId, l.quantity])).toEqual([
      [a.lineIds[0], 3],
      [a.lineIds[1], 1],
    ]);
    expect(sim.state.listings()).toEqual([
      { code: "tee:Red-M", quantity: 100 },
      { code: "cap:normal-inventory", quantity: 100 },
    ]);
    expect(Object.keys((poll.cursor as { open: object }).open)).toEqual([]); // bounded: finals dropped
  });

  it("a second poll with the returned cursor does not lose orders placed between polls", async () => {
    const { sim, ctx, clock } = clockedSetup();
    clock.now = T0 + 10 * MIN + 400;
    const before = sim.state.createOrder([{ code: "cap:normal-inventory", quantity: 1 }]);
    const first = await pollAll(ctx, null);
    expect(first.lines.map((l) => l.orderId)).toEqual([before.orderId]);
    const sameSecond = sim.state.createOrder([{ code: "tee:Red-M", quantity: 2 }]);
    // An order stamped before the last poll but visible to searchOrder only afterwards (late
    // indexing): the 10-minute overlap is what catches it.
    clock.now = T0 + 8 * MIN;
    const late = sim.state.createOrder([{ code: "tee:Red-M", quantity: 1 }]);
    clock.now = T0 + 11 * MIN;
    const second = await pollAll(ctx, first.cursor);
    expect(find(second.lines, sameSecond.orderId, "sale").map((l) => l.quantity)).toEqual([2]);
    expect(find(second.lines, late.orderId, "sale").map((l) => l.quantity)).toEqual([1]);
  });

  it("a cancellation awaiting confirmation (800) restores nothing until Rakuten confirms it (900)", async () => {
    const { sim, ctx, clock, control } = clockedSetup();
    const o = sim.state.createOrder([{ code: "tee:Red-M", quantity: 2 }]);
    clock.now = T0 + MIN;
    let poll = await pollAll(ctx, null);
    clock.now = T0 + 30 * MIN;
    await control("POST", `/orders/${o.orderId}/cancel-request`);
    clock.now = T0 + 32 * MIN;
    poll = await pollAll(ctx, poll.cursor);
    expect(find(poll.lines, o.orderId, "cancel")).toEqual([]);
    expect(find(poll.lines, o.orderId, "sale")).toHaveLength(1); // still watched
    const res = await control("POST", `/orders/${o.orderId}/cancel`);
    expect(await res.json()).toEqual({ orderId: o.orderId, orderProgress: 900 });
    clock.now = T0 + 34 * MIN;
    poll = await pollAll(ctx, poll.cursor);
    expect(find(poll.lines, o.orderId, "cancel").map((l) => l.quantity)).toEqual([2]);
  });

  it("orders are created and cancelled through the control API, and a shipped order is no longer re-read", async () => {
    const { sim, ctx, clock, control, callsTo } = clockedSetup();
    const created = (await (await control("POST", "/orders", { lines: [{ code: "tee:Red-M", quantity: 1 }] })).json()) as {
      orderId: string;
      lineIds: string[];
    };
    expect(created.orderId).toMatch(/^\d{6}-20260801-\d{10}$/);
    expect(sim.state.listings()[0]).toEqual({ code: "tee:Red-M", quantity: 99 });
    clock.now = T0 + MIN;
    let poll = await pollAll(ctx, null);
    sim.state.setOrderProgress(created.orderId, 500); // 発送済
    clock.now = T0 + 30 * MIN;
    poll = await pollAll(ctx, poll.cursor);
    const getOrders = callsTo("/getOrder/").length;
    clock.now = T0 + 32 * MIN;
    poll = await pollAll(ctx, poll.cursor);
    expect(callsTo("/getOrder/").length).toBe(getOrders);
    expect((await control("POST", "/orders/nope/cancel")).status).toBe(404);
  });

  it("an auth failure while taking in orders is thrown as an auth MallError", async () => {
    const { sim, ctx } = clockedSetup();
    sim.state.addFault({ type: "expired" });
    expect(await mallError(() => rakutenAdapter.fetchOrders(ctx, null))).toMatchObject({ errorClass: "auth" });
  });
});
