import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { runTask } from "../../src/sync/tasks";
import { endOfJstDay } from "../../sim/rakuten/jst";
import { newAccount, type Client } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";

const sim = useMallSim();

beforeEach(async () => {
  await sim.control("rakuten", "POST", "/reset");
});

async function rakutenShop(c: Client) {
  const res = await c.post("/shops", { kind: "rakuten", name: "楽天", credentials: sim.credentials("rakuten"), baseUrl: sim.baseUrl("rakuten") });
  expect(res.status).toBe(201);
  return res.json;
}

const dailyTest = (c: Client, shopId: number) => runTask(env, { kind: "housekeeping", job: "connection-test", accountId: c.accountId, shopId });
const expiringRows = async (c: Client) => (await c.get("/logs/operations")).json.items.filter((o: any) => o.action === "shop.credentials_expiring");

describe("daily 接続テスト", () => {
  it("a license key that expires in 10 days shows a warning on the shop and one 操作ログ row a day", async () => {
    const c = await newAccount();
    const shop = await rakutenShop(c);
    expect(shop.warnings).toEqual([]);
    const expiresAt = endOfJstDay(Date.now(), 10);
    sim.sims.rakuten.state.credentials.expiresAt = expiresAt;

    await dailyTest(c, shop.id);
    const seen = (await c.get(`/shops/${shop.id}`)).json;
    expect(seen.lastTest).toMatchObject({ ok: true });
    expect(seen.status).toBe("ok");
    expect(seen.credentialsExpireAt).toBe(new Date(expiresAt).toISOString());
    expect(seen.warnings).toHaveLength(1);
    expect(seen.warnings[0]).toMatchObject({ code: "credentials_expiring", expiresAt: new Date(expiresAt).toISOString() });
    expect(seen.warnings[0].daysLeft).toBeGreaterThanOrEqual(9);
    expect(seen.warnings[0].daysLeft).toBeLessThanOrEqual(10);
    expect((await c.get("/shops")).json.items[0].warnings).toEqual(seen.warnings);

    const rows = await expiringRows(c);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ actor: "system", target: String(shop.id) });
    expect(rows[0].after.expiresAt).toBe(new Date(expiresAt).toISOString());

    // The same day again (the queue may deliver twice; the merchant may test by hand): no second row.
    await dailyTest(c, shop.id);
    expect((await c.post(`/shops/${shop.id}/test`)).json).toMatchObject({ ok: true });
    expect(await expiringRows(c)).toHaveLength(1);
  });

  it("credentials valid for months give no warning and no log row", async () => {
    const c = await newAccount();
    const shop = await rakutenShop(c);
    await dailyTest(c, shop.id);
    const seen = (await c.get(`/shops/${shop.id}`)).json;
    expect(seen.lastTest).toMatchObject({ ok: true });
    expect(seen.credentialsExpireAt).not.toBeNull();
    expect(seen.warnings).toEqual([]);
    expect(await expiringRows(c)).toEqual([]);
  });

  it("a mall that is down at test time leaves the shop running; refused credentials stop it", async () => {
    const c = await newAccount();
    const shop = await rakutenShop(c);
    await sim.control("rakuten", "POST", "/faults", { type: "5xx", times: 1 });
    await dailyTest(c, shop.id);
    let seen = (await c.get(`/shops/${shop.id}`)).json;
    expect(seen.lastTest).toMatchObject({ ok: false });
    expect(seen.status).toBe("ok");

    sim.sims.rakuten.state.credentials.licenseKey = "SL338120_someoneElsesKey";
    await dailyTest(c, shop.id);
    seen = (await c.get(`/shops/${shop.id}`)).json;
    expect(seen.lastTest).toMatchObject({ ok: false });
    expect(seen.status).toBe("stopped");

    // Fixed on the mall's side: the daily test records it, the merchant resumes the shop by testing.
    await sim.control("rakuten", "POST", "/reset");
    await dailyTest(c, shop.id);
    seen = (await c.get(`/shops/${shop.id}`)).json;
    expect(seen.lastTest).toMatchObject({ ok: true });
    expect(seen.status).toBe("stopped");
    expect((await c.post(`/shops/${shop.id}/test`)).json).toMatchObject({ ok: true });
    expect((await c.get(`/shops/${shop.id}`)).json.status).toBe("ok");
  });
});
