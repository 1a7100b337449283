import { describe, expect, it } from "vitest";
import { call, drain } from "../helpers/api";
import { login, newShop } from "./helpers";

// 在庫少 (SPEC §2): a product is low at or under its own 在庫少設定数, or, without one, under the
// account's default (システム設定). The 状態 filter of the 商品管理 grid and GET /api/v1/products?status=low
// share one condition; both used to ignore the default.

function codes(html: string): string[] {
  return [...html.matchAll(/<th scope="row">(?:<a href="[^"]*">)?<code>([^<]+)<\/code>/g)].map((m) => m[1]);
}

describe("the 在庫少 filter", () => {
  it("uses the account's default threshold for products without their own, in the grid and in the API", async () => {
    const shop = await newShop();
    const api = (method: string, path: string, body?: unknown) => call(shop.apiToken, method, path, body);
    for (const [masterCode, extra] of [
      ["OWN-LOW", { onHand: 2, lowStockThreshold: 2 }],
      ["OWN-OK", { onHand: 4, lowStockThreshold: 3 }], // its own threshold wins over the default
      ["DEF-LOW", { onHand: 4 }],
      ["DEF-OK", { onHand: 9 }],
      ["NEVER-STOCKED", {}], // no stock yet: 0 on hand
    ] as const) {
      expect((await api("POST", "/products", { masterCode, name: `商品 ${masterCode}`, ...extra })).status).toBe(201);
    }
    await drain(shop.accountId, (await api("GET", "/products/OWN-LOW")).json.group.id);
    const b = await login(shop.users.viewer.email);
    const lowInApi = async () => (await api("GET", "/products?status=low")).json.items.map((p: any) => p.masterCode);

    expect(await lowInApi()).toEqual(["OWN-LOW"]);
    expect(codes((await b.get("/products?status=low")).html)).toEqual(["OWN-LOW"]);

    expect((await api("PATCH", "/settings", { lowStockDefault: 5 })).status).toBe(200);
    expect(await lowInApi()).toEqual(["DEF-LOW", "NEVER-STOCKED", "OWN-LOW"]);
    const page = (await b.get("/products?status=low")).html;
    expect(codes(page)).toEqual(["DEF-LOW", "NEVER-STOCKED", "OWN-LOW"]);
    // One at a time through the API's keyset cursor: the same three, none twice.
    const paged: string[] = [];
    let cursor: string | null = null;
    do {
      const res: any = (await api("GET", `/products?status=low&limit=1${cursor ? `&cursor=${cursor}` : ""}`)).json;
      paged.push(...res.items.map((p: any) => p.masterCode));
      cursor = res.nextCursor;
    } while (cursor && paged.length < 10);
    expect(paged).toEqual(["DEF-LOW", "NEVER-STOCKED", "OWN-LOW"]);

    // Another account's default changes nothing here.
    const other = await newShop();
    expect((await call(other.apiToken, "PATCH", "/settings", { lowStockDefault: 100 })).status).toBe(200);
    expect(await lowInApi()).toEqual(["DEF-LOW", "NEVER-STOCKED", "OWN-LOW"]);
  });
});
