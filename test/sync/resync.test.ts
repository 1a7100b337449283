import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Client, drain, newAccount, product, sale, until } from "../helpers/api";
import { holdFirstRequest, useMallSim } from "../helpers/mall-sim";

// 一括反映: every managed listing is sent again, whatever Kura believes the mall shows, as a job
// the merchant can follow (done/total, errors, ETA) and stop; sales keep going out meanwhile.

const sim = useMallSim();

interface JobOut {
  id: number;
  status: string;
  total: number;
  done: number;
  sent: number;
  errors: number;
  etaSeconds: number | null;
  shops: { shopId: number; status: string; total: number; done: number; sent: number; errors: number; lastError: string | null; etaSeconds: number | null }[];
}

const job = async (c: Client, id: number) => {
  const res = await c.get(`/jobs/${id}`);
  expect(res.status, JSON.stringify(res.json)).toBe(200);
  return res.json as JobOut;
};

async function catalogue(c: Client, prefix: string, n: number) {
  const codes: string[] = [];
  for (let i = 1; i <= n; i++) {
    const code = `${prefix}-${String(i).padStart(3, "0")}`;
    await product(c, code, { onHand: 10 + i });
    codes.push(code);
  }
  return codes;
}

/**
 * A BASE shop in step with `n` new products `prefix`-001… (on hand 11, 12, …), listed under item
 * ids from `firstId` (BASE knows items by its own ids: each listing carries a 別品番紐づけ) that
 * already show those figures.
 */
async function baseInStep(c: Client, prefix: string, n: number, firstId: number) {
  const shop = await sim.shopOn(c, "base");
  await c.patch(`/shops/${shop.id}`, { updateEnabled: false });
  const codes = await catalogue(c, prefix, n);
  const mallIds = codes.map((_, i) => String(firstId + i));
  for (const [i, code] of codes.entries()) await c.put(`/products/${code}/shops/${shop.id}`, { managed: true, mallCode: mallIds[i] });
  await sim.control("base", "POST", "/listings", { items: mallIds.map((code, i) => ({ code, quantity: 11 + i })) });
  await c.patch(`/shops/${shop.id}`, { updateEnabled: true });
  await until("BASE in step", async () => (await c.get(`/shops/${shop.id}`)).json, (s) => s.unreflected === 0 && s.lastPushAt !== null, 60_000);
  return { shop, codes, mallIds };
}

/** BASE's edit_stock call for this item id. */
const editOf = (itemId: string) => (url: string, body: string) => url.endsWith("/1/items/edit_stock") && body.includes(`item_id=${itemId}`);

/**
 * A whole 一括反映 of the shop, with its call for `itemId` held at BASE's door until `code` has sold
 * `quantity` and the shop has marked it dirty.
 */
async function resyncWithSaleDuringCall(c: Client, shopId: number, itemId: string, code: string, quantity: number) {
  const hold = holdFirstRequest(editOf(itemId), async () => {
    await sale(c, "pos", `P-${code}`, [{ lineId: "1", code, quantity }]);
    await until("the sale marked", async () => (await c.get(`/shops/${shopId}`)).json, (s) => s.unreflected >= 1, 20_000);
  });
  try {
    const started = await c.post(`/shops/${shopId}/resync`);
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    await until("the resync job", () => job(c, started.json.id), (j) => j.status === "done", 30_000);
  } finally {
    hold.restore();
  }
  expect(hold.held()).toBe(true);
}

describe("一括反映 (resync)", () => {
  it("re-sends every listing of a shop the mall's admin changed behind Kura's back, with progress to poll", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "yahoo");
    const codes = Array.from({ length: 60 }, (_, i) => `RS-${String(i + 1).padStart(3, "0")}`);
    await sim.control("yahoo", "POST", "/listings", { items: codes.map((code) => ({ code, quantity: 0 })) });
    await catalogue(c, "RS", 60);
    // The engine sends the new products by itself.
    for (const [i, code] of codes.entries()) await until(`Yahoo ${code}`, () => sim.shows("yahoo", code), (q) => q === 11 + i, 20_000);

    // Someone edits 60 figures in Yahoo's own admin screen: Kura believes the mall is in step.
    await sim.control("yahoo", "POST", "/listings", { items: codes.map((code) => ({ code, quantity: 999 })) });
    const started = await c.post(`/shops/${shop.id}/resync`);
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    expect(started.json).toMatchObject({ status: "running", total: 60, shops: [{ shopId: shop.id, status: "running", total: 60 }] });

    const done = await until("the resync job", () => job(c, started.json.id), (j) => j.status === "done", 20_000);
    expect(done).toMatchObject({ total: 60, done: 60, sent: 60, errors: 0, etaSeconds: 0 });
    for (const [i, code] of codes.entries()) expect(await sim.shows("yahoo", code)).toBe(11 + i);
    const ops = await c.get("/logs/operations?limit=10");
    expect(ops.status).toBe(200);
    expect(JSON.stringify(ops.json)).toContain("shop.resync");
  });

  it("every shop at once: a refused item is counted as an error on its shop, with the mall's reason", async () => {
    const c = await newAccount();
    const yahoo = await sim.shopOn(c, "yahoo");
    const shopify = await sim.shopOn(c, "shopify");
    const codes = await catalogue(c, "ALL", 5);
    await sim.control("yahoo", "POST", "/listings", { items: codes.map((code) => ({ code, quantity: 0 })) });
    await sim.control("shopify", "POST", "/listings", { items: codes.map((code) => ({ code, quantity: 0 })) });
    // A product the Yahoo shop does not list: Yahoo accepts the figure and drops it (未登録コード).
    await product(c, "ALL-GHOST", { onHand: 3 });
    await sim.control("shopify", "POST", "/listings", { items: [{ code: "ALL-GHOST", quantity: 0 }] });

    const started = await c.post("/resync");
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    expect(started.json.shops.map((s: { shopId: number }) => s.shopId).sort()).toEqual([yahoo.id, shopify.id].sort());
    const done = await until("the resync job", () => job(c, started.json.id), (j) => j.status === "done", 20_000);
    const part = (id: number) => done.shops.find((s) => s.shopId === id)!;
    expect(part(shopify.id)).toMatchObject({ status: "done", total: 6, done: 6, sent: 6, errors: 0 });
    expect(part(yahoo.id)).toMatchObject({ status: "done", total: 6, done: 6, sent: 5, errors: 1 });
    expect(part(yahoo.id).lastError).toContain("ALL-GHOST");
    expect(done).toMatchObject({ total: 12, done: 12, sent: 11, errors: 1 });
    expect(await sim.shows("shopify", "ALL-GHOST")).toBe(3);
    // The refused listing stays 未反映 until it is fixed.
    const unreflected = await c.get("/unreflected");
    expect(JSON.stringify(unreflected.json.items.map((i: { masterCode: string }) => i.masterCode))).toContain("ALL-GHOST");
  });

  it("a sale during a long resync goes out first, and a cancelled resync stops sending", async () => {
    const c = await newAccount();
    const shop = await sim.shopOn(c, "base");
    // BASE takes one item per request, about one a second: a 35-product resync takes ~40 s, in pages of 10.
    // Its products were sent once (the shop was connected with the catalogue in place) and are in step.
    await c.patch(`/shops/${shop.id}`, { updateEnabled: false });
    const codes = await catalogue(c, "BR", 35);
    const mallIds = codes.map((_, i) => String(7001 + i));
    for (const [i, code] of codes.entries()) await c.put(`/products/${code}/shops/${shop.id}`, { managed: true, mallCode: mallIds[i] });
    await sim.control("base", "POST", "/listings", { items: mallIds.map((code, i) => ({ code, quantity: 11 + i })) });
    await c.patch(`/shops/${shop.id}`, { updateEnabled: true });
    await until("BASE in step", async () => (await c.get(`/shops/${shop.id}`)).json, (s) => s.unreflected === 0 && s.lastPushAt !== null, 60_000);
    await sim.control("base", "POST", "/listings", { items: mallIds.map((code) => ({ code, quantity: 0 })) });

    const started = await c.post(`/shops/${shop.id}/resync`);
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    const id = started.json.id as number;
    await until("the first page", () => job(c, id), (j) => j.done > 0, 20_000);

    // The last product in the resync's order is sold at the shop counter: it does not wait for its turn.
    await sale(c, "pos", "P-RS-1", [{ lineId: "1", code: "BR-035", quantity: 5 }]);
    await until("BASE shows the sale", () => sim.shows("base", "7035"), (q) => q === 40, 20_000);
    const during = await job(c, id);
    expect(during.status).toBe("running");
    expect(during.done).toBeLessThan(35);
    expect(during.shops[0].etaSeconds).toBeGreaterThan(0);

    const cancelled = await c.post(`/jobs/${id}/cancel`);
    expect(cancelled.status).toBe(200);
    expect(cancelled.json).toMatchObject({ status: "cancelled", shops: [{ status: "cancelled" }] });
    // At most the page in flight still goes out (the sale went between two pages); then the shop is quiet.
    await new Promise((r) => setTimeout(r, 13_000));
    const settled = ((await sim.control("base", "GET", "/traffic")) as { requests: number }).requests;
    await new Promise((r) => setTimeout(r, 4_000));
    expect(((await sim.control("base", "GET", "/traffic")) as { requests: number }).requests).toBe(settled);
    const untouched = (await sim.control("base", "GET", "/listings")).items.filter((i: { quantity: number }) => i.quantity === 0);
    expect(untouched.length).toBeGreaterThan(0);
  }, 150_000);

  it("a last unit sold during a resync goes between two of its calls, not after the run", async () => {
    const c = await newAccount();
    // BASE: one item per call, about one a second, so one run of the resync is ten calls.
    const { shop, mallIds } = await baseInStep(c, "BS", 30, 7101);
    await sim.control("base", "POST", "/listings", { items: mallIds.map((code) => ({ code, quantity: 0 })) });
    const resent = async () => ((await sim.control("base", "GET", "/listings")).items as { code: string; quantity: number }[]).filter((l) => l.code !== "7130" && l.quantity > 0).length;

    const started = await c.post(`/shops/${shop.id}/resync`);
    expect(started.status, JSON.stringify(started.json)).toBe(202);
    // The first run has ended and the second begun: the sale falls at the start of a ten-call run.
    await until("the first run", () => job(c, started.json.id), (j) => j.done >= 10, 30_000);
    const before = await resent();
    await sale(c, "pos", "P-BS-30", [{ lineId: "1", code: "BS-030", quantity: 40 }]);
    await until("BASE shows BS-030 sold out", () => sim.shows("base", "7130"), (q) => q === 0, 20_000);
    // It did not wait for the run's other calls: at most a call or two of the resync went before it.
    expect((await resent()) - before).toBeLessThanOrEqual(3);
    expect((await job(c, started.json.id)).status).toBe("running");
    await until("the resync job", () => job(c, started.json.id), (j) => j.status === "done", 60_000);
    for (const [i, code] of mallIds.slice(0, 29).entries()) expect(await sim.shows("base", code)).toBe(11 + i);
    expect(await sim.shows("base", "7130")).toBe(0);
    const traffic = (await sim.control("base", "GET", "/traffic")) as { maxInFlight: number; overBudget: number };
    expect(traffic).toMatchObject({ maxInFlight: 1, overBudget: 0 });
  }, 150_000);

  it("a sale taken in while a resync's call for the same listing is on its way is still sent after it", async () => {
    const c = await newAccount();
    const { shop } = await baseInStep(c, "RR", 3, 7201);
    // The resync's call for RR-002 (planned at 12) is held at the mall's door until a sale of 2 has
    // been taken in and marked the listing dirty: what that call carries is already old.
    await resyncWithSaleDuringCall(c, shop.id, "7202", "RR-002", 2);
    // The resync's 12 went out; the sale's 10 follows it instead of being forgotten.
    await until("BASE shows the sale", () => sim.shows("base", "7202"), (q) => q === 10, 20_000);
    expect(await sim.shows("base", "7201")).toBe(11);
    expect(await sim.shows("base", "7203")).toBe(13);
  }, 120_000);

  it("a last unit sold after the next chunk was planned is not overwritten by that chunk's older figure", async () => {
    const c = await newAccount();
    const { shop } = await baseInStep(c, "RP", 4, 7401);
    // BASE takes one listing a call, so each chunk is one listing, and the next one (RP-003, at 13)
    // is planned while RP-002's call is on its way. That call is held until RP-003's last 13 units
    // have sold and the sold-out figure is due.
    await resyncWithSaleDuringCall(c, shop.id, "7402", "RP-003", 13);
    await until("nothing 未反映", async () => (await c.get(`/shops/${shop.id}`)).json, (s) => s.unreflected === 0, 20_000);
    expect(await sim.shows("base", "7403")).toBe(0);
    expect(await sim.shows("base", "7404")).toBe(14);
  }, 120_000);

  it("a new shop's first full sync never holds a sale back", async () => {
    const c = await newAccount();
    // BASE item ids as master codes: the default mapping finds them. 25 products ≈ 28 s of BASE's budget.
    const codes = Array.from({ length: 25 }, (_, i) => String(9001 + i));
    await sim.control("base", "POST", "/reset");
    await sim.control("base", "POST", "/listings", { items: codes.map((code) => ({ code, quantity: 0 })) });
    let group = 0;
    for (const [i, code] of codes.entries()) group = (await product(c, code, { onHand: 10 + i })).group.id;
    // The catalogue's own creation has reached D1 and passed before the shop is connected.
    await drain(c.accountId, group);
    await new Promise((r) => setTimeout(r, 500));
    const res = await c.post("/shops", { kind: "base", name: "base 店", credentials: sim.credentials("base"), baseUrl: sim.baseUrl("base") });
    expect(res.status).toBe(201);
    await until("the first sync under way", () => sim.shows("base", "9001"), (q) => q === 10, 10_000);

    await sale(c, "pos", "P-NEW-1", [{ lineId: "1", code: "9025", quantity: 4 }]);
    await until("BASE shows the sale", () => sim.shows("base", "9025"), (q) => q === 30, 15_000);
    const listings = (await sim.control("base", "GET", "/listings")).items as { quantity: number }[];
    expect(listings.filter((l) => l.quantity === 0).length).toBeGreaterThan(5); // the catalogue is still on its way
    const shop = (await c.get(`/shops/${res.json.id}`)).json;
    expect(shop.lag.samples).toBe(1); // the sale; the first sync is not a change
    expect(shop.lag.p95Ms).toBeLessThan(15_000);
  }, 60_000);

  it("jobs are the account's own, and a stopped or switched-off shop is not resynced", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const shop = await sim.shopOn(a, "shopify");
    await product(a, "OWN-1", { onHand: 1 });
    const started = await a.post(`/shops/${shop.id}/resync`);
    expect(started.status).toBe(202);
    expect((await b.get(`/jobs/${started.json.id}`)).status).toBe(404);
    expect((await b.post(`/jobs/${started.json.id}/cancel`)).status).toBe(404);
    expect((await b.post(`/shops/${shop.id}/resync`)).status).toBe(404);
    expect((await b.post("/resync")).status).toBe(409);
    expect((await a.get("/jobs")).json.items.map((j: { id: number }) => j.id)).toContain(started.json.id);

    expect((await a.patch(`/shops/${shop.id}`, { updateEnabled: false })).status).toBe(200);
    const off = await a.post(`/shops/${shop.id}/resync`);
    expect(off.status).toBe(409);
    expect(off.json.detail).toContain("モール更新");
  });

  it("a shop deleted during its 一括反映 ends its part of the job, and nothing is sent to it or kept for it afterwards", async () => {
    const c = await newAccount();
    const { shop, mallIds } = await baseInStep(c, "DEL", 8, 94_001);
    const edits = async () => ((await sim.control("base", "GET", "/calls")).calls as { path: string }[]).filter((x) => x.path.endsWith("/edit_stock")).length;
    let jobId = 0;
    let editsAtDelete = 0;
    // The shop is deleted while the resync's third call is on its way, with a sale of its own marked.
    const hold = holdFirstRequest(editOf(mallIds[2]), async () => {
      await sale(c, "pos", "P-DEL", [{ lineId: "1", code: "DEL-008", quantity: 1 }]);
      expect((await c.del(`/shops/${shop.id}`)).status).toBe(204);
      editsAtDelete = await edits();
    });
    try {
      const started = await c.post(`/shops/${shop.id}/resync`);
      expect(started.status, JSON.stringify(started.json)).toBe(202);
      jobId = started.json.id;
      await until("the shop deleted", async () => hold.held() && editsAtDelete > 0, (x) => x, 30_000);
    } finally {
      hold.restore();
    }
    // The job does not stay 実行中 for a part nobody is left to run.
    const ended = await job(c, jobId);
    expect(ended.status, JSON.stringify(ended)).toBe("cancelled");
    expect(ended.shops[0]).toMatchObject({ status: "cancelled", lastError: expect.stringContaining("削除") });

    await new Promise((r) => setTimeout(r, 3000)); // three of BASE's one-a-second slots
    expect(await edits()).toBeLessThanOrEqual(editsAtDelete + 1); // the held call alone went on

    const kept = await runInDurableObject(env.SHOP_SYNC.getByName(`${c.accountId}:${shop.id}`), async (_, state) => ({
      alarm: await state.storage.getAlarm(),
      rows: ["dirty", "buckets", "lag", "meta"].map((t) => state.storage.sql.exec<{ n: number }>(`SELECT COUNT(*) AS n FROM ${t}`).one().n),
    }));
    expect(kept).toEqual({ alarm: null, rows: [0, 0, 0, 0] });
  });
});
