import { env, exports } from "cloudflare:workers";
import { expect, it } from "vitest";
it("serves", async () => {
  const res = await exports.default.fetch("http://x/");
  expect(await res.text()).toBe("kura");
  const r = await env.DB.prepare("select count(*) as n from accounts").first();
  expect(r).toEqual({ n: 0 });
});
