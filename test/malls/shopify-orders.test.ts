import { describe, expect, it } from "vitest";
import { shopifyAdapter as adapter, type ShopifyOrderCursor } from "../../src/malls/shopify";
import type { OrderLine } from "../../src/malls/types";
import { setupShopify } from "./shopify-helpers";

type Setup = ReturnType<typeof setupShopify>;

async function pollAll(s: Setup, cursor: unknown) {
  const lines: OrderLine[] = [];
  let calls = 0;
  for (;;) {
    const page = await adapter.fetchOrders(s.ctx, cursor);
    calls++;
    lines.push(...page.lines);
    cursor = page.cursor;
    if (!page.more) return { lines, cursor, calls };
  }
}

const key = (l: OrderLine) => `${l.orderId}/${l.lineId}/${l.kind}`;

describe("fetchOrders", () => {
  it("reads orders across several pages, with a partial and a full cancel as cumulative quantities", async () => {
    const s = setupShopify();
    s.sim.state.setListings([{ code: "A", quantity: 500 }, { code: "B", quantity: 500 }]);
    const made: { orderId: string; lineIds: string[] }[] = [];
    for (let i = 0; i < 45; i++) {
      made.push((await s.control("POST", "/__sim/orders", { lines: [{ code: "A", quantity: 2 }, { code: "B", quantity: 1 }] })).json);
      s.clock.advance(1000);
    }
    // Partial cancel (order edit removing 1 of 2 units), twice on the same line → cumulative 2.
    await s.control("POST", `/__sim/orders/${made[3].orderId}/cancel`, { lineId: made[3].lineIds[0], quantity: 1 });
    s.clock.advance(1000);
    await s.control("POST", `/__sim/orders/${made[3].orderId}/cancel`, { lineId: made[3].lineIds[0], quantity: 1 });
    // Full cancel of another order.
    await s.control("POST", `/__sim/orders/${made[7].orderId}/cancel`);
    s.clock.advance(1000);

    const { lines, calls } = await pollAll(s, null);
    expect(calls).toBe(3); // 20 + 20 + 5 orders
    const byKey = new Map(lines.map((l) => [key(l), l]));
    expect(lines.filter((l) => l.kind === "sale")).toHaveLength(90);
    expect(byKey.get(`${made[0].orderId}/${made[0].lineIds[0]}/sale`)).toMatchObject({ mallCode: "A", quantity: 2 });
    expect(byKey.get(`${made[3].orderId}/${made[3].lineIds[0]}/cancel`)).toMatchObject({ mallCode: "A", quantity: 2 });
    expect(byKey.has(`${made[3].orderId}/${made[3].lineIds[1]}/cancel`)).toBe(false);
    expect(byKey.get(`${made[7].orderId}/${made[7].lineIds[0]}/cancel`)).toMatchObject({ mallCode: "A", quantity: 2 });
    expect(byKey.get(`${made[7].orderId}/${made[7].lineIds[1]}/cancel`)).toMatchObject({ mallCode: "B", quantity: 1 });
    expect(lines.filter((l) => l.kind === "cancel")).toHaveLength(3);
    // The sim lowered and restored its own stock like Shopify would.
    const listed = (await s.control("GET", "/__sim/listings")).json.items;
    expect(listed).toEqual([{ code: "A", quantity: 500 - 90 + 4 }, { code: "B", quantity: 500 - 45 + 1 }]);
  });

  it("a second poll with the returned cursor does not lose an order placed in between", async () => {
    const s = setupShopify();
    s.sim.state.setListings([{ code: "A", quantity: 50 }]);
    const first = (await s.control("POST", "/__sim/orders", { lines: [{ code: "A", quantity: 1 }] })).json;
    s.clock.advance(5_000);
    const p1 = await pollAll(s, null);
    expect(p1.lines.map((l) => l.orderId)).toEqual([first.orderId]);
    s.clock.advance(60_000);
    const second = (await s.control("POST", "/__sim/orders", { lines: [{ code: "A", quantity: 3 }] })).json;
    s.clock.advance(60_000);
    // A cancel of the first order, placed before this poll, must be seen too.
    await s.control("POST", `/__sim/orders/${first.orderId}/cancel`);
    s.clock.advance(5_000);
    const p2 = await pollAll(s, p1.cursor);
    const keys = p2.lines.map(key);
    expect(keys).toContain(`${second.orderId}/${second.lineIds[0]}/sale`);
    expect(keys).toContain(`${first.orderId}/${first.lineIds[0]}/cancel`);
    const cur = p2.cursor as ShopifyOrderCursor;
    expect(cur.v).toBe(1);
    expect(Date.parse(cur.since)).toBeLessThan(s.clock.now() - 5 * 60_000); // overlap kept
  });

  it("the first poll looks back 15 minutes", async () => {
    const s = setupShopify();
    s.sim.state.setListings([{ code: "A", quantity: 50 }]);
    const old = (await s.control("POST", "/__sim/orders", { lines: [{ code: "A", quantity: 1 }] })).json;
    s.clock.advance(20 * 60_000);
    const recent = (await s.control("POST", "/__sim/orders", { lines: [{ code: "A", quantity: 1 }] })).json;
    s.clock.advance(60_000);
    const { lines } = await pollAll(s, null);
    expect(lines.map((l) => l.orderId)).toEqual([recent.orderId]);
    expect(lines.map((l) => l.orderId)).not.toContain(old.orderId);
  });

  it("an order with more lines than fit in the first page is read completely", async () => {
    const s = setupShopify();
    const codes = Array.from({ length: 35 }, (_, i) => `L${i}`);
    s.sim.state.setListings(codes.map((code) => ({ code, quantity: 5 })));
    await s.control("POST", "/__sim/orders", { lines: codes.map((code) => ({ code, quantity: 1 })) });
    s.clock.advance(1000);
    const { lines } = await pollAll(s, null);
    expect(lines.map((l) => l.mallCode).sort()).toEqual([...codes].sort());
    expect(s.sim.state.calls.filter((c) => c.operation === "query KuraOrderLines")).toHaveLength(1);
  });
});
