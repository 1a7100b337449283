import { describe, expect, it } from "vitest";
import { SIM_BASE, useMallSim } from "../helpers/mall-sim";

// The simulated malls' authorization-code grant as a client meets it, without Kura: a code is
// good once, for the client and the redirect URI it was issued to, within its lifetime; a refusal
// is the documented {error, error_description}.

const sim = useMallSim();
const REDIRECT = "https://kura.test/shops/connect/x/callback";

/** Consents on a simulated mall's page and answers the code it sends back. */
async function codeFrom(authorize: string, codeParam = "code"): Promise<string> {
  const html = await (await fetch(authorize)).text();
  const form = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) form.append(m[1], m[2].replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))));
  form.set("decision", "allow");
  const action = new URL(authorize);
  const res = await fetch(action.origin + action.pathname, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form, redirect: "manual" });
  return new URL(res.headers.get("location")!).searchParams.get(codeParam)!;
}

const form = (o: Record<string, string>) => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams(o).toString() });

describe("BASE's token endpoint", () => {
  const authorize = `${SIM_BASE}/base/1/oauth/authorize?response_type=code&client_id=kura-demo-base-client&redirect_uri=${encodeURIComponent(REDIRECT)}&scope=read_items&state=s`;
  const grant = (code: string, extra: Record<string, string> = {}) =>
    fetch(`${SIM_BASE}/base/1/oauth/token`, form({ grant_type: "authorization_code", client_id: "kura-demo-base-client", client_secret: "kura-demo-base-secret", code, redirect_uri: REDIRECT, ...extra }));

  it("trades a code once, for its redirect URI, and the refresh token rotates", async () => {
    await sim.control("base", "POST", "/reset");
    const code = await codeFrom(authorize);
    expect((await grant(code, { redirect_uri: "https://elsewhere.test/cb" })).status).toBe(400);
    const again = await codeFrom(authorize);
    const ok = await grant(again);
    const tokens = (await ok.json()) as { refresh_token: string };
    expect(ok.status).toBe(200);
    const replay = await grant(again);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toEqual({ error: "invalid_grant", error_description: expect.any(String) });
    const refresh = (rt: string) => fetch(`${SIM_BASE}/base/1/oauth/token`, form({ grant_type: "refresh_token", client_id: "kura-demo-base-client", client_secret: "kura-demo-base-secret", refresh_token: rt, redirect_uri: REDIRECT }));
    const next = (await (await refresh(tokens.refresh_token)).json()) as { refresh_token: string };
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect((await refresh(tokens.refresh_token)).status).toBe(400); // spent
  });
});

describe("Login with Amazon's token endpoint", () => {
  const authorize = `${SIM_BASE}/amazon/apps/authorize/consent?application_id=amzn1.sp.solution.kura-demo-0000-0000-0000-000000000000&state=s&redirect_uri=${encodeURIComponent(REDIRECT)}`;
  const grant = (code: string, clientId = "amzn1.application-oa2-client.0kurademo0000000000000000000000") =>
    fetch(`${SIM_BASE}/amazon/auth/o2/token`, form({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, client_id: clientId, client_secret: "amzn1.oa2-cs.v1.kura-demo-client-secret-000000000000000000" }));

  it("refuses a code after 5 minutes, to another client, and a second time", async () => {
    await sim.control("amazon", "POST", "/reset");
    const old = await codeFrom(authorize, "spapi_oauth_code");
    await sim.control("amazon", "POST", "/oauth/age", { seconds: 301 });
    const late = await grant(old);
    expect(late.status).toBe(400);
    expect(await late.json()).toEqual({ error: "invalid_grant", error_description: "The authorization code has expired" });
    const code = await codeFrom(authorize, "spapi_oauth_code");
    expect((await grant(code, "amzn1.application-oa2-client.someone-else")).status).toBe(401);
    const fresh = await codeFrom(authorize, "spapi_oauth_code");
    expect((await grant(fresh)).status).toBe(200);
    expect((await grant(fresh)).status).toBe(400);
  });

  it("asks a draft app for version=beta", async () => {
    await sim.control("amazon", "POST", "/reset");
    sim.sims.amazon.state.appIsDraft = true;
    expect((await fetch(authorize)).status).toBe(400);
    expect((await fetch(`${authorize}&version=beta`)).status).toBe(200);
    sim.sims.amazon.state.appIsDraft = false;
  });
});

describe("Shopify's callback", () => {
  it("carries code, hmac, host, shop, state and timestamp, signed with the app's client secret", async () => {
    await sim.control("shopify", "POST", "/reset");
    const authorize = `${SIM_BASE}/shopify/admin/oauth/authorize?client_id=kura-sim-client-id&scope=read_products&redirect_uri=${encodeURIComponent(REDIRECT)}&state=nonce`;
    const html = await (await fetch(authorize)).text();
    const body = new URLSearchParams();
    for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) body.append(m[1], m[2]);
    body.set("decision", "allow");
    const res = await fetch(`${SIM_BASE}/shopify/admin/oauth/authorize`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body, redirect: "manual" });
    const q = Object.fromEntries(new URL(res.headers.get("location")!).searchParams);
    expect(Object.keys(q).sort()).toEqual(["code", "hmac", "host", "shop", "state", "timestamp"]);
    const message = Object.keys(q).filter((k) => k !== "hmac").sort().map((k) => `${k}=${q[k]}`).join("&");
    const key = await crypto.subtle.importKey("raw", new TextEncoder().encode("kura-sim-client-secret-0123456789"), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
    const mac = [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(message)))].map((b) => b.toString(16).padStart(2, "0")).join("");
    expect(q.hmac).toBe(mac);
    // Without expiring=1 the code buys a non-expiring offline token; the code is then spent.
    const trade = () => fetch(`${SIM_BASE}/shopify/admin/oauth/access_token`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ client_id: "kura-sim-client-id", client_secret: "kura-sim-client-secret-0123456789", code: q.code }) });
    const first = (await (await trade()).json()) as Record<string, unknown>;
    expect(Object.keys(first).sort()).toEqual(["access_token", "scope"]);
    const second = await trade();
    expect(second.status).toBe(400);
    expect(await second.json()).toMatchObject({ error: "invalid_request" });
  });
});
