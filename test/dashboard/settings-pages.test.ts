import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../helpers/api";
import { login, newShop, snapshot } from "./helpers";

// システム設定 as a merchant uses it: 在庫連動 needs a confirmation to stop, the interval is
// validated with a Japanese message beside the field, notification addresses are stored, and the
// plan is shown read-only. Staff and viewers change nothing.

const settingsRow = (accountId: number) => env.DB.prepare("SELECT * FROM settings WHERE account_id = ?").bind(accountId).first<Record<string, any>>();
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

describe("在庫連動", () => {
  it("stops only with the confirmation ticked, and starts again without one", async () => {
    const shop = await newShop();
    const b = await login(shop.users.admin.email);
    const page = (await b.get("/settings")).html;
    expect(text(page)).toContain("在庫連動は動作中です");
    expect(page).toContain('name="confirm"');

    const before = await snapshot(shop.accountId);
    const refused = await b.post("/settings/sync", { action: "stop" });
    expect(refused.status).toBe(400);
    expect(refused.html).toMatch(/<p class="field-error"[^>]*>停止するには確認のチェックを入れてください。</);
    expect(await snapshot(shop.accountId)).toEqual(before);
    expect((await call(shop.apiToken, "GET", "/settings")).json.syncEnabled).toBe(true);

    const stopped = await b.post("/settings/sync", { action: "stop", confirm: "yes" });
    expect(stopped.status).toBe(303);
    const after = text((await b.get(stopped.location!)).html);
    expect(after).toContain("在庫連動を停止しました");
    expect(after).toContain("在庫連動は停止中です");
    expect((await call(shop.apiToken, "GET", "/settings")).json.syncEnabled).toBe(false);

    const started = await b.post("/settings/sync", { action: "start" });
    expect(started.status).toBe(303);
    expect(text((await b.get(started.location!)).html)).toContain("在庫連動は動作中です");
    expect((await call(shop.apiToken, "GET", "/settings")).json.syncEnabled).toBe(true);
    const ops = await env.DB.prepare("SELECT actor, action, after FROM operation_log WHERE account_id = ? AND action = 'settings.update' ORDER BY id").bind(shop.accountId).all();
    expect(ops.results.map((r) => [r.actor, JSON.parse(r.after as string)])).toEqual([
      [`user:${shop.users.admin.id}`, { syncEnabled: false }],
      [`user:${shop.users.admin.id}`, { syncEnabled: true }],
    ]);
  });
});

describe("在庫反映間隔 and 在庫少設定数", () => {
  it("saves values in range", async () => {
    const shop = await newShop();
    const b = await login(shop.users.owner.email);
    const res = await b.post("/settings", { reflectIntervalMin: "12", lowStockDefault: "4" });
    expect(res.status).toBe(303);
    expect((await b.get(res.location!)).html).toContain("保存しました");
    expect((await call(shop.apiToken, "GET", "/settings")).json).toMatchObject({ reflectIntervalMinutes: 12, lowStockDefault: 4 });
    await b.post("/settings", { reflectIntervalMin: "12", lowStockDefault: "" });
    expect((await call(shop.apiToken, "GET", "/settings")).json.lowStockDefault).toBeNull();
  });

  for (const bad of ["2", "21", "abc", ""]) {
    it(`refuses an interval of "${bad}" with the Japanese error next to the field, and writes nothing`, async () => {
      const shop = await newShop();
      const b = await login(shop.users.admin.email);
      const before = await snapshot(shop.accountId);
      const res = await b.post("/settings", { reflectIntervalMin: bad, lowStockDefault: "3" });
      expect(res.status).toBe(400);
      expect(res.html).toMatch(/<label for="reflectIntervalMin">在庫反映間隔\(分\)<\/label><input[^>]*aria-invalid="true"[^>]*\/><p class="field-error"[^>]*>在庫反映間隔は 3〜20 分の整数で入力してください</);
      expect(res.html).toContain(`value="${bad}"`); // what was typed comes back to be corrected
      expect(await snapshot(shop.accountId)).toEqual(before);
    });
  }
});

describe("notification addresses", () => {
  it("stores valid addresses and refuses an invalid one by name", async () => {
    const shop = await newShop();
    const b = await login(shop.users.admin.email);
    const bad = await b.post("/settings/notifications", { notifyEmails: "ops@example.jp\nnot-an-address" });
    expect(bad.status).toBe(400);
    expect(bad.html).toContain("メールアドレスの形式が正しくありません: not-an-address");
    expect((await settingsRow(shop.accountId))!.notify_emails).toBe("[]");
    const ok = await b.post("/settings/notifications", { notifyEmails: "ops@example.jp\nboss@example.jp, ops@example.jp" });
    expect(ok.status).toBe(303);
    expect(JSON.parse((await settingsRow(shop.accountId))!.notify_emails)).toEqual(["ops@example.jp", "boss@example.jp"]);
    expect((await b.get("/settings")).html).toContain("ops@example.jp\nboss@example.jp");
  });
});

describe("what the page shows", () => {
  it("shows the plan with 登録商品数 / limit and the account's inbound order-mail address", async () => {
    const shop = await newShop();
    expect((await call(shop.apiToken, "POST", "/products", { masterCode: "TEA-1", name: "ほうじ茶", onHand: 1 })).status).toBe(201);
    const b = await login(shop.users.viewer.email);
    const page = text((await b.get("/settings")).html);
    expect(page).toContain("ご利用プラン");
    expect(page).toMatch(/登録商品数 1 \/ 1,000/);
    expect(page).toMatch(/受注メール取込み用アドレス [^。]+。 [0-9a-f]{20}@in\.kura\.example/);
  });

  it("is read-only for staff and viewer: no forms, and every change is 403 with nothing written", async () => {
    const shop = await newShop();
    for (const role of ["staff", "viewer"] as const) {
      const b = await login(shop.users[role].email);
      const page = await b.get("/settings");
      expect(page.status).toBe(200);
      expect(page.html).not.toContain('action="/settings/sync"');
      const before = await snapshot(shop.accountId);
      for (const [path, form] of [
        ["/settings/sync", { action: "stop", confirm: "yes" }],
        ["/settings", { reflectIntervalMin: "10", lowStockDefault: "1" }],
        ["/settings/notifications", { notifyEmails: "x@example.jp" }],
      ] as const) {
        expect((await b.post(path, form)).status, `${role} ${path}`).toBe(403);
      }
      expect(await snapshot(shop.accountId)).toEqual(before);
      expect((await settingsRow(shop.accountId))!.notify_emails).toBe("[]");
    }
  });
});
