import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { decryptJson } from "../../src/lib/crypto";
import type { SimKind } from "../../sim/index";
import { drain, newAccount, product } from "../helpers/api";
import { useMallSim } from "../helpers/mall-sim";

const sim = useMallSim();

// How each simulated mall knows the product TEA-1 (BASE only knows its own numeric ids, so the
// listing carries a 別品番紐づけ override there).
const MALL_CODE: Record<SimKind, { code: string; override?: string }> = {
  rakuten: { code: "tea-1:normal-inventory" },
  yahoo: { code: "TEA-1" },
  amazon: { code: "TEA-1" },
  shopify: { code: "TEA-1" },
  base: { code: "5001", override: "5001" },
  aupay: { code: "TEA-1" },
  // カラーミー knows a product's options by their values: one option of product 6001.
  colorme: { code: "6001:白:S", override: "6001:白:S" },
};

/** Shopify's cost bucket may ask to wait: honour the hint once, as the sync engine would. */
async function pull(c: Awaited<ReturnType<typeof newAccount>>, shopId: number) {
  const first = await c.post(`/shops/${shopId}/pull`);
  if (first.status !== 503) return first;
  expect(first.json.errorClass).toBe("rate");
  await new Promise((r) => setTimeout(r, first.json.retryAfterSec * 1000));
  return c.post(`/shops/${shopId}/pull`);
}

describe.each(Object.keys(MALL_CODE) as SimKind[])("a %s shop", (kind) => {
  it("connects, pushes absolute figures, takes in orders and cancels, and reads stock back", async () => {
    const c = await newAccount();
    await sim.control(kind, "POST", "/reset");
    const shopRes = await c.post("/shops", { kind, name: `${kind} 本店`, credentials: sim.credentials(kind), baseUrl: sim.baseUrl(kind) });
    expect(shopRes.status, JSON.stringify(shopRes.json)).toBe(201);
    const shop = shopRes.json;
    expect(shop.credentials).toEqual({ configured: true });

    expect((await c.post(`/shops/${shop.id}/test`)).json).toMatchObject({ ok: true });
    expect((await c.get(`/shops/${shop.id}`)).json).toMatchObject({ status: "ok", lastTest: { ok: true } });

    const p = await product(c, "TEA-1", { onHand: 30 });
    const { code, override } = MALL_CODE[kind];
    if (override) expect((await c.put(`/products/TEA-1/shops/${shop.id}`, { managed: true, mallCode: override })).json.effectiveMallCode).toBe(code);
    await sim.control(kind, "POST", "/listings", { items: [{ code, quantity: 99 }] });
    await drain(c.accountId, p.group.id);

    const pushed = await c.post(`/shops/${shop.id}/push`);
    expect(pushed.json, JSON.stringify(pushed.json)).toMatchObject({ sent: 1, failed: 0, items: [{ masterCode: "TEA-1", mallCode: code, figure: 30, ok: true }] });
    expect((await c.post(`/shops/${shop.id}/push`)).json).toMatchObject({ sent: 0 }); // nothing changed since
    const live = await c.get(`/shops/${shop.id}/stock?codes=TEA-1`);
    expect(live.json.items).toEqual([{ masterCode: "TEA-1", mallCode: code, lastSentFigure: 30, quantity: 30 }]);

    const order = await sim.control(kind, "POST", "/orders", { lines: [{ code, quantity: 2 }] });
    const pulled = await pull(c, shop.id);
    expect(pulled.status, JSON.stringify(pulled.json)).toBe(200);
    expect(pulled.json.counts.applied).toBe(1);
    expect((await c.get("/products/TEA-1")).json.onHand).toBe(28);
    // Polling again re-reads the overlap window: nothing is counted twice.
    expect((await pull(c, shop.id)).status).toBe(200);
    expect((await c.get("/products/TEA-1")).json.onHand).toBe(28);

    await sim.control(kind, "POST", `/orders/${order.orderId}/cancel`);
    const afterCancel = await pull(c, shop.id);
    expect(afterCancel.status, JSON.stringify(afterCancel.json)).toBe(200);
    expect(afterCancel.json.counts.applied).toBeGreaterThanOrEqual(1);
    expect((await c.get("/products/TEA-1")).json.onHand).toBe(30);

    await drain(c.accountId, p.group.id);
    const log = await c.get("/logs/sales?masterCode=TEA-1");
    expect(log.json.items.filter((r: any) => r.result === "applied").map((r: any) => r.kind).sort()).toEqual(["cancel", "sale"]);
  });
});

describe("shops", () => {
  it("credentials are encrypted at rest, never returned, and never logged", async () => {
    const c = await newAccount();
    const logged: string[] = [];
    const spies = (["log", "info", "warn", "error", "debug"] as const).map((m) => vi.spyOn(console, m).mockImplementation((...a) => void logged.push(a.map(String).join(" "))));
    const creds = { serviceSecret: "SP-top-secret-service", licenseKey: "SL-top-secret-license" };
    const shop = (await c.post("/shops", { kind: "rakuten", name: "楽天", credentials: creds, baseUrl: sim.baseUrl("rakuten") })).json;
    const responses = [
      await c.get("/shops"),
      await c.get(`/shops/${shop.id}`),
      await c.post(`/shops/${shop.id}/test`), // wrong key for the simulator: NG
      await c.post(`/shops/${shop.id}/pull`),
      await c.patch(`/shops/${shop.id}`, { name: "楽天 本店", credentials: { ...creds, licenseKey: "SL-another-secret" } }),
      await c.get("/logs/operations"),
    ];
    for (const m of spies) m.mockRestore();
    const everything = JSON.stringify(responses) + logged.join("\n");
    for (const secret of ["SP-top-secret-service", "SL-top-secret-license", "SL-another-secret"]) expect(everything).not.toContain(secret);

    const row = await env.DB.prepare("SELECT credentials_enc FROM shops WHERE id = ?").bind(shop.id).first<{ credentials_enc: string }>();
    expect(row!.credentials_enc).toMatch(/^v1:/);
    expect(row!.credentials_enc).not.toContain("secret");
    const context = `account:${c.accountId}:shop:${shop.id}`;
    expect(await decryptJson(env.CREDENTIALS_KEY, context, row!.credentials_enc)).toEqual({ ...creds, licenseKey: "SL-another-secret" });
    // Bound to its row: the same ciphertext does not open under another shop's context.
    await expect(decryptJson(env.CREDENTIALS_KEY, `account:${c.accountId}:shop:${shop.id + 1}`, row!.credentials_enc)).rejects.toThrow();
  });

  it("a first push of a code Rakuten silently accepts but does not know is reported as 未登録コード", async () => {
    const c = await newAccount();
    await sim.control("rakuten", "POST", "/reset");
    const shop = (await c.post("/shops", { kind: "rakuten", name: "楽天", credentials: sim.credentials("rakuten"), baseUrl: sim.baseUrl("rakuten") })).json;
    const p = await product(c, "KNOWN-1", { onHand: 4 });
    await product(c, "GHOST-1", { onHand: 4 });
    await sim.control("rakuten", "POST", "/listings", { items: [{ code: "known-1:normal-inventory", quantity: 0 }] });
    await drain(c.accountId, p.group.id);
    const res = await c.post(`/shops/${shop.id}/push`);
    expect(res.json).toMatchObject({ sent: 1, failed: 1 });
    const ghost = res.json.items.find((i: any) => i.masterCode === "GHOST-1");
    expect(ghost).toMatchObject({ ok: false, errorClass: "item" });
    expect(ghost.error).toContain("未登録コード");
    // It stays 未反映 and in the error filter until the merchant maps or removes it.
    expect((await c.get("/products?status=error")).json.items.map((i: any) => i.masterCode)).toEqual(["GHOST-1"]);
  });

  it("a token rotated by the mall is persisted, encrypted, so the next call still works", async () => {
    const c = await newAccount();
    await sim.control("base", "POST", "/reset");
    const initial = sim.credentials("base");
    const shop = (await c.post("/shops", { kind: "base", name: "BASE", credentials: initial, baseUrl: sim.baseUrl("base") })).json;
    expect((await c.post(`/shops/${shop.id}/test`)).json).toMatchObject({ ok: true });
    const row = await env.DB.prepare("SELECT credentials_enc FROM shops WHERE id = ?").bind(shop.id).first<{ credentials_enc: string }>();
    const stored = await decryptJson<Record<string, unknown>>(env.CREDENTIALS_KEY, `account:${c.accountId}:shop:${shop.id}`, row!.credentials_enc);
    // BASE rotates the refresh token on every refresh; the old one is spent.
    expect(stored.refreshToken).not.toBe(initial.refreshToken);
    expect(stored.accessToken).toBeTruthy();
    expect((await c.post(`/shops/${shop.id}/test`)).json).toMatchObject({ ok: true });
  });

  it("a failed 接続テスト turns the shop to 停止中 with the reason", async () => {
    const c = await newAccount();
    const shop = (await c.post("/shops", { kind: "rakuten", name: "楽天", credentials: { serviceSecret: "SP-wrong", licenseKey: "SL-wrong" }, baseUrl: sim.baseUrl("rakuten") })).json;
    const res = await c.post(`/shops/${shop.id}/test`);
    expect(res.json).toMatchObject({ ok: false });
    expect(res.json.reason).toBeTruthy();
    expect((await c.get(`/shops/${shop.id}`)).json).toMatchObject({ status: "stopped", lastTest: { ok: false } });
  });

  it("credentials are validated by the mall's own schema, and bad ones are not stored", async () => {
    const c = await newAccount();
    const r = await c.post("/shops", { kind: "amazon", name: "Amazon", credentials: { sellerId: "A1" } });
    expect(r.status).toBe(400);
    expect(r.json.detail).toContain("credentials.");
    expect((await c.get("/shops")).json.items).toEqual([]);
    expect((await c.post("/shops", { kind: "rakuten", name: "x", credentials: sim.credentials("rakuten"), baseUrl: "http://evil.example/api" })).status).toBe(400);
  });

  it("registering beyond the plan's shop limit is refused with a clear 403", async () => {
    const c = await newAccount({ maxProducts: 10, maxShops: 1 });
    expect((await c.post("/shops", { kind: "yahoo", name: "Y", credentials: sim.credentials("yahoo"), baseUrl: sim.baseUrl("yahoo") })).status).toBe(201);
    const r = await c.post("/shops", { kind: "base", name: "B", credentials: sim.credentials("base"), baseUrl: sim.baseUrl("base") });
    expect(r.status).toBe(403);
    expect(r.json.detail).toContain("1");
  });

  it("another account's shop answers 404 everywhere", async () => {
    const a = await newAccount();
    const b = await newAccount();
    const shop = (await b.post("/shops", { kind: "yahoo", name: "Y", credentials: sim.credentials("yahoo"), baseUrl: sim.baseUrl("yahoo") })).json;
    await product(a, "A-1");
    for (const r of [
      await a.get(`/shops/${shop.id}`),
      await a.patch(`/shops/${shop.id}`, { name: "x" }),
      await a.post(`/shops/${shop.id}/test`),
      await a.post(`/shops/${shop.id}/pull`),
      await a.post(`/shops/${shop.id}/push`),
      await a.get(`/shops/${shop.id}/stock?codes=A-1`),
      await a.put(`/products/A-1/shops/${shop.id}`, { managed: false }),
      await a.del(`/shops/${shop.id}`),
    ]) expect(r.status).toBe(404);
    expect((await b.get(`/shops/${shop.id}`)).status).toBe(200);
  });

  it("a whole-call mall failure is answered as a problem, logged in モール更新ログ, and leaves the figure 未反映", async () => {
    const c = await newAccount();
    await sim.control("yahoo", "POST", "/reset");
    const shop = (await c.post("/shops", { kind: "yahoo", name: "Y", credentials: sim.credentials("yahoo"), baseUrl: sim.baseUrl("yahoo") })).json;
    const p = await product(c, "TEA-1", { onHand: 5 });
    await drain(c.accountId, p.group.id);
    await sim.control("yahoo", "POST", "/faults", { type: "5xx", times: 5 });
    const r = await c.post(`/shops/${shop.id}/push`);
    expect(r.status).toBe(502);
    expect(r.json.errorClass).toBe("transient");
    expect((await c.get(`/shops/${shop.id}`)).json.status).toBe("retrying");
    const logged = await env.DB.prepare("SELECT result, error_class FROM mall_update_log WHERE shop_id = ?").bind(shop.id).all();
    expect(logged.results).toEqual([{ result: expect.any(String), error_class: "transient" }]);
    // Once the mall answers again, the same figure goes out.
    await sim.control("yahoo", "POST", "/reset");
    await sim.control("yahoo", "POST", "/listings", { items: [{ code: "TEA-1", quantity: 0 }] });
    expect((await c.post(`/shops/${shop.id}/push`)).json).toMatchObject({ sent: 1 });
  });
});
