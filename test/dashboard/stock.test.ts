import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { stagedEdits } from "../../src/routes/ui/stock";
import { call, drain } from "../helpers/api";
import { csrfOf, login, newShop } from "./helpers";

// 反映 / 一括反映 from the 商品管理 grid: real products in real StockGroups.

async function shopWithStock() {
  const shop = await newShop();
  for (const [code, onHand] of [["TEA-1", 10], ["CUP-1", 5], ["POT-1", 3]] as const) {
    expect((await call(shop.apiToken, "POST", "/products", { masterCode: code, name: code, onHand })).status).toBe(201);
  }
  const group = (await call(shop.apiToken, "GET", "/groups")).json.items[0].id;
  await drain(shop.accountId, group);
  return { shop, group };
}

const onHand = async (token: string, code: string) => (await call(token, "GET", `/products/${code}`)).json.onHand;

async function gridForm(b: Awaited<ReturnType<typeof login>>, query = "") {
  const html = (await b.get(`/products${query}`)).html;
  const nonce = /name="nonce" value="([^"]+)"/.exec(html)?.[1] ?? "";
  const back = /name="back" value="([^"]*)"/.exec(html)?.[1].replace(/&amp;/g, "&") ?? "";
  const fields: Record<string, string> = { _csrf: csrfOf(html), nonce, back };
  for (const m of html.matchAll(/name="((?:was|q):[^"]+)" value="([^"]*)"/g)) fields[m[1]] = m[2];
  return { html, fields };
}

describe("反映 and 一括反映", () => {
  it("反映 commits the one row named, as a set movement logged with the user; other edits stay uncommitted", async () => {
    const { shop, group } = await shopWithStock();
    const staff = await login(shop.users.staff.email);
    const { html, fields } = await gridForm(staff, "?q=");
    expect(html).toContain('aria-label="TEA-1 の総在庫数"');
    const res = await staff.post("/products/stock", { ...fields, "q:TEA-1": "15", "q:CUP-1": "1", only: "TEA-1" });
    expect(res.status).toBe(303);
    expect(res.location).toBe("/products?q=&saved=1");
    expect(await onHand(shop.apiToken, "TEA-1")).toBe(15);
    expect(await onHand(shop.apiToken, "CUP-1")).toBe(5);
    await drain(shop.accountId, group);
    const log = await env.DB.prepare("SELECT actor, action, target, before, after FROM operation_log WHERE account_id = ? AND action LIKE 'stock.%'").bind(shop.accountId).all();
    expect(log.results).toEqual([{ actor: `user:${shop.users.staff.id}`, action: "stock.set", target: "TEA-1", before: '{"onHand":10}', after: '{"onHand":15,"reason":"商品管理"}' }]);
    expect((await staff.get(res.location!)).html).toContain("1 件の在庫数を反映しました");
  });

  it("一括反映 commits every edited row, one movement each, and refuses to overwrite a figure that moved since the page was drawn", async () => {
    const { shop, group } = await shopWithStock();
    const admin = await login(shop.users.admin.email);
    const { fields } = await gridForm(admin);
    // A sale arrives after the page was drawn.
    await call(shop.apiToken, "POST", "/sales", { source: "pos", orderId: "O-1", lines: [{ lineId: "1", code: "POT-1", quantity: 1 }] });
    const res = await admin.post("/products/stock", { ...fields, "q:TEA-1": "20", "q:CUP-1": "0", "q:POT-1": "9" });
    expect(res.location).toBe("/products?saved=2&stale=POT-1");
    expect([await onHand(shop.apiToken, "TEA-1"), await onHand(shop.apiToken, "CUP-1"), await onHand(shop.apiToken, "POT-1")]).toEqual([20, 0, 2]);
    await drain(shop.accountId, group);
    const n = await env.DB.prepare("SELECT count(*) n FROM operation_log WHERE account_id = ? AND action = 'stock.set' AND actor = ?").bind(shop.accountId, `user:${shop.users.admin.id}`).first("n");
    expect(n).toBe(2);
    expect((await admin.get(res.location!)).html).toContain("POT-1");
  });

  it("a viewer sees no inputs and no 反映 buttons, and a posted edit is 403 and changes nothing", async () => {
    const { shop } = await shopWithStock();
    const viewer = await login(shop.users.viewer.email);
    const html = (await viewer.get("/products")).html;
    expect(html).not.toContain('name="q:');
    expect(html).not.toContain("一括反映");
    expect((await viewer.post("/products/stock", { "was:TEA-1": "10", "q:TEA-1": "0" })).status).toBe(403);
    expect(await onHand(shop.apiToken, "TEA-1")).toBe(10);
  });

  it("reads only edited rows from the form, skipping blanks and unchanged figures", () => {
    const body = { "q:A": "5", "was:A": "5", "q:B": "7", "was:B": "3", "q:C D": "-2", "was:C D": "0", "q:E": "", "was:E": "1", other: "x" };
    expect(stagedEdits(body).map((e) => [e.code, e.want])).toEqual([["B", 7], ["C D", -2], ["E", NaN]]);
    expect(stagedEdits(body, "B")).toEqual([{ code: "B", was: 3, want: 7 }]);
  });
});
