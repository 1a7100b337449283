import { describe, expect, it } from "vitest";
import { login, newShop, request, snapshot } from "./helpers";

const newStaff = () => ({ email: `csrf-${crypto.randomUUID().slice(0, 8)}@example.jp`, name: "x", role: "admin", password: "initial password" });

describe("CSRF", () => {
  it("a form posted from another origin is refused before anything is written", async () => {
    const shop = await newShop();
    const owner = await login(shop.users.owner.email);
    const before = await snapshot(shop.accountId);
    const res = await request("/staff", { cookie: owner.cookie, origin: "https://evil.example", form: { _csrf: owner.csrf, ...newStaff() } });
    expect(res.status).toBe(403);
    const none = await request("/staff", { cookie: owner.cookie, origin: null, form: { _csrf: owner.csrf, ...newStaff() } });
    expect(none.status).toBe(403);
    expect(await snapshot(shop.accountId)).toEqual(before);
  });

  it("a same-origin post without the session's token, or with another session's, is refused", async () => {
    const shop = await newShop();
    const owner = await login(shop.users.owner.email);
    const other = await login(shop.users.admin.email);
    const before = await snapshot(shop.accountId);
    expect((await request("/staff", { cookie: owner.cookie, form: newStaff() })).status).toBe(403);
    expect((await request("/staff", { cookie: owner.cookie, form: { _csrf: other.csrf, ...newStaff() } })).status).toBe(403);
    expect((await request("/staff", { cookie: owner.cookie, form: { _csrf: "", ...newStaff() } })).status).toBe(403);
    expect((await request("/logout", { cookie: owner.cookie, form: {} })).status).toBe(403);
    // A JSON body skips hono's origin check (not a form type) but still needs the token.
    const json = await request("/staff", { cookie: owner.cookie, form: {}, headers: { "content-type": "application/json" } });
    expect(json.status).toBe(403);
    expect(await snapshot(shop.accountId)).toEqual(before);
    // With the token, the same post goes through.
    expect((await owner.post("/staff", newStaff())).status).toBe(303);
  });
});

describe("accounts never see each other", () => {
  it("an owner cannot change, disable or list another account's staff", async () => {
    const a = await newShop();
    const b = await newShop();
    const ownerA = await login(a.users.owner.email);
    const before = await snapshot(b.accountId);
    expect((await ownerA.post(`/staff/${b.users.admin.id}/role`, { role: "viewer" })).status).toBe(404);
    expect((await ownerA.post(`/staff/${b.users.admin.id}/disable`)).status).toBe(404);
    expect((await ownerA.post(`/staff/${b.users.admin.id}/enable`)).status).toBe(404);
    expect(await snapshot(b.accountId)).toEqual(before);
    const list = (await ownerA.get("/staff")).html;
    expect(list).toContain(a.users.admin.email);
    expect(list).not.toContain(b.users.admin.email);
  });

  it("the owner adds a staff member who can then log in with the initial password, and disabling ends their sessions", async () => {
    const shop = await newShop();
    const owner = await login(shop.users.owner.email);
    const email = `added-${crypto.randomUUID().slice(0, 8)}@example.jp`;
    expect((await owner.post("/staff", { email, name: "佐藤", role: "staff", password: "first password 1" })).status).toBe(303);
    expect((await owner.post("/staff", { email, name: "二重", role: "staff", password: "first password 1" })).html).toContain("既に使われています");
    const added = await login(email, "first password 1");
    expect((await added.get("/")).html).toContain("佐藤");
    const id = /action="\/staff\/(\d+)\/disable"/g;
    const ids = [...(await owner.get("/staff")).html.matchAll(id)].map((m) => Number(m[1]));
    const addedId = Math.max(...ids);
    expect((await owner.post(`/staff/${addedId}/disable`)).status).toBe(303);
    expect((await added.get("/")).location).toMatch(/^\/login/);
    // The owner cannot disable or demote themselves.
    expect((await owner.post(`/staff/${shop.users.owner.id}/disable`)).status).toBe(400);
    expect((await owner.post(`/staff/${shop.users.owner.id}/role`, { role: "viewer" })).status).toBe(400);
  });
});
