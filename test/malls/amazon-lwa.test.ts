import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createDb } from "../../src/db/client";
import type { Shop } from "../../src/db/queries/shops";
import { amazonAdapter } from "../../src/malls/amazon";
import { LWA_TOKEN_URL } from "../../src/malls/amazon/client";
import { mallContext, sealCredentials } from "../../src/malls/context";
import { demoCredentials } from "../../sim/amazon";
import { LWA_URL, setup } from "./amazon-helpers";

// The LWA token endpoint is a deployment setting (Worker var AMAZON_LWA_URL → ctx.authUrl), not a
// shop's: a baseUrl pointing elsewhere (sandbox, fixed-IP egress proxy) moves the SP-API calls only.

const PROXY = "https://egress-proxy.test/amazon";

/** Wraps ctx.fetch to log where each request went ("host path", no query). */
function recordHosts(ctx: { fetch: typeof fetch }) {
  const seen: string[] = [];
  const inner = ctx.fetch;
  ctx.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    seen.push(`${url.host} ${url.pathname}`);
    return inner(input, init);
  }) as typeof fetch;
  return seen;
}

describe("amazon LWA endpoint", () => {
  it("a shop whose baseUrl points at another host still gets its token from the configured LWA URL", async () => {
    const { ctx } = setup({ baseUrl: PROXY });
    const seen = recordHosts(ctx);
    expect(await amazonAdapter.testConnection(ctx)).toEqual({ ok: true });
    expect(seen).toEqual([
      "sim.test /amazon/auth/o2/token",
      `egress-proxy.test /amazon/listings/2021-08-01/items/${demoCredentials.sellerId}`,
    ]);
  });

  it("without a configured URL the token comes from Login with Amazon itself, whatever the baseUrl", async () => {
    const { ctx } = setup({ baseUrl: PROXY });
    ctx.authUrl = undefined;
    const seen = recordHosts(ctx);
    await amazonAdapter.testConnection(ctx);
    expect(LWA_TOKEN_URL).toBe("https://api.amazon.com/auth/o2/token");
    expect(seen[0]).toBe("api.amazon.com /auth/o2/token");
  });

  it("mallContext hands the adapter AMAZON_LWA_URL from the Worker env, not from the shop", async () => {
    expect(env.AMAZON_LWA_URL).toBe(LWA_URL); // vitest.config.ts binds it to the simulator
    const shop = { id: 9001, accountId: 9001, kind: "amazon", baseUrl: PROXY, credentialsEnc: null } as unknown as Shop;
    shop.credentialsEnc = await sealCredentials(env, shop, demoCredentials);
    const ctx = await mallContext(env, createDb(env.DB), shop);
    expect(ctx.baseUrl).toBe(PROXY);
    expect(ctx.authUrl).toBe(LWA_URL);

    // Run it against the simulator, whichever host a request names.
    const { ctx: simCtx } = setup();
    ctx.fetch = simCtx.fetch;
    const seen = recordHosts(ctx);
    ctx.saveCredentials = async (next) => void (ctx.credentials = next);
    expect(await amazonAdapter.testConnection(ctx)).toEqual({ ok: true });
    expect(seen.map((s) => s.split(" ")[0])).toEqual(["sim.test", "egress-proxy.test"]);
  });
});
