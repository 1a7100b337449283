import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../../src/lib/crypto";
import { ABSOLUTE_MS, IDLE_MS } from "../../src/lib/session";
import { login, newShop, PASSWORD, request, sessionCookie } from "./helpers";

describe("dashboard login", () => {
  it("a correct login sets a __Host- session cookie (HttpOnly, Secure, SameSite=Lax) whose id D1 keeps only hashed", async () => {
    const shop = await newShop();
    const t0 = performance.now();
    const res = await request("/login", { form: { email: shop.users.owner.email, password: PASSWORD } });
    console.log(`login with PBKDF2-SHA256 (100,000 iterations): ${Math.round(performance.now() - t0)} ms`);
    expect(res.status).toBe(303);
    expect(res.location).toBe("/products");
    const header = res.setCookie.find((h) => h.startsWith("__Host-kura_session="))!;
    expect(header).toMatch(/; Path=\//);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; Secure/);
    expect(header).toMatch(/; SameSite=Lax/);
    expect(header).not.toMatch(/Domain=/);
    const id = sessionCookie(res.setCookie)!.split("=")[1];
    const rows = await env.DB.prepare("SELECT id_hash FROM sessions WHERE user_id = ?").bind(shop.users.owner.id).all<{ id_hash: string }>();
    expect(rows.results.map((r) => r.id_hash)).toEqual([await sha256Hex(id)]);
    const stored = await env.DB.prepare("SELECT password_hash FROM users WHERE id = ?").bind(shop.users.owner.id).first<string>("password_hash");
    expect(stored).toMatch(/^pbkdf2\$100000\$/);
  });

  it("a wrong password and an unknown e-mail get the same generic answer", async () => {
    const shop = await newShop();
    const wrong = await request("/login", { form: { email: shop.users.owner.email, password: "not the password" }, ip: "192.0.2.50" });
    const unknown = await request("/login", { form: { email: "nobody@example.jp", password: "not the password" }, ip: "192.0.2.50" });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    const message = (html: string) => /role="alert">([^<]+)</.exec(html)?.[1];
    expect(message(wrong.html)).toBe("メールアドレスまたはパスワードが正しくありません。");
    expect(message(unknown.html)).toBe(message(wrong.html));
    expect(sessionCookie(wrong.setCookie)).toBeNull();
  });

  it("a page without a session redirects to the login page, which returns there (and only to this site) after login", async () => {
    expect((await request("/products")).location).toBe("/login?next=%2Fproducts");
    expect((await request("/login?next=%2Fstaff")).html).toContain('action="/login?next=%2Fstaff"');
    expect((await request("/login?next=%2F%2Fevil.example")).html).toContain('action="/login"');
    const shop = await newShop();
    const back = await request("/login?next=%2Fstaff", { form: { email: shop.users.owner.email, password: PASSWORD } });
    expect(back.location).toBe("/staff");
    const evil = await request("/login?next=%2F%2Fevil.example", { form: { email: shop.users.owner.email, password: PASSWORD } });
    expect(evil.location).toBe("/products");
  });

  it("a form post without a session is refused", async () => {
    const post = await request("/staff", { form: { email: "x@example.jp" } });
    expect(post.status).toBe(401);
  });

  it("logout ends the session on the server, not only in the browser", async () => {
    const shop = await newShop();
    const b = await login(shop.users.staff.email);
    expect((await b.get("/")).status).toBe(200);
    const out = await b.post("/logout");
    expect(out.status).toBe(303);
    expect(out.setCookie.some((h) => h.startsWith("__Host-kura_session=;"))).toBe(true);
    expect((await b.get("/products")).location).toMatch(/^\/login/);
  });

  it("a session ends after the idle time without requests", async () => {
    const shop = await newShop();
    const b = await login(shop.users.viewer.email);
    await env.DB.prepare("UPDATE sessions SET last_seen_at = ? WHERE user_id = ?").bind(Date.now() - IDLE_MS - 1000, shop.users.viewer.id).run();
    expect((await b.get("/products")).location).toMatch(/^\/login/);
    expect(await env.DB.prepare("SELECT count(*) n FROM sessions WHERE user_id = ?").bind(shop.users.viewer.id).first("n")).toBe(0);
  });

  it("a session ends at its absolute expiry even when used all the time", async () => {
    const shop = await newShop();
    const b = await login(shop.users.viewer.email);
    await env.DB.prepare("UPDATE sessions SET expires_at = ?, last_seen_at = ? WHERE user_id = ?").bind(Date.now() - 1, Date.now(), shop.users.viewer.id).run();
    expect((await b.get("/")).location).toMatch(/^\/login/);
    expect(ABSOLUTE_MS).toBeGreaterThan(IDLE_MS);
  });

  it("a password change ends every session of the user and the old password stops working", async () => {
    const shop = await newShop();
    const here = await login(shop.users.staff.email);
    const elsewhere = await login(shop.users.staff.email, PASSWORD, "198.51.100.7");
    const res = await here.post("/account/password", { current: PASSWORD, password: "a brand new password" });
    expect(res.status).toBe(303);
    expect((await elsewhere.get("/products")).location).toMatch(/^\/login/);
    expect((await here.get("/products")).location).toMatch(/^\/login/); // the old cookie too…
    expect(sessionCookie(res.setCookie)).not.toBeNull(); // …replaced by a fresh one
    expect((await request("/login", { form: { email: shop.users.staff.email, password: PASSWORD }, ip: "198.51.100.8" })).status).toBe(401);
    await login(shop.users.staff.email, "a brand new password", "198.51.100.8");
  });

  it("a wrong current password changes nothing", async () => {
    const shop = await newShop();
    const b = await login(shop.users.staff.email);
    expect((await b.post("/account/password", { current: "wrong wrong wrong", password: "another new password" })).status).toBe(400);
    expect((await b.get("/")).status).toBe(200);
  });
});

describe("login rate limit", () => {
  it("after 5 failures for one account even the right password is refused, with the same generic text, from any IP", async () => {
    const shop = await newShop();
    for (let i = 0; i < 5; i++) {
      expect((await request("/login", { form: { email: shop.users.admin.email, password: `guess ${i}` }, ip: `203.0.113.${i}` })).status).toBe(401);
    }
    const refused = await request("/login", { form: { email: shop.users.admin.email, password: PASSWORD }, ip: "203.0.113.99" });
    expect(refused.status).toBe(429);
    expect(refused.html).toContain("ログインの試行が多すぎます");
    expect(sessionCookie(refused.setCookie)).toBeNull();
    // Another account is not affected.
    await login(shop.users.staff.email, PASSWORD, "203.0.113.99");
    // The window passes: the account can log in again.
    await env.DB.prepare("UPDATE login_failures SET window_start = window_start - 16 * 60 * 1000").run();
    await login(shop.users.admin.email, PASSWORD, "203.0.113.100");
  });

  it("after 30 failures from one IP, that IP cannot log in to any account; other IPs can", async () => {
    const shop = await newShop();
    const ip = "203.0.113.200";
    for (let i = 0; i < 30; i++) await request("/login", { form: { email: `spray${i}@example.jp`, password: "guess" }, ip });
    expect((await request("/login", { form: { email: shop.users.owner.email, password: PASSWORD }, ip })).status).toBe(429);
    await login(shop.users.owner.email, PASSWORD, "203.0.113.201");
  });

  it("a disabled user cannot log in", async () => {
    const shop = await newShop();
    await env.DB.prepare("UPDATE users SET disabled_at = 1 WHERE id = ?").bind(shop.users.viewer.id).run();
    expect((await request("/login", { form: { email: shop.users.viewer.email, password: PASSWORD }, ip: "192.0.2.77" })).status).toBe(401);
  });
});
