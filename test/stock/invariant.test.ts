import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drain, newAccount, product, sale } from "../helpers/api";

// A small deterministic PRNG so a failure can be replayed from its seed.
function prng(seed: number) {
  return () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x7fffffff;
  };
}

describe("ledger invariants", () => {
  it("after a randomized mixed workload on_hand = Σ movements, and the D1 projection equals the object once drained", async () => {
    const seed = 20261127;
    const rnd = prng(seed);
    const c = await newAccount();
    const codes = ["R1", "R2", "R3", "R4"];
    for (const code of codes) await product(c, code, { onHand: 50 });
    await product(c, "RSET", { components: [{ masterCode: "R1", quantity: 2 }, { masterCode: "R2", quantity: 1 }] });
    const all = [...codes, "RSET"];
    const expected = new Map(codes.map((k) => [k, 50]));
    const sold: { order: string; code: string; qty: number }[] = [];

    const ops: Promise<unknown>[] = [];
    for (let i = 0; i < 120; i++) {
      const r = rnd();
      const code = all[Math.floor(rnd() * all.length)];
      const qty = 1 + Math.floor(rnd() * 3);
      if (r < 0.55) {
        const order = `W-${i}`;
        sold.push({ order, code, qty });
        ops.push(sale(c, "mall", order, [{ lineId: "1", code, quantity: qty }]));
        if (code === "RSET") (expected.set("R1", expected.get("R1")! - 2 * qty), expected.set("R2", expected.get("R2")! - qty));
        else expected.set(code, expected.get(code)! - qty);
      } else if (r < 0.7 && sold.length) {
        // Re-send an earlier sale: must change nothing.
        const s = sold[Math.floor(rnd() * sold.length)];
        ops.push(sale(c, "mall", s.order, [{ lineId: "1", code: s.code, quantity: s.qty }]));
      } else if (code !== "RSET") {
        ops.push(c.post(`/products/${code}/stock`, { mode: "adjust", quantity: qty, idempotencyKey: `adj-${i}` }));
        ops.push(c.post(`/products/${code}/stock`, { mode: "adjust", quantity: qty, idempotencyKey: `adj-${i}` })); // a retry
        expected.set(code, expected.get(code)! + qty);
      }
    }
    await Promise.all(ops);
    // Cancel every third sale in full, twice (the second is a duplicate).
    for (const s of sold.filter((_, i) => i % 3 === 0)) {
      for (let twice = 0; twice < 2; twice++) await sale(c, "mall", s.order, [{ lineId: "1", code: s.code, quantity: s.qty }], "cancel");
      if (s.code === "RSET") (expected.set("R1", expected.get("R1")! + 2 * s.qty), expected.set("R2", expected.get("R2")! + s.qty));
      else expected.set(s.code, expected.get(s.code)! + s.qty);
    }

    const groupId = (await c.get("/products/R1")).json.group.id;
    const ref = { accountId: c.accountId, groupId };
    const stub = env.STOCK.getByName(`${c.accountId}:${groupId}`);
    expect(await stub.checkInvariant(ref), `seed ${seed}`).toEqual([]);
    const live = await stub.getStock(ref);
    for (const code of codes) expect(live.find((r) => r.masterCode === code)?.onHand, `${code} seed ${seed}`).toBe(expected.get(code));

    await drain(c.accountId, groupId);
    const projected = await env.DB.prepare("SELECT p.master_code AS code, s.on_hand AS onHand FROM stock s JOIN products p ON p.id = s.product_id WHERE s.account_id = ? AND p.is_set = 0 ORDER BY 1")
      .bind(c.accountId)
      .all<{ code: string; onHand: number }>();
    expect(projected.results).toEqual(codes.map((code) => ({ code, onHand: live.find((r) => r.masterCode === code)!.onHand })));
  });
});
