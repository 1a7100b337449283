import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newAccount } from "../helpers/api";

// モール更新ログ rows are written by the push engine; here they are laid down directly so the
// filters can be checked row by row.
async function mallUpdate(accountId: number, row: { at: number; shopId: number; masterCode: string; result: string; errorClass?: string }) {
  await env.DB.prepare(
    "INSERT INTO mall_update_log (account_id, at, shop_id, master_code, mall_code, figure, result, error_class, attempt) VALUES (?, ?, ?, ?, ?, 3, ?, ?, 1)",
  )
    .bind(accountId, row.at, row.shopId, row.masterCode, row.masterCode.toLowerCase(), row.result, row.errorClass ?? null)
    .run();
}

describe("GET /logs/mall-updates", () => {
  it("lists the account's pushes newest first, filtered by time, code, shop and result, page by page", async () => {
    const c = await newAccount();
    const other = await newAccount();
    const t0 = Date.parse("2026-05-01T00:00:00Z");
    await mallUpdate(c.accountId, { at: t0, shopId: 1, masterCode: "TEA-1", result: "ok" });
    await mallUpdate(c.accountId, { at: t0 + 1000, shopId: 2, masterCode: "TEA-1", result: "SKU not found", errorClass: "item" });
    await mallUpdate(c.accountId, { at: t0 + 2000, shopId: 1, masterCode: "TEA-2", result: "429", errorClass: "rate" });
    await mallUpdate(c.accountId, { at: t0 + 3000, shopId: 2, masterCode: "TEA-2", result: "ok" });
    await mallUpdate(other.accountId, { at: t0, shopId: 9, masterCode: "TEA-1", result: "ok" });

    const all = await c.get("/logs/mall-updates");
    expect(all.status).toBe(200);
    expect(all.json.items.map((i: any) => [i.shopId, i.masterCode, i.ok])).toEqual([
      [2, "TEA-2", true],
      [1, "TEA-2", false],
      [2, "TEA-1", false],
      [1, "TEA-1", true],
    ]);
    expect(all.json.items[1]).toMatchObject({ result: "429", errorClass: "rate", figure: 3, at: new Date(t0 + 2000).toISOString() });

    const codes = (q: string) => c.get(`/logs/mall-updates?${q}`).then((r) => r.json.items.map((i: any) => `${i.shopId}:${i.masterCode}`));
    expect(await codes("result=error")).toEqual(["1:TEA-2", "2:TEA-1"]);
    expect(await codes("result=ok&shopId=1")).toEqual(["1:TEA-1"]);
    expect(await codes("masterCode=TEA-1")).toEqual(["2:TEA-1", "1:TEA-1"]);
    expect(await codes(`from=${t0 + 1000}&to=${encodeURIComponent(new Date(t0 + 2000).toISOString())}`)).toEqual(["1:TEA-2", "2:TEA-1"]);

    const first = await c.get("/logs/mall-updates?limit=3");
    expect(first.json.items).toHaveLength(3);
    const second = await c.get(`/logs/mall-updates?limit=3&cursor=${first.json.nextCursor}`);
    expect(second.json.items.map((i: any) => `${i.shopId}:${i.masterCode}`)).toEqual(["1:TEA-1"]);
    expect(second.json.nextCursor).toBeNull();

    expect((await c.get("/logs/mall-updates?result=failed")).status).toBe(400);
    expect((await c.get("/logs/mall-updates?shopId=abc")).status).toBe(400);
  });
});
