import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { drainOnce } from "../../src/stock/drain";
import type { StockGroup } from "../../src/stock/stock-group";
import { drain, newAccount, product, sale } from "../helpers/api";

// The drain commits its D1 batch, then enqueues, then deletes the outbox rows. A crash or a
// failed enqueue in between sends the same rows again on the next drain.

describe("outbox drain", () => {
  it("a drain that fails after its D1 batch, then succeeds, leaves each 販売ログ and 操作ログ row once", async () => {
    const c = await newAccount();
    await product(c, "DR-1", { onHand: 20 });
    const groupId = (await c.get("/products/DR-1")).json.group.id as number;
    await drain(c.accountId, groupId);
    await sale(c, "pos", "D-1", [{ lineId: "1", code: "DR-1", quantity: 2 }]);
    await sale(c, "pos", "D-2", [{ lineId: "1", code: "DR-1", quantity: 1 }]);
    await c.post("/products/DR-1/stock", { mode: "adjust", quantity: 5, reason: "入荷" });

    const stub = env.STOCK.getByName(`${c.accountId}:${groupId}`);
    await runInDurableObject(stub, async (_obj: StockGroup, state) => {
      const src = { sql: state.storage.sql, db: env.DB, group: { accountId: c.accountId, groupId }, objectId: state.id.toString(), now: Date.now() };
      // The queue refuses the message after D1 took the batch: the drain throws, rows stay.
      const failing = { send: async () => { throw new Error("queue unavailable"); } } as unknown as Queue;
      await expect(drainOnce({ ...src, queue: failing })).rejects.toThrow("queue unavailable");
      while (await drainOnce({ ...src, queue: env.PUSH_QUEUE }));
    });
    await drain(c.accountId, groupId);

    const sales = (await c.get("/logs/sales?masterCode=DR-1")).json.items as { orderId: string }[];
    expect(sales.map((s) => s.orderId).sort()).toEqual(["D-1", "D-2"]);
    const ops = (await c.get("/logs/operations")).json.items as { action: string; target: string }[];
    expect(ops.filter((o) => o.action === "stock.adjust" && o.target === "DR-1")).toHaveLength(1);
    expect((await c.get("/products/DR-1")).json.onHand).toBe(22);
  });
});
