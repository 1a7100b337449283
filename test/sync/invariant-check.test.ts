import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { runTask } from "../../src/sync/tasks";
import { drain, newAccount, product, type Client } from "../helpers/api";

const productId = async (c: Client, code: string) =>
  (await env.DB.prepare("SELECT id FROM products WHERE account_id = ? AND master_code = ?").bind(c.accountId, code).first<{ id: number }>())!.id;

const check = (c: Client, groupId: number) => runTask(env, { kind: "housekeeping", job: "invariant-check", accountId: c.accountId, groupId });

async function catalogue(c: Client) {
  const a = await product(c, "INV-A", { onHand: 10 });
  await product(c, "INV-B", { onHand: 4 });
  await product(c, "INV-SET", { components: [{ masterCode: "INV-A", quantity: 2 }] });
  const other = (await c.post("/groups", { name: "倉庫B" })).json;
  await product(c, "INV-C", { onHand: 7, group: other.id });
  await drain(c.accountId, a.group.id);
  await drain(c.accountId, other.id);
  return { groupId: a.group.id as number, otherId: other.id as number };
}

describe("invariant check", () => {
  it("a D1 projection row that differs from the StockGroup is reported for its group, and a clean check clears it", async () => {
    const c = await newAccount();
    const { groupId, otherId } = await catalogue(c);
    await check(c, groupId);
    await check(c, otherId);
    expect((await c.get("/sync/invariants")).json.items).toEqual([]);

    const a = await productId(c, "INV-A");
    await env.DB.prepare("UPDATE stock SET on_hand = 99 WHERE product_id = ?").bind(a).run();
    await check(c, groupId);
    await check(c, otherId);

    const { items } = (await c.get("/sync/invariants")).json;
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ groupId, ok: false, projectionChecked: true });
    expect(items[0].problems).toEqual([{ type: "projection", productId: a, masterCode: "INV-A", reason: "differs", object: 10, projection: 99 }]);
    const all = (await c.get("/sync/invariants?all=true")).json.items;
    expect(all.map((r: any) => [r.groupId, r.ok])).toEqual([
      [groupId, false],
      [otherId, true],
    ]);
    expect(all[1].group).toBe("倉庫B");

    // A stock change rewrites the projection row; the next check finds nothing.
    expect((await c.post("/products/INV-A/stock", { mode: "adjust", quantity: 1 })).status).toBe(200);
    await drain(c.accountId, groupId);
    await check(c, groupId);
    expect((await c.get("/sync/invariants")).json.items).toEqual([]);
  });

  it("a product whose on_hand no longer equals the sum of its movements is reported", async () => {
    const c = await newAccount();
    const { groupId } = await catalogue(c);
    const b = await productId(c, "INV-B");
    const stub = env.STOCK.getByName(`${c.accountId}:${groupId}`);
    await runInDurableObject(stub, (_instance, state) => {
      state.storage.sql.exec("UPDATE products SET on_hand = on_hand + 3 WHERE product_id = ?", b);
    });
    await check(c, groupId);
    const [report] = (await c.get("/sync/invariants")).json.items;
    expect(report.problems).toContainEqual({ type: "ledger", productId: b, masterCode: "INV-B", onHand: 7, movementsSum: 4 });
    // The projection still holds 4 at the same version: that difference is shown as well.
    expect(report.problems).toContainEqual({ type: "projection", productId: b, masterCode: "INV-B", reason: "differs", object: 7, projection: 4 });
  });

  it("another account sees none of it", async () => {
    const c = await newAccount();
    const { groupId } = await catalogue(c);
    await env.DB.prepare("DELETE FROM stock WHERE product_id = ?").bind(await productId(c, "INV-B")).run();
    await check(c, groupId);
    expect((await c.get("/sync/invariants")).json.items[0].problems).toEqual([
      expect.objectContaining({ type: "projection", masterCode: "INV-B", reason: "missing", object: 4, projection: null }),
    ]);
    const other = await newAccount();
    expect((await other.get("/sync/invariants?all=true")).json.items).toEqual([]);
  });

  it("the daily sweep enqueues one check per group that has products", async () => {
    const c = await newAccount();
    const { groupId, otherId } = await catalogue(c);
    const empty = (await c.post("/groups", { name: "空" })).json;
    const sends = vi.spyOn(env.PUSH_QUEUE, "sendBatch").mockResolvedValue(undefined as never);
    await runTask(env, { kind: "housekeeping", job: "invariant-check" });
    const bodies = sends.mock.calls.flatMap((call) => [...call[0]].map((m) => m.body as any)).filter((b) => b.accountId === c.accountId);
    sends.mockRestore();
    expect(bodies.map((b) => b.groupId).sort()).toEqual([groupId, otherId].sort());
    expect(bodies.every((b) => b.kind === "housekeeping" && b.job === "invariant-check")).toBe(true);
    expect(bodies.some((b) => b.groupId === empty.id)).toBe(false);
  });
});
