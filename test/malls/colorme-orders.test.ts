import { describe, expect, it } from "vitest";
import { colormeAdapter, type ColormeOrdersCursor } from "../../src/malls/colorme";
import type { OrderLine } from "../../src/malls/types";
import { setupColorme } from "./colorme-helpers";

const MIN = 60_000;
const DAY = 86_400_000;

/** Polls until `more` is false, like the sync engine; returns all lines and the final cursor. */
async function poll(ctx: Parameters<typeof colormeAdapter.fetchOrders>[0], cursor: unknown) {
  const lines: OrderLine[] = [];
  let calls = 0;
  for (;;) {
    const r = await colormeAdapter.fetchOrders(ctx, cursor);
    calls++;
    lines.push(...r.lines);
    cursor = r.cursor;
    if (!r.more) return { lines, cursor: cursor as ColormeOrdersCursor, calls };
  }
}
const of = (lines: OrderLine[], orderId: string, kind: "sale" | "cancel") =>
  lines.filter((l) => l.orderId === orderId && l.kind === kind).map((l) => [l.lineId, l.mallCode, l.quantity]);

describe("カラーミーショップ adapter: orders", () => {
  it("sales since the last poll come across pages of 100 with their options; a cancel is found on the next poll with its quantity", async () => {
    const { ctx, sim, clock, control, calls } = setupColorme();
    sim.state.setListings([{ code: "1001", quantity: 1000 }, { code: "2001:白:S", quantity: 50 }, { code: "2001:黒:M", quantity: 50 }]);
    clock.advance(-10 * MIN);
    const a = sim.state.createOrder([{ code: "1001", quantity: 2 }, { code: "2001:白:S", quantity: 3 }]);
    for (let i = 0; i < 229; i++) {
      sim.state.createOrder([{ code: "1001", quantity: 1 }]);
      if (i % 40 === 0) clock.advance(MIN);
    }
    clock.advance(5 * MIN);
    // The customer's orders lowered the shop's own stock at once.
    expect(sim.state.listings().find((l) => l.code === "1001")!.quantity).toBe(1000 - 2 - 229);

    const first = await poll(ctx, null);
    expect(first.calls).toBe(3); // 230 sales at 100 a page
    expect(new Set(first.lines.map((l) => l.orderId)).size).toBe(230);
    expect(of(first.lines, a.orderId, "sale")).toEqual([[a.lineIds[0], "1001", 2], [a.lineIds[1], "2001:白:S", 3]]);
    expect(first.lines.filter((l) => l.kind === "cancel")).toEqual([]);
    expect(calls().filter((c) => c.startsWith("GET /v1/sales.json"))).toHaveLength(3);

    // An hour later the sale is cancelled in the shop (details' product_num set to 0, as the API does).
    clock.advance(60 * MIN);
    await control("POST", `/__sim/orders/${a.orderId}/cancel`);
    expect(sim.state.sale(a.orderId).details.every((d) => d.product_num === 0)).toBe(true);
    const second = await poll(ctx, first.cursor);
    expect(second.calls).toBe(1);
    expect(of(second.lines, a.orderId, "cancel")).toEqual([[a.lineIds[0], "1001", 2], [a.lineIds[1], "2001:白:S", 3]]);
    expect(of(second.lines, a.orderId, "sale")).toEqual([[a.lineIds[0], "1001", 2], [a.lineIds[1], "2001:白:S", 3]]);
    expect(second.cursor.open.map((o) => String(o[0]))).not.toContain(a.orderId);
  });

  it("a cancel keeps its quantity when the shop leaves product_num as it was; a sale cancelled before Kura saw it with 0 units moves nothing", async () => {
    const { ctx, sim, clock, control } = setupColorme();
    sim.state.setListings([{ code: "1001", quantity: 100 }]);
    await control("POST", "/__sim/behaviour", { zeroOnCancel: false });
    const kept = sim.state.createOrder([{ code: "1001", quantity: 4 }]);
    clock.advance(MIN);
    await control("POST", `/__sim/orders/${kept.orderId}/cancel`);
    await control("POST", "/__sim/behaviour", { zeroOnCancel: true });
    const zeroed = sim.state.createOrder([{ code: "1001", quantity: 5 }]);
    await control("POST", `/__sim/orders/${zeroed.orderId}/cancel`);
    clock.advance(MIN);
    const r = await poll(ctx, null);
    expect(of(r.lines, kept.orderId, "sale")).toEqual([[kept.lineIds[0], "1001", 4]]);
    expect(of(r.lines, kept.orderId, "cancel")).toEqual([[kept.lineIds[0], "1001", 4]]);
    expect(r.lines.filter((l) => l.orderId === zeroed.orderId)).toEqual([]);
    expect(sim.state.listings()).toEqual([{ code: "1001", quantity: 100 }]); // both restocked
  });

  it("a sale taken in 10 days ago and cancelled now gives back what it took (after= is sent; the API's default is 7 days)", async () => {
    const { ctx, sim, clock, control } = setupColorme();
    sim.state.setListings([{ code: "1001", quantity: 10 }]);
    const old = sim.state.createOrder([{ code: "1001", quantity: 3 }]);
    clock.advance(MIN);
    const first = await poll(ctx, null);
    expect(of(first.lines, old.orderId, "sale")).toEqual([[old.lineIds[0], "1001", 3]]);
    clock.advance(10 * DAY);
    await control("POST", `/__sim/orders/${old.orderId}/cancel`, { restock: false });
    expect(sim.state.sale(old.orderId).details[0].product_num).toBe(0);
    const r = await poll(ctx, first.cursor);
    // product_num reads 0 now: the quantity comes from the sale Kura remembered.
    expect(of(r.lines, old.orderId, "cancel")).toEqual([[old.lineIds[0], "1001", 3]]);
    // Without `after` the simulated API hides it, as the real one does.
    const tok = ctx.credentials.accessToken;
    const res = await sim.app.request(`/v1/sales.json?update_date_min=2026-07-11%2000:00:00`, { headers: { authorization: `Bearer ${tok}` } });
    expect(((await res.json()) as { sales: unknown[] }).sales).toEqual([]);
  });

  it("a sale stamped just before a poll but visible only after it is taken in by the next poll", async () => {
    const { ctx, sim, clock } = setupColorme();
    sim.state.setListings([{ code: "1001", quantity: 10 }]);
    const first = await poll(ctx, null);
    clock.advance(-2 * MIN);
    const late = sim.state.createOrder([{ code: "1001", quantity: 1 }]);
    clock.advance(2 * MIN + 30_000);
    const second = await poll(ctx, first.cursor);
    expect(second.lines.map((l) => [l.orderId, l.kind])).toEqual([[late.orderId, "sale"]]);
    expect(second.lines[0].at).toBe(sim.state.sale(late.orderId).make_date * 1000);
  });
});

describe("カラーミーショップ simulator: control API, documented shapes, OAuth", () => {
  it("serves the uniform control API; cancels are of whole sales", async () => {
    const { control, sim } = setupColorme();
    expect((await control("POST", "/__sim/listings", { items: [{ code: "1001:赤:S", quantity: 3 }] })).status).toBe(200);
    const o = await control("POST", "/__sim/orders", { lines: [{ code: "1001:赤:S", quantity: 2 }] });
    expect(o.json).toEqual({ orderId: expect.stringMatching(/^\d+$/), lineIds: [expect.stringMatching(/^\d+$/)] });
    expect((await control("GET", "/__sim/listings")).json).toEqual({ items: [{ code: "1001:赤:S", quantity: 1 }] });
    expect((await control("POST", "/__sim/orders", { lines: [{ code: "1001:赤:S", quantity: 2 }] })).status).toBe(409);
    expect((await control("POST", `/__sim/orders/${o.json.orderId}/cancel`, { lineId: o.json.lineIds[0], quantity: 1 })).status).toBe(400);
    const cancelled = await control("POST", `/__sim/orders/${o.json.orderId}/cancel`);
    expect(cancelled.json).toMatchObject({ orderId: o.json.orderId, canceled: true });
    expect((await control("GET", "/__sim/listings")).json.items).toEqual([{ code: "1001:赤:S", quantity: 3 }]);
    expect((await control("POST", "/__sim/faults", { type: "429", times: 2, retryAfter: 5 })).json).toEqual({ ok: true, pending: 1 });
    await control("POST", "/__sim/reset");
    expect(sim.state.listings()).toEqual([]);
    expect(sim.state.faults).toEqual([]);
  });

  it("takes absolute and increment writes, ignores stocks on an option-managed product, and answers errors as {errors:[…]}", async () => {
    const { sim } = setupColorme();
    sim.state.setListings([{ code: "1001", quantity: 5 }, { code: "2001:白", quantity: 5 }]);
    const put = async (id: number, product: unknown, token = "kura-demo-colorme-access-token") => {
      const res = await sim.app.request(`/v1/products/${id}.json`, {
        method: "PUT", headers: { authorization: `Bearer ${token}`, "content-type": "application/json" }, body: JSON.stringify({ product }),
      });
      return { status: res.status, json: (await res.json()) as any };
    };
    expect((await put(1001, { stocks: { increment: -2 } })).json.product.stocks).toBe(3);
    expect((await put(1001, { stocks: 8 })).json.product.stocks).toBe(8);
    expect((await put(1001, { stocks: { increment: -9 } })).status).toBe(400);
    const ignored = await put(2001, { stocks: 99 });
    expect([ignored.status, ignored.json.product.variants[0].stocks]).toEqual([200, 5]);
    expect((await put(2001, { variants: [{ option1_value: "白", stocks: { increment: 1 } }] })).json.product.variants[0].stocks).toBe(6);
    expect(await put(9999, { stocks: 1 })).toEqual({ status: 404, json: { errors: [{ code: 404100, message: expect.any(String), status: 404 }] } });
    expect((await put(1001, { stocks: 1 }, "bogus")).json.errors[0].status).toBe(401);
    const tok = { headers: { authorization: "Bearer kura-demo-colorme-access-token" } };
    expect((await sim.app.request("/v1/stocks.json?limit=51", tok)).status).toBe(400);
    expect((await sim.app.request("/v1/sales.json?limit=101", tok)).status).toBe(400);
    expect((await sim.app.request("/v1/products/2001/variants", tok)).status).toBe(200);
  });

  it("OAuth: consent form → one-time 10-minute code → bearer token that works; refusals and bad codes are refused", async () => {
    const { sim, clock } = setupColorme();
    const client = { client_id: "kura-demo-colorme-client", client_secret: "kura-demo-colorme-secret", redirect_uri: "http://127.0.0.1:8787/oauth/colorme/callback" };
    const auth = new URLSearchParams({ client_id: client.client_id, response_type: "code", scope: "read_products write_products read_sales", redirect_uri: client.redirect_uri, state: "xyz" });
    const page = await sim.app.request(`/oauth/authorize?${auth}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("許可する");
    const consent = (decision: string) =>
      sim.app.request("/oauth/authorize", {
        method: "POST",
        body: new URLSearchParams({ client_id: client.client_id, redirect_uri: client.redirect_uri, scope: "read_products write_products read_sales", state: "xyz", decision }),
      });
    const denied = new URL((await consent("deny")).headers.get("location")!);
    expect([denied.searchParams.get("error"), denied.searchParams.get("state")]).toEqual(["access_denied", "xyz"]);
    const back = new URL((await consent("allow")).headers.get("location")!);
    expect(back.origin + back.pathname).toBe(client.redirect_uri);
    expect(back.searchParams.get("state")).toBe("xyz");
    const code = back.searchParams.get("code")!;
    const token = (extra: Record<string, string> = {}) =>
      sim.app.request("/oauth/token", { method: "POST", body: new URLSearchParams({ ...client, code, grant_type: "authorization_code", ...extra }) });
    expect(((await (await token({ client_secret: "wrong" })).json()) as any).error).toBe("invalid_client");
    const ok = await token();
    const tok = (await ok.json()) as { access_token: string; token_type: string; scope: string };
    expect(tok).toEqual({ access_token: expect.any(String), token_type: "bearer", scope: "read_products write_products read_sales" });
    expect((await sim.app.request("/v1/shop.json", { headers: { authorization: `Bearer ${tok.access_token}` } })).status).toBe(200);
    // One-time: the same code again is refused.
    expect([(await token()).status, ((await (await token()).json()) as any).error]).toEqual([400, "invalid_grant"]);
    // Ten minutes: a code used after 10 min is refused.
    const late = new URL((await consent("allow")).headers.get("location")!).searchParams.get("code")!;
    clock.advance(10 * 60_000 + 1000);
    expect((await token({ code: late })).status).toBe(400);
    // A foreign redirect_uri is refused before any consent.
    expect((await sim.app.request(`/oauth/authorize?${new URLSearchParams({ ...Object.fromEntries(auth), redirect_uri: "https://evil.example/cb" })}`)).status).toBe(400);
  });
});
