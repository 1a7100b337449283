import { describe, expect, it } from "vitest";
import type { TrafficReport } from "../../sim/traffic";
import { drain, newAccount, product, sale, until } from "../helpers/api";
import { forgetAfterTest, useMallSim } from "../helpers/mall-sim";

// A カラーミーショップ shop inside Kura: 接続テスト, the sync engine's own pushes (ShopSync, paced
// at the shop's 2 requests a second), order polls with cancels, and what the merchant sees when a
// code is unknown or the token was revoked.

const sim = useMallSim();

describe("a カラーミーショップ shop in the sync engine", () => {
  it("接続テスト is OK with the shop's token; a revoked token is NG and stops the shop (停止中) until re-connected", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "colorme");
    expect((await c.post(`/shops/${shop.id}/test`)).json).toEqual(expect.objectContaining({ ok: true }));
    expect((await c.get(`/shops/${shop.id}`)).json).toMatchObject({ kind: "colorme", status: "ok", lastTest: { ok: true } });

    await sim.control("colorme", "POST", "/revoke");
    const ng = (await c.post(`/shops/${shop.id}/test`)).json;
    expect(ng).toMatchObject({ ok: false, errorClass: "auth" });
    expect(ng.reason).toMatch(/アクセストークンが無効/);
    expect((await c.get(`/shops/${shop.id}`)).json.status).toBe("stopped");

    // Re-connected (a new token pasted or from 連携する): the test resumes it.
    sim.sims.colorme.state.tokens.set("re-authorised", { scopes: ["read_products", "write_products", "read_sales"] });
    expect((await c.patch(`/shops/${shop.id}`, { credentials: { accessToken: "re-authorised" } })).status).toBe(200);
    expect((await c.post(`/shops/${shop.id}/test`)).json).toMatchObject({ ok: true });
    expect((await c.get(`/shops/${shop.id}`)).json.status).toBe("ok");
  });

  it("a sale at another shop reaches the カラーミー options by itself, one PUT per product, inside the budget", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "colorme");
    const codes = { "TS-WHT-S": "6001:白:S", "TS-WHT-M": "6001:白:M", "TS-BLK-S": "6001:黒:S", "MUG-1": "6002" } as Record<string, string>;
    await sim.control("colorme", "POST", "/listings", { items: Object.values(codes).map((code) => ({ code, quantity: 0 })) });
    let groupId = 0;
    for (const [master, code] of Object.entries(codes)) {
      groupId = (await product(c, master, { onHand: 20 })).group.id;
      expect((await c.put(`/products/${master}/shops/${shop.id}`, { managed: true, mallCode: code })).json.effectiveMallCode).toBe(code);
    }
    await drain(c.accountId, groupId);
    for (const code of Object.values(codes)) await until(`${code} on カラーミー`, () => sim.shows("colorme", code), (q) => q === 20, 30_000);
    await sim.control("colorme", "POST", "/reset"); // resets the traffic record too (stock kept below)
    await sim.control("colorme", "POST", "/listings", { items: Object.values(codes).map((code) => ({ code, quantity: 20 })) });

    // The shop's POS sells two shirts: both options of product 6001 go in one PUT.
    await sale(c, "pos-shibuya", "POS-1", [{ lineId: "1", code: "TS-WHT-S", quantity: 3 }, { lineId: "2", code: "TS-BLK-S", quantity: 1 }]);
    await until("6001:白:S", () => sim.shows("colorme", "6001:白:S"), (q) => q === 17);
    await until("6001:黒:S", () => sim.shows("colorme", "6001:黒:S"), (q) => q === 19);
    const puts = sim.sims.colorme.state.calls.filter((x) => x.method === "PUT");
    expect(puts.map((x) => `${x.path.replace("/colorme", "")} ${x.status}`)).toEqual(["/v1/products/6001.json 200"]);
    expect(await sim.shows("colorme", "6001:白:M")).toBe(20);
    const traffic = (await sim.control("colorme", "GET", "/traffic")) as TrafficReport;
    expect(traffic.maxInFlight).toBe(1);
    expect(traffic.overBudget).toBe(0);
  }, 60_000);

  it("thirty changed products go out one PUT each, never faster than 120 requests a minute", async () => {
    const c = await newAccount();
    const ids = Array.from({ length: 30 }, (_, i) => String(6301 + i));
    await sim.control("colorme", "POST", "/reset");
    await sim.control("colorme", "POST", "/listings", { items: ids.map((code) => ({ code, quantity: 0 })) });
    let groupId = 0;
    for (const id of ids) groupId = (await product(c, id, { onHand: 10 })).group.id; // product ids as master codes
    await drain(c.accountId, groupId);
    const shop = (await c.post("/shops", { kind: "colorme", name: "カラーミー", credentials: sim.credentials("colorme"), baseUrl: sim.baseUrl("colorme") })).json;
    forgetAfterTest(c, shop.id);
    for (const id of ids) await until(`${id} on カラーミー`, () => sim.shows("colorme", id), (q) => q === 10, 60_000);
    const traffic = (await sim.control("colorme", "GET", "/traffic")) as TrafficReport;
    const puts = sim.sims.colorme.state.calls.filter((x) => x.method === "PUT");
    expect(puts).toHaveLength(30);
    expect(traffic.overBudget).toBe(0);
    expect(traffic.maxInFlight).toBe(1);
    // 30 PUTs (plus the polls) at 2 a second after a burst of 2: at least ~14 s.
    expect(traffic.lastAt! - traffic.firstAt!).toBeGreaterThanOrEqual(((traffic.requests - 2) / 2) * 1000 - 250);
  }, 90_000);

  it("a カラーミー sale polled twice counts once, and its cancel found on a later poll restores the stock once", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "colorme", { updateEnabled: false });
    await sim.control("colorme", "POST", "/listings", { items: [{ code: "6101", quantity: 30 }] });
    const p = await product(c, "6101", { onHand: 30 }); // the default rule: the product id as master code
    await drain(c.accountId, p.group.id);
    const order = await sim.control("colorme", "POST", "/orders", { lines: [{ code: "6101", quantity: 4 }] });
    expect(await sim.shows("colorme", "6101")).toBe(26); // the shop lowered its own figure at once

    expect((await c.post(`/shops/${shop.id}/pull`)).json.counts.applied).toBe(1);
    expect((await c.post(`/shops/${shop.id}/pull`)).json.counts.applied).toBe(0);
    expect((await c.get("/products/6101")).json.onHand).toBe(26);

    await sim.control("colorme", "POST", `/orders/${order.orderId}/cancel`);
    expect((await c.post(`/shops/${shop.id}/pull`)).json.counts.applied).toBe(1);
    expect((await c.post(`/shops/${shop.id}/pull`)).json.counts.applied).toBe(0);
    expect((await c.get("/products/6101")).json.onHand).toBe(30);
  });

  it("a listing whose code カラーミー does not know is reported as 未登録コード; a 429 is waited out as the shop asks", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "colorme");
    await sim.control("colorme", "POST", "/listings", { items: [{ code: "6201:赤", quantity: 0 }, { code: "6202", quantity: 0 }] });
    await sim.control("colorme", "POST", "/faults", { type: "429", retryAfter: 1 });
    let groupId = 0;
    for (const [master, code] of [["A-1", "6201:青"], ["B-1", "6299"], ["C-1", "6202"]]) {
      groupId = (await product(c, master, { onHand: 7 })).group.id;
      await c.put(`/products/${master}/shops/${shop.id}`, { managed: true, mallCode: code }); // 6201:青 and 6299 do not exist
    }
    await drain(c.accountId, groupId);
    await until("6202 on カラーミー", () => sim.shows("colorme", "6202"), (q) => q === 7, 30_000);
    const failing = await until("the unknown codes flagged", async () => (await c.get("/products?status=error")).json.items.map((i: { masterCode: string }) => i.masterCode).sort(), (m: string[]) => m.length === 2, 30_000);
    expect(failing).toEqual(["A-1", "B-1"]);
    expect((await c.get(`/shops/${shop.id}`)).json.lastError).toMatch(/未登録コード/);
    // The throttled request was sent again after the second the shop asked for, not counted as a failure.
    expect(sim.sims.colorme.state.calls.filter((x) => x.status === 429)).toHaveLength(1);
    // Neither an unknown code nor a throttle stops the shop: only credentials do.
    expect((await c.get(`/shops/${shop.id}`)).json.status).not.toBe("stopped");
  }, 60_000);
});
