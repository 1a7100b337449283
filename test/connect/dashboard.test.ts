import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { useMallSim } from "../helpers/mall-sim";
import { login, newShop } from "../dashboard/helpers";
import { text, written } from "./helpers";

// Where 連携する lives on モール設定: a button per mall whose app this deployment has (Shopify and
// Yahoo ask for the shop domain / store account first), beside the paste form that stays; none
// for a mall without an app; and only for those who may change shops.

useMallSim();

describe("the 連携する buttons", () => {
  it("are offered on モール設定 for each mall with an app, Shopify asking for the shop domain first", async () => {
    const b = await login((await newShop()).users.admin.email);
    const html = (await b.get("/shops")).html;
    for (const kind of ["shopify", "base", "yahoo", "amazon"]) expect(html).toContain(`action="/shops/connect/${kind}"`);
    expect(html).toContain('name="shopDomain"');
    expect(html).toContain('name="sellerId"');
    expect(text(html)).toContain("Shopify と連携する");
    // Rakuten has no connect flow.
    expect(html).not.toContain('action="/shops/connect/rakuten"');
    const en = (await b.get("/shops?lang=en")).html;
    expect(text(en)).toContain("Connect Shopify");
  });

  it("sit beside the paste form on a mall's add page, which stays", async () => {
    const b = await login((await newShop()).users.admin.email);
    const html = (await b.get("/shops/new?kind=base")).html;
    expect(html).toContain('action="/shops/connect/base"');
    expect(html).toContain('name="cred.clientId"');
    expect(text(html)).toContain("認証情報を直接入力する");
  });

  it("are not offered for a mall whose app is not configured, and its start is refused in Japanese", async () => {
    const account = await newShop();
    const b = await login(account.users.admin.email);
    const saved = env.BASE_APP_CLIENT_SECRET;
    (env as { BASE_APP_CLIENT_SECRET?: string }).BASE_APP_CLIENT_SECRET = undefined;
    try {
      const html = (await b.get("/shops")).html;
      expect(html).not.toContain('action="/shops/connect/base"');
      expect(html).toContain('action="/shops/connect/shopify"');
      expect(text((await b.get("/shops/new?kind=base")).html)).toContain("BASE の連携アプリが設定されていない");
      const before = await written(account.accountId);
      const res = await b.post("/shops/connect/base");
      expect(res.status).toBe(400);
      expect(text(res.html)).toContain("BASE の連携アプリが設定されていません");
      expect(await written(account.accountId)).toEqual(before);
    } finally {
      (env as { BASE_APP_CLIENT_SECRET?: string }).BASE_APP_CLIENT_SECRET = saved;
    }
  });

  it("start only with the shops right and the session's CSRF token", async () => {
    const account = await newShop();
    const staff = await login(account.users.staff.email);
    expect((await staff.get("/shops")).html).not.toContain('action="/shops/connect/base"');
    expect((await staff.post("/shops/connect/base")).status).toBe(403);
    const admin = await login(account.users.admin.email);
    const forged = await admin.post("/shops/connect/base", { _csrf: "wrong" });
    expect(forged.status).toBe(403);
    const states = await env.DB.prepare("SELECT COUNT(*) AS n FROM oauth_states WHERE account_id = ?").bind(account.accountId).first<{ n: number }>();
    expect(states!.n).toBe(0);
  });

  it("let モール設定's forms lead to the malls' consent pages (CSP form-action), and no other page's", async () => {
    const b = await login((await newShop()).users.admin.email);
    const csp = async (path: string) => {
      const { exports } = await import("cloudflare:workers");
      const res = await exports.default.fetch(`https://kura.test${path}`, { headers: { cookie: b.cookie }, redirect: "manual" });
      return /form-action ([^;]*)/.exec(res.headers.get("content-security-policy") ?? "")![1].trim();
    };
    // The in-process simulators stand for every mall here (one origin); Shopify's is any shop's admin.
    expect(await csp("/shops")).toBe("'self' https://sim.test");
    expect(await csp("/products")).toBe("'self'");
  });

  it("keeps only a hash of the state", async () => {
    const account = await newShop();
    const b = await login(account.users.admin.email);
    const res = await b.post("/shops/connect/base");
    const state = new URL(res.location!).searchParams.get("state")!;
    expect(state.length).toBeGreaterThanOrEqual(40);
    const row = await env.DB.prepare("SELECT * FROM oauth_states WHERE account_id = ?").bind(account.accountId).first<Record<string, unknown>>();
    expect(JSON.stringify(row)).not.toContain(state);
    expect(row).toMatchObject({ kind: "base", user_id: account.users.admin.id, used_at: null });
    expect(Number(row!.expires_at) - Number(row!.created_at)).toBeLessThanOrEqual(10 * 60_000 + 1000);
  });
});
