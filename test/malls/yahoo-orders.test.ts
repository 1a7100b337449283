import { describe, expect, it } from "vitest";
import type { OrderLine } from "../../src/malls/types";
import { setup, T0 } from "./yahoo-setup";

const MIN = 60_000;

type Line = Pick<OrderLine, "orderId" | "lineId" | "mallCode" | "quantity" | "kind">;
const strip = (lines: OrderLine[]): Line[] =>
  lines.map(({ orderId, lineId, mallCode, quantity, kind }) => ({ orderId, lineId, mallCode, quantity, kind }));

/** Polls until the adapter says there is nothing more right now. */
async function drain(t: ReturnType<typeof setup>, cursor: unknown) {
  const lines: OrderLine[] = [];
  let calls = 0;
  for (;;) {
    const r = await t.adapter.fetchOrders(t.ctx(), cursor);
    lines.push(...r.lines);
    cursor = r.cursor;
    calls++;
    if (!r.more) return { lines, cursor, calls };
    if (calls > 20) throw new Error("fetchOrders never settles");
  }
}

describe("yahoo: orders", () => {
  it("orders since a cursor across several pages, a partial and a full cancel (cumulative), and an order placed between polls", async () => {
    const t = setup();
    t.sim.state.setListings([{ code: "tee:red-m", quantity: 50 }, { code: "mug", quantity: 50 }]);
    const first = t.sim.state.createOrder([{ code: "tee:red-m", quantity: 3 }, { code: "mug", quantity: 1 }]);
    const ids = [first.orderId];
    for (let i = 1; i < 13; i++) {
      t.advance(1000);
      ids.push(t.sim.state.createOrder([{ code: "mug", quantity: 1 }]).orderId);
    }
    t.advance(MIN);

    // Poll 1: 13 orders over two orderList pages (10 per page).
    const p1 = await drain(t, null);
    expect(p1.calls).toBe(2);
    expect(t.callsTo("orderInfo")).toHaveLength(13);
    expect(strip(p1.lines).slice(0, 2)).toEqual([
      { orderId: ids[0], lineId: "1", mallCode: "tee:red-m", quantity: 3, kind: "sale" },
      { orderId: ids[0], lineId: "2", mallCode: "mug", quantity: 1, kind: "sale" },
    ]);
    expect(p1.lines).toHaveLength(14);
    expect(p1.lines.every((l) => l.kind === "sale")).toBe(true);
    expect(p1.lines[0].at).toBe(T0);
    const starts = t.sent
      .filter((s) => s.path.endsWith("/orderList"))
      .map((s) => /<Start>(\d+)<\/Start>/.exec(s.body)?.[1]);
    expect(starts.slice(0, 2)).toEqual(["1", "11"]);

    // Between polls: a partial cancel (1 of 3 tees), a full cancel, and a new order.
    await t.control(`/orders/${ids[0]}/cancel`, { lineId: "1", quantity: 1 });
    await t.control(`/orders/${ids[1]}/cancel`, {});
    t.advance(30_000);
    const late = await (await t.control("/orders", { lines: [{ code: "mug", quantity: 2 }] })).json<{ orderId: string }>();
    t.advance(30_000);
    t.sent.length = 0;

    const p2 = await drain(t, p1.cursor);
    const infos = t.sent.filter((s) => s.path.endsWith("/orderInfo")).map((s) => /<OrderId>(.+?)<\/OrderId>/.exec(s.body)?.[1]);
    expect(infos).toEqual([ids[0], ids[1], late.orderId]); // unchanged orders are not fetched again
    expect(strip(p2.lines)).toEqual([
      { orderId: ids[0], lineId: "1", mallCode: "tee:red-m", quantity: 3, kind: "sale" },
      { orderId: ids[0], lineId: "1", mallCode: "tee:red-m", quantity: 1, kind: "cancel" },
      { orderId: ids[0], lineId: "2", mallCode: "mug", quantity: 1, kind: "sale" },
      { orderId: ids[1], lineId: "1", mallCode: "mug", quantity: 1, kind: "sale" },
      { orderId: ids[1], lineId: "1", mallCode: "mug", quantity: 1, kind: "cancel" },
      { orderId: late.orderId, lineId: "1", mallCode: "mug", quantity: 2, kind: "sale" },
    ]);

    // A poll inside the overlap window re-reads the list but fetches no details again:
    // open orders are unchanged and the cancelled one is remembered as final.
    t.advance(MIN);
    t.sent.length = 0;
    const idle = await drain(t, p2.cursor);
    expect(idle.lines).toEqual([]);
    expect(t.sent.filter((s) => s.path.endsWith("/orderInfo"))).toEqual([]);

    // Much later (outside the order-time window): the rest of the tee line is cancelled; the
    // line disappears from the order. The open-order re-check finds it: cumulative cancel 3 of 3.
    t.advance(30 * MIN);
    const idle2 = await drain(t, idle.cursor);
    expect(idle2.lines).toEqual([]);
    t.advance(MIN);
    await t.control(`/orders/${ids[0]}/cancel`, { lineId: "1", quantity: 2 });
    const p3 = await drain(t, idle2.cursor);
    expect(strip(p3.lines)).toEqual([
      { orderId: ids[0], lineId: "1", mallCode: "tee:red-m", quantity: 3, kind: "sale" },
      { orderId: ids[0], lineId: "1", mallCode: "tee:red-m", quantity: 3, kind: "cancel" },
      { orderId: ids[0], lineId: "2", mallCode: "mug", quantity: 1, kind: "sale" },
    ]);
    const recheck = t.sent.filter((s) => s.path.endsWith("/orderList")).at(-1)!.body;
    expect(recheck).toContain(`<OrderId>${ids[0]},`);

    // Then the whole order is cancelled: every line is reported cancelled in full.
    await t.control(`/orders/${ids[0]}/cancel`, {});
    const p4 = await drain(t, p3.cursor);
    expect(strip(p4.lines).filter((l) => l.kind === "cancel")).toEqual([
      { orderId: ids[0], lineId: "1", mallCode: "tee:red-m", quantity: 3, kind: "cancel" },
      { orderId: ids[0], lineId: "2", mallCode: "mug", quantity: 1, kind: "cancel" },
    ]);
    // A cancelled order is final: it is no longer re-checked.
    const p5 = await drain(t, p4.cursor);
    expect(p5.lines).toEqual([]);
    expect((p5.cursor as { open: { id: string }[] }).open.map((o) => o.id)).not.toContain(ids[0]);
  });

  it("an order made invalid (IsActive=false) is reported cancelled", async () => {
    const t = setup();
    const o = t.sim.state.createOrder([{ code: "mug", quantity: 2 }]);
    t.advance(MIN);
    const p1 = await drain(t, null);
    expect(strip(p1.lines)).toEqual([{ orderId: o.orderId, lineId: "1", mallCode: "mug", quantity: 2, kind: "sale" }]);
    t.sim.state.invalidateOrder(o.orderId);
    t.advance(MIN);
    const p2 = await drain(t, p1.cursor);
    expect(strip(p2.lines).filter((l) => l.kind === "cancel")).toEqual([
      { orderId: o.orderId, lineId: "1", mallCode: "mug", quantity: 2, kind: "cancel" },
    ]);
  });

  it("sends the order-time window in JST (YYYYMMDDhhmmss) starting 15 minutes back on the first poll", async () => {
    const t = setup();
    await t.adapter.fetchOrders(t.ctx(), null);
    const body = t.sent.find((s) => s.path.endsWith("/orderList"))!.body;
    expect(body).toContain("<OrderTimeFrom>20260803094500</OrderTimeFrom>");
    expect(body).toContain("<OrderTimeTo>20260803100000</OrderTimeTo>");
    expect(body).toContain("<SellerId>kura-demo</SellerId>");
  });

  it("running out of rate budget mid-page hands back the orders done so far and resumes without a gap", async () => {
    const t = setup({ rateLimitPerSec: 3 });
    const ids = Array.from({ length: 5 }, () => t.sim.state.createOrder([{ code: "mug", quantity: 1 }]).orderId);
    t.advance(MIN);
    const r1 = await t.adapter.fetchOrders(t.ctx(), null);
    expect(r1.more).toBe(true);
    expect(r1.lines.map((l) => l.orderId)).toEqual(ids.slice(0, 3));
    t.advance(1000);
    const r2 = await t.adapter.fetchOrders(t.ctx(), r1.cursor);
    expect(r2.lines.map((l) => l.orderId)).toEqual(ids.slice(3));
    expect(r2.more).toBe(false);
  });

  it("a rate error before any progress is thrown as a rate MallError", async () => {
    const t = setup();
    await t.control("/faults", { type: "429" });
    await t.adapter.testConnection(t.ctx()).then((r) => expect(r).toMatchObject({ ok: false, errorClass: "rate" }));
    await t.control("/faults", { type: "429", times: 2 });
    await expect(t.adapter.fetchOrders(t.ctx(), null)).rejects.toMatchObject({ errorClass: "rate" });
  });
});
