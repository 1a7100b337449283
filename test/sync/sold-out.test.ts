import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { runTask } from "../../src/sync/tasks";
import { drain, newAccount, product, sale } from "../helpers/api";

describe("sold-out figures are pushed at once (SPEC §3.3)", () => {
  it("the drain reports products that reached 0 (not sets, whose own row is always 0)", async () => {
    const c = await newAccount();
    const a = await product(c, "LAST-ONE", { onHand: 1 });
    await product(c, "PLENTY", { onHand: 50 });
    await drain(c.accountId, a.group.id);

    const send = vi.spyOn(env.PUSH_QUEUE, "send");
    // A new set is projected with its own row at 0: that is not a sell-out.
    await product(c, "A-SET", { components: [{ masterCode: "PLENTY", quantity: 2 }] });
    await sale(c, "pos", "O-1", [{ lineId: "1", code: "LAST-ONE", quantity: 1 }]);
    await sale(c, "pos", "O-2", [{ lineId: "1", code: "A-SET", quantity: 1 }]);
    await runDurableObjectAlarm(env.STOCK.getByName(`${c.accountId}:${a.group.id}`));
    const bodies = send.mock.calls.map((call) => call[0] as any).filter((b) => b.accountId === c.accountId);
    send.mockRestore();
    expect(bodies).toHaveLength(1);
    const ids = await env.DB.prepare("SELECT id, master_code FROM products WHERE account_id = ?").bind(c.accountId).all<{ id: number; master_code: string }>();
    const idOf = (code: string) => ids.results.find((r) => r.master_code === code)!.id;
    expect(bodies[0].soldOut).toEqual([idOf("LAST-ONE")]);
    expect(bodies[0].productIds).toEqual(expect.arrayContaining([idOf("LAST-ONE"), idOf("PLENTY")]));
  });

  it("a sale that empties a product brings the outbox drain forward; other changes are batched", async () => {
    const c = await newAccount();
    const a = await product(c, "TWO-LEFT", { onHand: 2 });
    await drain(c.accountId, a.group.id);
    const stub = env.STOCK.getByName(`${c.accountId}:${a.group.id}`);
    const alarmIn = () => runInDurableObject(stub, async (_, state) => ((await state.storage.getAlarm()) ?? Infinity) - Date.now());

    await sale(c, "pos", "N-1", [{ lineId: "1", code: "TWO-LEFT", quantity: 1 }]);
    expect(await alarmIn()).toBeGreaterThan(500);
    await sale(c, "pos", "N-2", [{ lineId: "1", code: "TWO-LEFT", quantity: 1 }]);
    expect(await alarmIn()).toBeLessThan(200);
  });

  it("a stock-changed task with a sold-out product enqueues a push to every shop that takes updates", async () => {
    const c = await newAccount();
    const creds = { serviceSecret: "SP-x", licenseKey: "SL-x" };
    const on = (await c.post("/shops", { kind: "rakuten", name: "更新する店", credentials: creds })).json;
    await c.post("/shops", { kind: "rakuten", name: "更新しない店", credentials: creds, updateEnabled: false });
    const send = vi.spyOn(env.PUSH_QUEUE, "sendBatch");
    await runTask(env, { kind: "stock-changed", accountId: c.accountId, groupId: 1, productIds: [1, 2], soldOut: [] });
    expect(send).not.toHaveBeenCalled();
    await runTask(env, { kind: "stock-changed", accountId: c.accountId, groupId: 1, productIds: [1, 2], soldOut: [1] });
    expect([...send.mock.calls[0][0]].map((m) => m.body)).toEqual([{ kind: "push", accountId: c.accountId, shopId: on.id, urgent: true }]);
    send.mockRestore();
  });
});
