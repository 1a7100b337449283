import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { dueTasks } from "../../src/sync/tasks";
import { clientFor, newAccount, product, sale } from "../helpers/api";
import { login, newShop } from "../dashboard/helpers";
import { deliver, fixture, inboundOf } from "./helpers";

// A shop of an e-mail cart is a shop like any other for stock and logs, but there is nothing to
// call: creating it needs no credentials, and the engine, the cron and the dashboard know it
// takes no pushes, pulls or reads.

describe("shops of the e-mail carts", () => {
  it("are created with a kind and a name, take no updates, and each kind is one the API accepts", async () => {
    const c = await newAccount({ maxProducts: 10, maxShops: 10 });
    for (const kind of ["superdelivery", "shoplist", "futureshop", "ponparemall", "qoo10", "kinarino", "bcart"]) {
      const res = await c.post("/shops", { kind, name: `${kind} 店` });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
      expect(res.json).toMatchObject({ kind, intake: "mail", updateEnabled: false, importEnabled: true, credentials: { configured: false }, status: "ok" });
    }
    // Credentials for a cart that has none are refused, not stored.
    expect((await c.post("/shops", { kind: "qoo10", name: "x", credentials: { apiKey: "k" } })).status).toBe(400);
    const api = (await c.get("/shops")).json.items.map((s: any) => s.intake);
    expect(api.every((i: string) => i === "mail")).toBe(true);
  });

  it("接続テスト says メール取込みのショップです; pull, push and 一括反映 are refused; モール更新 cannot be switched on; a live read shows nothing", async () => {
    const c = await newAccount();
    await product(c, "TEA-01", { onHand: 10 });
    const id = (await c.post("/shops", { kind: "qoo10", name: "Qoo10 店" })).json.id;
    const test = await c.post(`/shops/${id}/test`);
    expect(test.status).toBe(200);
    expect(test.json).toMatchObject({ ok: true, reason: expect.stringContaining("メール取込みのショップです") });
    expect((await c.get(`/shops/${id}`)).json.lastTest).toMatchObject({ ok: true, reason: expect.stringContaining("メール取込み") });
    expect((await c.post(`/shops/${id}/pull`)).status).toBe(409);
    expect((await c.post(`/shops/${id}/push`)).status).toBe(409);
    expect((await c.post(`/shops/${id}/resync`)).status).toBe(409);
    const patch = await c.patch(`/shops/${id}`, { updateEnabled: true });
    expect(patch.status).toBe(400);
    expect(patch.json.detail).toContain("e-mail");
    expect((await c.patch(`/shops/${id}`, { name: "Qoo10 本店", cancelPolicy: "ignore" })).json).toMatchObject({ name: "Qoo10 本店", cancelPolicy: "ignore", updateEnabled: false });
    const live = await c.get(`/shops/${id}/stock?codes=TEA-01`);
    expect(live.status).toBe(200);
    expect(live.json.items).toEqual([{ masterCode: "TEA-01", mallCode: "TEA-01", lastSentFigure: null, quantity: null }]);
  });

  it("the cron enqueues no pull or push for them, and a sale elsewhere leaves nothing 未反映 on them", async () => {
    const c = await newAccount();
    await product(c, "TEA-01", { onHand: 10 });
    const id = (await c.post("/shops", { kind: "bcart", name: "Bカート 店" })).json.id;
    const tasks = await dueTasks(env);
    expect(tasks.filter((t) => "shopId" in t.task && t.task.shopId === id)).toEqual([]);
    await sale(c, "pos", "R-1", [{ lineId: "1", code: "TEA-01", quantity: 1 }]);
    expect((await c.get(`/shops/${id}`)).json).toMatchObject({ unreflected: 0, lastPushAt: null });
    // なぜこの数?: nothing is sent to it, and the trace says why.
    const fig = (await c.get("/products/TEA-01/figures")).json.shops.find((f: any) => f.shopId === id);
    expect(fig.figure).toBeNull();
    expect(fig.trace[0]).toMatchObject({ step: "switches", args: { cause: "mail" } });
    // The whole scheduled run goes through with the shop there.
    const ctx = createExecutionContext();
    await worker.scheduled(createScheduledController({ cron: "* * * * *", scheduledTime: Date.now() }), env, ctx);
    await waitOnExecutionContext(ctx);
    expect((await c.get(`/shops/${id}`)).json).toMatchObject({ status: "ok", lastError: null });
  });

  it("GET /settings gives each account its own inbound address on the deployment's domain", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const [ea, eb] = [await inboundOf(a), await inboundOf(b)];
    expect(ea).toMatch(new RegExp(`^[0-9a-f]{20}@${env.INBOUND_EMAIL_DOMAIN.replace(/\./g, "\\.")}$`));
    expect(ea).not.toBe(eb);
    expect(await inboundOf(a)).toBe(ea);
  });
});

describe("dashboard: e-mail shops and the inbound address", () => {
  it("システム設定 shows the inbound address; a mail shop's page says where to forward and what it cannot do", async () => {
    const acct = await newShop();
    const c = clientFor(acct.accountId, acct.apiToken);
    const to = await inboundOf(c);
    const b = await login(acct.users.admin.email);
    const settings = await b.get("/settings");
    expect(settings.html).toContain(to);
    expect(settings.html).not.toContain("準備中です");

    // Added through the form: kind and name, no credential fields.
    const form = await b.get("/shops/new?kind=qoo10");
    expect(form.html).toContain("注文APIがない");
    expect(form.html).not.toContain('name="updateEnabled"');
    const created = await b.post("/shops", { kind: "qoo10", name: "Qoo10 店", importEnabled: "on", cancelPolicy: "restore" });
    expect(created.status).toBe(303);
    const id = Number(/\/shops\/(\d+)/.exec(created.location!)![1]);
    await deliver(fixture("qoo10.eml"), to);
    const page = await b.get(`/shops/${id}`);
    expect(page.html).toContain(to.replace("@", `+${id}@`));
    expect(page.html).toContain("最終メール取込み");
    expect(page.html).not.toContain(`action="/shops/${id}/resync"`);
    expect(page.html).not.toContain(`action="/shops/${id}/credentials"`);
    const tested = await b.post(`/shops/${id}/test`);
    expect(tested.status).toBe(303);
    expect((await b.get(`/shops/${id}`)).html).toContain("メール取込みのショップです");
    const list = await b.get("/shops");
    expect(list.html).toContain("メール取込みのモール");
    expect(list.html).toContain("送信なし(メール取込み)");
    const en = await b.get(`/shops/${id}?lang=en`);
    expect(en.html).toContain("Where to forward order mails");
  });
});

describe("dashboard: the order mails received", () => {
  it("システム設定 lists the latest mails with their result; one held for want of a shop is taken in by 再取込み, once", async () => {
    const acct = await newShop();
    const c = clientFor(acct.accountId, acct.apiToken);
    await product(c, "TEA-HOJI-80", { onHand: 10 });
    const to = await inboundOf(c);
    await deliver(fixture("shoplist.eml"), to);
    await deliver(fixture("not-an-order.eml"), to);
    const admin = await login(acct.users.admin.email);
    let page = (await admin.get("/settings")).html;
    expect(page).toContain("最近受信した注文メール");
    expect(page).toContain("SHOPLIST のショップがありません");
    expect(page).toContain("件名からモールを判別できません");
    const held = (await c.get("/mail?outcome=held")).json.items[0];
    // A viewer sees the list but cannot take a mail in.
    const viewer = await login(acct.users.viewer.email);
    expect((await viewer.get("/settings")).html).not.toContain(`/settings/mail/${held.id}/retry`);
    expect((await viewer.post(`/settings/mail/${held.id}/retry`)).status).toBe(403);
    expect(page).toContain(`action="/settings/mail/${held.id}/retry"`);
    await c.post("/shops", { kind: "shoplist", name: "SHOPLIST 店" });
    const res = await admin.post(`/settings/mail/${held.id}/retry`);
    expect(res.status).toBe(303);
    page = (await admin.get(res.location!)).html;
    expect(page).toContain("注文メールを再取込みしました");
    expect((await c.get("/products/TEA-HOJI-80")).json.onHand).toBe(8);
    expect((await admin.post(`/settings/mail/${held.id}/retry`)).location).toContain("mailNotRetried");
    expect((await c.get("/products/TEA-HOJI-80")).json.onHand).toBe(8);
    // Another account's admin cannot reach it.
    const other = await newShop();
    expect((await (await login(other.users.admin.email)).post(`/settings/mail/${held.id}/retry`)).status).toBe(404);
  });
});
