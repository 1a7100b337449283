import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { type Client, drain, newAccount, product, until } from "../helpers/api";

// Issue 10's promise: a file Kura exports imports back unchanged. A catalogue with machine-
// dependent characters (①㈱髙﨑), a set, per-shop 管理 and モールコード goes out of one account in
// Shift_JIS, into a fresh account through POST /api/v1/imports, and out again: byte for byte.

async function download(token: string, path: string): Promise<Uint8Array> {
  const res = await exports.default.fetch(`http://kura.test/api/v1/exports/${path}`, { headers: { authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return new Uint8Array(await res.arrayBuffer());
}

async function addShop(accountId: number, name: string, kind: string): Promise<number> {
  const row = await env.DB.prepare("INSERT INTO shops (account_id, kind, name) VALUES (?, ?, ?) RETURNING id").bind(accountId, kind, name).first<{ id: number }>();
  return row!.id;
}

/** Uploads a file as an API client would, waits for validation, applies it, waits until applied. */
async function importFile(c: Client, kind: string, bytes: Uint8Array) {
  const res = await exports.default.fetch(`http://kura.test/api/v1/imports?kind=${kind}&encoding=auto&stockMode=set`, {
    method: "POST",
    headers: { authorization: `Bearer ${c.token}`, "content-type": "text/csv" },
    body: bytes,
  });
  const started: any = await res.json();
  expect(res.status, JSON.stringify(started).slice(0, 400)).toBe(202);
  const checked = await until(`import ${started.id} validated`, async () => (await c.get(`/imports/${started.id}`)).json, (r) => r.status !== "validating", 20_000);
  expect(checked.status).toBe("validated");
  expect(checked.errors).toEqual([]);
  expect((await c.post(`/imports/${started.id}/apply`, {})).status).toBe(202);
  const applied = await until(`import ${started.id} applied`, async () => (await c.get(`/imports/${started.id}`)).json, (r) => r.status !== "applying", 20_000);
  expect(applied.status).toBe("applied");
  return applied;
}

async function drainAll(c: Client) {
  for (const g of (await c.get("/groups")).json.items) await drain(c.accountId, g.id);
}

describe("export → import → export", () => {
  it("a Shift_JIS products file with ①㈱髙﨑, a set and per-shop columns comes back byte for byte, and so do stock and mappings", async () => {
    const from = await newAccount();
    expect((await from.post("/groups", { name: "茶葉" })).status).toBe(201);
    const shopA = [await addShop(from.accountId, "楽天本店", "rakuten"), await addShop(from.accountId, "Yahoo!店", "yahoo")];
    await product(from, "TEA-1", { name: "①㈱髙﨑テスト 煎茶, \"特選\"", onHand: 12, group: "茶葉", reserved: 2, lowStockThreshold: 5 });
    await product(from, "CUP-1", { name: "湯呑", onHand: 30, group: "茶葉", syncMode: "manual" });
    await product(from, "MISC-1", { name: "手ぬぐい", onHand: 0, syncMode: "stopped" });
    await product(from, "GIFT-1", { name: "贈答セット", group: "茶葉", components: [{ masterCode: "TEA-1", quantity: 2 }, { masterCode: "CUP-1", quantity: 1 }] });
    expect((await from.put(`/products/TEA-1/shops/${shopA[0]}`, { mallCode: "rk-tea-1" })).status).toBe(200);
    expect((await from.put(`/products/CUP-1/shops/${shopA[1]}`, { managed: false, mallCode: "y-cup" })).status).toBe(200);
    await drainAll(from);
    const products = await download(from.token, "products.csv?encoding=shift_jis");
    const stock = await download(from.token, "stock.csv?encoding=shift_jis");
    const mappings = await download(from.token, "mappings.csv?encoding=shift_jis");
    expect(new TextDecoder("shift_jis").decode(products)).toContain("①㈱髙﨑テスト");

    const to = await newAccount();
    expect((await to.post("/groups", { name: "茶葉" })).status).toBe(201);
    await addShop(to.accountId, "楽天本店", "rakuten");
    await addShop(to.accountId, "Yahoo!店", "yahoo");
    const applied = await importFile(to, "products", products);
    expect(applied.applied).toMatchObject({ created: 4 });
    await drainAll(to);
    expect([...(await download(to.token, "products.csv?encoding=shift_jis"))]).toEqual([...products]);
    expect([...(await download(to.token, "stock.csv?encoding=shift_jis"))]).toEqual([...stock]);
    expect([...(await download(to.token, "mappings.csv?encoding=shift_jis"))]).toEqual([...mappings]);

    // Re-importing the stock and mappings files changes nothing: the files still read the same.
    await importFile(to, "stock", stock);
    await importFile(to, "mappings", mappings);
    await drainAll(to);
    expect([...(await download(to.token, "products.csv?encoding=shift_jis"))]).toEqual([...products]);
  });
});
