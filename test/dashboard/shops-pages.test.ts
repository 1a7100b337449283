import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { call } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";
import { login, newShop, snapshot } from "./helpers";

// モール設定 as a merchant uses it: a shop added through the form generated from the mall's
// credentials schema, its switches, 接続テスト against the in-process simulated mall, 一括反映
// and delete — and what other roles and accounts cannot do.

const sim = useMallSim();
const RAKUTEN = sim.credentials("rakuten") as { serviceSecret: string; licenseKey: string };

const shopRow = (id: number) => env.DB.prepare("SELECT * FROM shops WHERE id = ?").bind(id).first<Record<string, any>>();
const idOf = (location: string | null) => Number(/^\/shops\/(\d+)/.exec(location ?? "")![1]);
const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/\s+/g, " ");

async function addRakuten(b: Awaited<ReturnType<typeof login>>, licenseKey = RAKUTEN.licenseKey) {
  await sim.control("rakuten", "POST", "/reset");
  const res = await b.post("/shops", {
    kind: "rakuten",
    name: "楽天 本店",
    "cred.serviceSecret": RAKUTEN.serviceSecret,
    "cred.licenseKey": licenseKey,
    baseUrl: sim.baseUrl("rakuten"),
    importEnabled: "on",
    updateEnabled: "on",
    cancelPolicy: "restore",
  });
  expect(res.status, res.html.slice(0, 500)).toBe(303);
  return idOf(res.location);
}

describe("the add-shop form", () => {
  it("is generated from each mall's credentials schema, with labels and help text per field", async () => {
    const b = await login((await newShop()).users.admin.email);
    const rakuten = (await b.get("/shops/new?kind=rakuten")).html;
    expect(rakuten).toContain('name="cred.serviceSecret"');
    expect(rakuten).toContain('name="cred.licenseKey"');
    expect(rakuten).toContain('<label for="cred-licenseKey">licenseKey</label>');
    expect(text(rakuten)).toContain("90 日ごとに期限が切れる");
    // What Kura keeps itself is not asked for.
    expect(rakuten).not.toContain("licenseKeyExpiresAt");
    const yahoo = (await b.get("/shops/new?kind=yahoo")).html;
    expect(yahoo).toContain('<label for="cred-sellerId">ストアアカウント</label>');
    expect(yahoo).toContain('name="cred.publicKeyVersion"');
    expect(yahoo).not.toContain('name="cred.accessToken"');
    expect(text(yahoo)).toContain("固定 IP のプロキシ");
    const amazon = (await b.get("/shops/new?kind=amazon")).html;
    expect(amazon).toContain('value="A1VC38T7YXB528"'); // the schema's default, prefilled
    const en = (await b.get("/shops/new?kind=rakuten&lang=en")).html;
    expect(text(en)).toContain("expires every 90 days");
  });

  it("adds a shop with encrypted credentials that no page shows again", async () => {
    const shop = await newShop();
    const b = await login(shop.users.admin.email);
    const id = await addRakuten(b);
    const row = (await shopRow(id))!;
    expect(row.account_id).toBe(shop.accountId);
    expect(row.credentials_enc).toBeTruthy();
    expect(row.credentials_enc).not.toContain(RAKUTEN.licenseKey);
    const pages = [await b.get("/shops"), await b.get(`/shops/${id}`), await b.get(`/shops/${id}?done=created`)];
    for (const p of pages) {
      expect(p.status).toBe(200);
      expect(p.html).not.toContain(RAKUTEN.licenseKey);
      expect(p.html).not.toContain(RAKUTEN.serviceSecret);
    }
    expect(pages[0].html).toContain("楽天 本店");
    expect(text(pages[0].html)).toContain("正常");
    expect(pages[2].html).toContain("licenseKey (設定済み)");
    const ops = await env.DB.prepare("SELECT actor, action FROM operation_log WHERE account_id = ? AND action = 'shop.create'").bind(shop.accountId).all();
    expect(ops.results).toEqual([{ actor: `user:${shop.users.admin.id}`, action: "shop.create" }]);
  });

  it("refuses a form with a missing credential, says so in Japanese next to the field, and echoes nothing secret", async () => {
    const shop = await newShop();
    const b = await login(shop.users.owner.email);
    const before = await snapshot(shop.accountId);
    const res = await b.post("/shops", { kind: "rakuten", name: "楽天", "cred.serviceSecret": "SECRET-TYPED-123", "cred.licenseKey": "", cancelPolicy: "restore" });
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/<label for="cred-licenseKey">licenseKey<\/label><input[^>]*aria-invalid="true"[^>]*\/><p class="field-error"[^>]*>入力してください</);
    expect(res.html).not.toContain("SECRET-TYPED-123");
    expect(res.html).toContain('value="楽天"'); // the shop name is kept
    expect(await snapshot(shop.accountId)).toEqual(before);
  });
});

describe("a shop's page", () => {
  it("toggles モール更新, and the list and the API see it", async () => {
    const shop = await newShop();
    const b = await login(shop.users.admin.email);
    const id = await addRakuten(b);
    const res = await b.post(`/shops/${id}`, { name: "楽天 本店", importEnabled: "on", cancelPolicy: "ignore", ratio: "80", salesLimit: "" });
    expect(res.status, res.html.slice(0, 300)).toBe(303);
    expect((await b.get(res.location!)).html).toContain("保存しました");
    const api = (await call(shop.apiToken, "GET", `/shops/${id}`)).json;
    expect(api).toMatchObject({ updateEnabled: false, importEnabled: true, cancelPolicy: "ignore", ratio: 80, salesLimit: null });
    const page = (await b.get(`/shops/${id}`)).html;
    expect(page).toMatch(/<input type="checkbox" name="updateEnabled"\s*\/?>/);
    expect(page).toMatch(/<input type="checkbox" name="importEnabled" checked/);
    // Back on.
    await b.post(`/shops/${id}`, { name: "楽天 本店", importEnabled: "on", updateEnabled: "on", cancelPolicy: "ignore", ratio: "80" });
    expect((await call(shop.apiToken, "GET", `/shops/${id}`)).json.updateEnabled).toBe(true);
  });

  it("refuses a ratio over 100 with a Japanese error beside the field, writing nothing", async () => {
    const shop = await newShop();
    const b = await login(shop.users.admin.email);
    const id = await addRakuten(b);
    const before = await snapshot(shop.accountId);
    const res = await b.post(`/shops/${id}`, { name: "楽天 本店", updateEnabled: "on", cancelPolicy: "restore", ratio: "150" });
    expect(res.status).toBe(400);
    expect(res.html).toMatch(/<label for="ratio">在庫比率 \(%\)<\/label><input[^>]*aria-invalid="true"[^>]*\/><p class="field-error"[^>]*>範囲外の値です</);
    expect(await snapshot(shop.accountId)).toEqual(before);
  });

  it("warns on the list and the page when the credentials expire within 14 days", async () => {
    const shop = await newShop();
    const b = await login(shop.users.admin.email);
    const id = await addRakuten(b);
    expect(text((await b.get("/shops")).html)).not.toContain("期限切れ");
    await env.DB.prepare("UPDATE shops SET credentials_expire_at = ? WHERE id = ?").bind(Date.now() + 5.5 * 86_400_000, id).run();
    expect(text((await b.get("/shops")).html)).toContain("あと 5 日で期限切れ");
    expect(text((await b.get(`/shops/${id}`)).html)).toContain("認証情報の有効期限まであと 5 日です");
    expect(text((await b.get(`/shops/${id}?lang=en`)).html)).toContain("The credentials expire in 5 days");
    await env.DB.prepare("UPDATE shops SET credentials_expire_at = ? WHERE id = ?").bind(Date.now() + 20 * 86_400_000, id).run();
    expect(text((await b.get("/shops")).html)).not.toContain("期限切れ");
  });

  it("runs 接続テスト against the mall and shows NG with its reason, then OK once the key is replaced", async () => {
    const shop = await newShop();
    const b = await login(shop.users.admin.email);
    const id = await addRakuten(b, "SL338120_wrongKey");
    const ng = await b.post(`/shops/${id}/test`);
    expect(ng.status).toBe(303);
    const ngPage = text((await b.get(ng.location!)).html);
    expect(ngPage).toContain("接続テスト NG: serviceSecret / licenseKey が正しくないか");
    expect(ngPage).toContain("停止中");

    // Only the typed field replaces: serviceSecret stays as stored.
    const replaced = await b.post(`/shops/${id}/credentials`, { "cred.serviceSecret": "", "cred.licenseKey": RAKUTEN.licenseKey });
    expect(replaced.status, replaced.html.slice(0, 300)).toBe(303);
    expect((await b.get(replaced.location!)).html).not.toContain(RAKUTEN.licenseKey);
    const ok = await b.post(`/shops/${id}/test`);
    const okPage = text((await b.get(ok.location!)).html);
    expect(okPage).toContain("接続テスト OK");
    expect(okPage).not.toContain("停止中");
    const actions = await env.DB.prepare("SELECT action FROM operation_log WHERE account_id = ? AND actor = ? ORDER BY id").bind(shop.accountId, `user:${shop.users.admin.id}`).all();
    expect(actions.results.map((r) => r.action)).toEqual(["shop.create", "shop.test", "shop.update", "shop.test"]);
  });

  it("starts 一括反映 and shows the job's progress", async () => {
    const shop = await newShop();
    const b = await login(shop.users.admin.email);
    const id = await addRakuten(b);
    const res = await b.post(`/shops/${id}/resync`);
    expect(res.status, res.html.slice(0, 300)).toBe(303);
    expect(res.location).toMatch(new RegExp(`^/shops/${id}\\?job=\\d+#job$`));
    const page = text((await b.get(res.location!)).html);
    expect(page).toContain("一括反映の進み具合");
    expect(page).toMatch(/\d+ \/ \d+ 件 \(送信 \d+ 件、エラー \d+ 件\)/);
  });

  it("is refused 一括反映 with the reason while 在庫連動 is stopped", async () => {
    const shop = await newShop();
    const b = await login(shop.users.admin.email);
    const id = await addRakuten(b);
    expect((await call(shop.apiToken, "PATCH", "/settings", { syncEnabled: false })).status).toBe(200);
    const res = await b.post(`/shops/${id}/resync`);
    expect(res.status).toBe(409);
    expect(res.html).toContain("在庫連動が停止中のため一括反映できません");
  });

  it("deletes only with the confirmation ticked", async () => {
    const shop = await newShop();
    const b = await login(shop.users.owner.email);
    const id = await addRakuten(b);
    const refused = await b.post(`/shops/${id}/delete`, {});
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("削除するには確認のチェックを入れてください");
    expect(await shopRow(id)).not.toBeNull();
    const done = await b.post(`/shops/${id}/delete`, { confirm: "yes" });
    expect(done.status).toBe(303);
    expect((await b.get(done.location!)).html).toContain("店舗「楽天 本店」を削除しました");
    expect(await shopRow(id)).toBeNull();
  });
});

describe("who may change shops", () => {
  it("staff and viewer see the list but get 403 on every change, and nothing is written", async () => {
    const shop = await newShop();
    const id = await addRakuten(await login(shop.users.admin.email));
    for (const role of ["staff", "viewer"] as const) {
      const b = await login(shop.users[role].email);
      const list = await b.get("/shops");
      expect(list.status).toBe(200);
      expect(list.html).toContain("楽天 本店");
      expect(list.html).not.toContain('href="/shops/new?kind=rakuten"');
      expect((await b.get("/shops/new?kind=rakuten")).status).toBe(403);
      const before = await snapshot(shop.accountId);
      const attempts = [
        b.post("/shops", { kind: "rakuten", name: "x", "cred.serviceSecret": "a", "cred.licenseKey": "b" }),
        b.post(`/shops/${id}`, { name: "乗っ取り", cancelPolicy: "restore" }),
        b.post(`/shops/${id}/credentials`, { "cred.licenseKey": "other" }),
        b.post(`/shops/${id}/test`),
        b.post(`/shops/${id}/resync`),
        b.post(`/shops/${id}/delete`, { confirm: "yes" }),
      ];
      for (const res of await Promise.all(attempts)) expect(res.status, role).toBe(403);
      expect(await snapshot(shop.accountId)).toEqual(before);
      expect((await shopRow(id))!.name).toBe("楽天 本店");
    }
  });

  it("another account's shop id is 404 on every page and form", async () => {
    const mine = await newShop();
    const theirs = await newShop();
    const id = await addRakuten(await login(theirs.users.owner.email));
    const b = await login(mine.users.owner.email);
    const before = await snapshot(theirs.accountId);
    expect((await b.get(`/shops/${id}`)).status).toBe(404);
    for (const path of [`/shops/${id}`, `/shops/${id}/credentials`, `/shops/${id}/test`, `/shops/${id}/resync`, `/shops/${id}/delete`]) {
      const res = await b.post(path, { name: "乗っ取り", cancelPolicy: "restore", "cred.licenseKey": "x", confirm: "yes" });
      expect(res.status, path).toBe(404);
    }
    expect(await snapshot(theirs.accountId)).toEqual(before);
    expect((await b.get("/shops")).html).not.toContain("楽天 本店");
  });
});
