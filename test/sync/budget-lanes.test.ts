import { Hono } from "hono";
import { describe, expect, it } from "vitest";
import { SHOP_BUDGET } from "../../sim/index";
import { TrafficRecorder } from "../../sim/traffic";
import { budgetPlan, laneOf } from "../../src/sync/shop-sync-object";

// Rakuten and Yahoo budget their order APIs apart from the stock API (MALLS.md §9): order intake
// must not eat the seconds a push or a resync needs, and the simulators must count it that way.

describe("budget lanes", () => {
  it("Kura paces Rakuten's and Yahoo's order calls in their own lane, and everything else of a shop in one", () => {
    expect(laneOf("rakuten", "https://api.rms.rakuten.co.jp/es/2.0/order/searchOrder/")).toBe("orders");
    expect(laneOf("rakuten", "https://api.rms.rakuten.co.jp/es/2.0/inventories/bulk-upsert")).toBe("main");
    expect(laneOf("yahoo", "https://circus.shopping.yahooapis.jp/ShoppingWebService/V1/orderList")).toBe("orders");
    expect(laneOf("yahoo", "https://circus.shopping.yahooapis.jp/ShoppingWebService/V1/setStock")).toBe("main");
    expect(laneOf("base", "https://api.thebase.in/1/orders")).toBe("main");
    // 95 % of the documented rate, one token less of burst.
    expect(budgetPlan("rakuten", "main")).toEqual({ rate: 0.95, burst: 1 });
    expect(budgetPlan("rakuten", "orders")).toEqual({ rate: 0.95, burst: 1 });
    expect(budgetPlan("amazon", "main")).toEqual({ rate: 4.75, burst: 4 });
  });

  it("the simulated Rakuten counts an order call beside a stock call as within budget, two stock calls in one second as over", async () => {
    let t = 1_000_000;
    const rec = new TrafficRecorder(SHOP_BUDGET.rakuten, () => t, SHOP_BUDGET.rakuten.orders);
    const app = new Hono();
    app.use("*", rec.middleware());
    app.all("*", (c) => c.text("ok"));
    await app.request("/rakuten/es/2.0/inventories/bulk-upsert", { method: "POST" });
    t += 100;
    await app.request("/rakuten/es/2.0/order/searchOrder/", { method: "POST" });
    expect(rec.get()).toMatchObject({ requests: 2, overBudget: 0 });
    t += 400;
    await app.request("/rakuten/es/2.0/inventories/bulk-upsert", { method: "POST" });
    expect(rec.get()).toMatchObject({ requests: 3, overBudget: 1 });
  });

  it("a simulated mall reports how long it took over its answers (bench:resync prints it: a slow mall bounds a serial sender)", async () => {
    let t = 1_000_000;
    const rec = new TrafficRecorder(SHOP_BUDGET.shopify, () => t);
    const app = new Hono();
    app.use("*", rec.middleware());
    app.all("*", (c) => {
      t += Number(c.req.query("takes"));
      return c.text("ok");
    });
    await app.request("/shopify/admin/api/2026-07/graphql.json?takes=300", { method: "POST" });
    t += 1000;
    await app.request("/shopify/admin/api/2026-07/graphql.json?takes=800", { method: "POST" });
    await app.request("/shopify/__sim/listings?takes=5000");
    expect(rec.get()).toMatchObject({ requests: 2, answerMsTotal: 1100, answerMsMax: 800 });
  });
});
