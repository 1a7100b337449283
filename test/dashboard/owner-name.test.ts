import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { login, ORIGIN, PASSWORD } from "./helpers";

// An account's owner is created by the operator API; with a name (as the demo seed now gives it)
// the dashboard shows that name, not the bare e-mail address.

async function createAccount(owner: Record<string, string>) {
  const res = await exports.default.fetch(`${ORIGIN}/api/v1/operator/accounts`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.OPERATOR_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: "名前のある店", owner: { password: PASSWORD, ...owner } }),
  });
  return res.status;
}

describe("the owner's name", () => {
  it("an owner created with a name sees it in the dashboard header", async () => {
    const email = `named-${crypto.randomUUID().slice(0, 8)}@example.jp`;
    expect(await createAccount({ email, name: "店主 蔵田" })).toBe(201);
    const b = await login(email);
    const res = await b.get("/products");
    expect(res.html).toContain("店主 蔵田 (");
    expect(res.html).not.toContain(`${email} (`);
  });

  it("an owner created without one is shown by e-mail address", async () => {
    const email = `unnamed-${crypto.randomUUID().slice(0, 8)}@example.jp`;
    expect(await createAccount({ email })).toBe(201);
    const res = await (await login(email)).get("/products");
    expect(res.html).toContain(`${email} (`);
  });

  it("a name longer than 100 characters is refused", async () => {
    expect(await createAccount({ email: `long-${crypto.randomUUID().slice(0, 8)}@example.jp`, name: "長".repeat(101) })).toBe(400);
  });
});
