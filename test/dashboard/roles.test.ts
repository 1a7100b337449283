import { describe, expect, it } from "vitest";
import type { Role } from "../../src/db/queries/users";
import { can, RIGHTS, ROLES, ROUTE_RIGHTS, rightFor } from "../../src/lib/permissions";
import { dashboard } from "../../src/routes/ui/index";
import { type Browser, login, newShop, snapshot } from "./helpers";

// Every role against every dashboard route that needs more than `read`: a refused request is 403
// and changes nothing in D1; an allowed one is not refused.

describe("the permission table", () => {
  it("gives each role exactly the rights of SPEC §8", () => {
    const expected: Record<Role, Record<string, boolean>> = {
      // owner: everything, users, plan; admin: settings, shops; staff: products, stock, logs; viewer: read only.
      owner: { read: true, catalog: true, shops: true, settings: true, users: true },
      admin: { read: true, catalog: true, shops: true, settings: true, users: false },
      staff: { read: true, catalog: true, shops: false, settings: false, users: false },
      viewer: { read: true, catalog: false, shops: false, settings: false, users: false },
    };
    for (const role of ROLES) for (const [right, allowed] of Object.entries(expected[role])) expect(can(role, right as any), `${role} ${right}`).toBe(allowed);
    for (const role of ROLES) expect(can(role, "self")).toBe(true);
    expect(Object.keys(RIGHTS).sort()).toEqual([...ROLES].sort());
  });

  it("names every state-changing dashboard route, and refuses one it does not name", () => {
    const posts = dashboard.routes.filter((r) => r.method !== "GET" && r.method !== "ALL").map((r) => `${r.method} ${r.path}`);
    expect(posts.length).toBeGreaterThan(0);
    for (const route of posts) {
      if (route === "POST /login") continue; // before any session: no role to check
      const [method, path] = route.split(" ");
      expect(ROUTE_RIGHTS.some((r) => r.method === method && r.path === path), `${route} is missing from ROUTE_RIGHTS`).toBe(true);
    }
    expect(rightFor("POST", "/something-new")).toBeNull();
    expect(rightFor("DELETE", "/staff")).toBeNull();
    expect(rightFor("GET", "/products")).toBe("read");
    expect(rightFor("GET", "/staff")).toBe("users");
  });
});

const concrete = (path: string, targetId: number) => path.replace(/:[a-z]+/g, String(targetId));
const validForm = (path: string): Record<string, string> =>
  path === "/tokens" ? { name: "連携用", scope: "write" } : path === "/staff" ? { email: `new-${crypto.randomUUID().slice(0, 8)}@example.jp`, name: "新人", role: "staff", password: "initial password" } : path.endsWith("/role") ? { role: "admin" } : {};

describe("every role × every guarded dashboard route", () => {
  for (const role of ROLES) {
    it(`${role}: forbidden routes answer 403 and write nothing; allowed ones go through`, async () => {
      const shop = await newShop();
      // The target of /staff/:id/… : a user of the same account who is neither the actor nor the owner.
      const target = role === "viewer" ? shop.users.staff : shop.users.viewer;
      let b: Browser = await login(shop.users[role].email);
      for (const r of ROUTE_RIGHTS) {
        const path = concrete(r.path, target.id);
        const allowed = can(role, r.right);
        const before = await snapshot(shop.accountId);
        const res = r.method === "GET" ? await b.get(path) : await b.post(path, validForm(r.path));
        if (allowed) {
          expect(res.status, `${role} ${r.method} ${path}`).not.toBe(403);
          expect(res.status, `${role} ${r.method} ${path}`).toBeLessThan(500);
          if (r.path === "/logout") b = await login(shop.users[role].email);
        } else {
          expect(res.status, `${role} ${r.method} ${path}`).toBe(403);
          expect(await snapshot(shop.accountId), `${role} ${r.method} ${path} wrote something`).toEqual(before);
        }
      }
    });
  }

  it("a role change takes effect on the user's next request, without logging in again", async () => {
    const shop = await newShop();
    const owner = await login(shop.users.owner.email);
    const admin = await login(shop.users.admin.email);
    expect((await admin.get("/staff")).status).toBe(403);
    expect((await owner.post(`/staff/${shop.users.admin.id}/role`, { role: "viewer" })).status).toBe(303);
    expect((await admin.get("/")).html).toContain("閲覧のみ");
  });
});
