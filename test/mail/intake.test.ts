import { describe, expect, it } from "vitest";
import { type Client, drain, newAccount, product, until } from "../helpers/api";
import { forwardedOrderMail } from "../../sim/mail/carts";
import { deliver, deliverViaEntrypoint, fixture, inboundOf } from "./helpers";

// The email() handler end to end: a fixture mail for each cart, delivered to the account's own
// address, moves stock through the one intake; the mail is kept with its outcome.

const CODES = ["TEA-SENCHA-100", "CUP-YUNOMI-BLU", "TEA-HOJI-80", "TEA-MATCHA-30", "TOWEL-TENUGUI-01", "TEA-GENMAI-200", "SWEET-YOKAN-5", "CUP-YUNOMI-RED", "SWEET-MONAKA-8", "POT-KYUSU-300"];
const START = 50;

async function shopWithCatalogue(kinds: string[]) {
  const c = await newAccount({ maxProducts: 100, maxShops: 10 });
  for (const code of CODES) await product(c, code, { onHand: START });
  const shops: Record<string, number> = {};
  for (const kind of kinds) {
    const res = await c.post("/shops", { kind, name: `${kind} 店` });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    shops[kind] = res.json.id;
  }
  return { c, shops, to: await inboundOf(c) };
}

const onHand = async (c: Client, code: string) => (await c.get(`/products/${code}`)).json.onHand as number;

const CARTS: [string, string, Record<string, number>][] = [
  ["superdelivery", "superdelivery.eml", { "TEA-SENCHA-100": 2, "CUP-YUNOMI-BLU": 1 }],
  ["shoplist", "shoplist.eml", { "TEA-HOJI-80": 2 }],
  ["futureshop", "futureshop.eml", { "TEA-MATCHA-30": 1, "TOWEL-TENUGUI-01": 3 }],
  ["ponparemall", "ponparemall.eml", { "TEA-GENMAI-200": 1, "SWEET-YOKAN-5": 2 }],
  ["qoo10", "qoo10.eml", { "CUP-YUNOMI-RED": 1 }],
  ["kinarino", "kinarino.eml", { "SWEET-MONAKA-8": 2 }],
  ["bcart", "bcart.eml", { "POT-KYUSU-300": 3, "TEA-SENCHA-100": 5 }],
];

describe("email(): order mails of the seven carts", () => {
  for (const [kind, file, sold] of CARTS) {
    it(`a ${kind} order mail lowers stock by the units it names, on the ${kind} shop`, async () => {
      const { c, shops, to } = await shopWithCatalogue([kind]);
      const d = await deliver(fixture(file), to);
      expect(d.rejected).toBeNull();
      for (const [code, units] of Object.entries(sold)) expect(await onHand(c, code), code).toBe(START - units);
      const mail = (await c.get("/mail")).json.items[0];
      expect(mail).toMatchObject({ cart: kind, shopId: shops[kind], outcome: "applied", reason: null, rawKept: false });
      expect(mail.lines.map((l: any) => [l.code, l.quantity, l.result])).toEqual(Object.entries(sold).map(([code, q]) => [code, q, "applied"]));
      // The 販売ログ names the shop and the order number, as for any mall.
      const p = await c.get(`/products/${Object.keys(sold)[0]}`);
      await drain(c.accountId, p.json.group.id);
      const log = (await c.get(`/logs/sales?masterCode=${Object.keys(sold)[0]}`)).json.items[0];
      expect(log).toMatchObject({ shopId: shops[kind], orderId: mail.orderId, kind: "sale", result: "applied" });
      // The shop's status shows when its last order mail was taken in.
      expect((await c.get(`/shops/${shops[kind]}`)).json.lastImportAt).not.toBeNull();
    });
  }

  it("the same mail twice (and once more forwarded by hand) is one sale", async () => {
    const { c, to } = await shopWithCatalogue(["bcart"]);
    await deliver(fixture("bcart.eml"), to);
    await deliver(fixture("bcart.eml"), to);
    // The same order forwarded again from the merchant's mailbox: another message, the same sale.
    const order = { cart: "bcart" as const, orderId: "B000731", items: [{ code: "POT-KYUSU-300", name: "急須", quantity: 3 }, { code: "TEA-SENCHA-100", name: "煎茶", quantity: 5 }] };
    await deliver(forwardedOrderMail(order, { to, style: "gmail", merchant: "kurata-shop@example.jp" }), to);
    expect(await onHand(c, "POT-KYUSU-300")).toBe(START - 3);
    expect(await onHand(c, "TEA-SENCHA-100")).toBe(START - 5);
    const items = (await c.get("/mail")).json.items;
    expect(items.map((m: any) => m.outcome)).toEqual(["duplicate", "duplicate", "applied"]);
    expect(items[0].subject).toMatch(/^Fwd: /);
    expect(items[0].lines.every((l: any) => l.result === "duplicate")).toBe(true);
  });

  it("forwarded (Fwd: and 転送 with a rewritten subject), multipart/alternative and ISO-2022-JP mails are taken in", async () => {
    const { c, to } = await shopWithCatalogue(["futureshop", "bcart", "qoo10", "ponparemall"]);
    for (const f of ["forwarded-gmail.eml", "forwarded-tenso.eml", "qoo10-alternative.eml", "ponparemall-iso-2022-jp.eml"]) expect((await deliver(fixture(f), to)).rejected, f).toBeNull();
    expect(await onHand(c, "TEA-HOJI-80")).toBe(START - 1);
    expect(await onHand(c, "CUP-YUNOMI-BLU")).toBe(START - 2);
    expect(await onHand(c, "TEA-GENMAI-200")).toBe(START - 4);
    expect(await onHand(c, "TOWEL-TENUGUI-01")).toBe(START - 6);
    expect((await c.get("/mail")).json.items.map((m: any) => [m.cart, m.outcome])).toEqual([
      ["ponparemall", "applied"],
      ["qoo10", "applied"],
      ["bcart", "applied"],
      ["futureshop", "applied"],
    ]);
  });

  it("a mail to an address of no account is rejected and kept nowhere", async () => {
    const { c, to } = await shopWithCatalogue(["qoo10"]);
    const stranger = `0123456789abcdef0123@${to.split("@")[1]}`;
    const d = await deliver(fixture("qoo10.eml"), stranger);
    expect(d.rejected).toContain("no Kura account");
    expect((await deliver(fixture("qoo10.eml"), "orders@elsewhere.example")).rejected).toContain("no Kura account");
    // Through the Worker's entrypoint too (setReject comes back over RPC, a moment later).
    const viaEntry = await deliverViaEntrypoint(fixture("qoo10.eml"), stranger);
    await until("setReject over RPC", async () => viaEntry.rejected, (r) => r !== null, 5000);
    expect(viaEntry.rejected).toContain("no Kura account");
    expect(await onHand(c, "CUP-YUNOMI-RED")).toBe(START);
    expect((await c.get("/mail")).json.items).toEqual([]);
  });

  it("an unparsable mail is kept with its reason and raw message, and a retry after a fix takes it in once", async () => {
    const { c, to } = await shopWithCatalogue(["shoplist"]);
    // A SHOPLIST order for an account with no SHOPLIST shop yet: read, but held.
    const { c: c2, to: to2 } = await shopWithCatalogue([]);
    await deliver(fixture("shoplist.eml"), to2);
    const held = (await c2.get("/mail")).json.items[0];
    expect(held).toMatchObject({ cart: "shoplist", orderId: "SL-88120034", outcome: "held", rawKept: true });
    expect(held.reason).toContain("SHOPLIST のショップがありません");
    const shop = await c2.post("/shops", { kind: "shoplist", name: "SHOPLIST 店" });
    const retried = await c2.post(`/mail/${held.id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.json).toMatchObject({ outcome: "applied", shopId: shop.json.id, rawKept: false });
    expect(await onHand(c2, "TEA-HOJI-80")).toBe(START - 2);
    expect((await c2.post(`/mail/${held.id}/retry`)).status).toBe(409);
    expect(await onHand(c2, "TEA-HOJI-80")).toBe(START - 2);

    // A mail the cart's table cannot read: unparsed, with what is missing.
    await deliver(fixture("unparsable.eml"), to);
    await deliver(fixture("not-an-order.eml"), to);
    const [other, broken] = (await c.get("/mail?outcome=unparsed")).json.items;
    expect(broken).toMatchObject({ cart: "qoo10", orderId: null, outcome: "unparsed", rawKept: true });
    expect(broken.reason).toContain("数量が見つかりません");
    expect(other).toMatchObject({ cart: null, subject: "お問い合わせ", outcome: "unparsed" });
    const again = await c.post(`/mail/${broken.id}/retry`);
    expect(again.json).toMatchObject({ outcome: "unparsed", retriedAt: expect.any(String) });
    expect(await onHand(c, "TEA-SENCHA-100")).toBe(START);
  });

  it("with 取込み off the mail is held, not taken in; after 取込み is back on a retry takes it in", async () => {
    const { c, shops, to } = await shopWithCatalogue(["kinarino"]);
    await c.patch(`/shops/${shops.kinarino}`, { importEnabled: false });
    await deliver(fixture("kinarino.eml"), to);
    const held = (await c.get("/mail")).json.items[0];
    expect(held).toMatchObject({ outcome: "held", shopId: shops.kinarino, orderId: "KN1130-5521", rawKept: true, reason: expect.stringContaining("取込みがオフ") });
    expect(await onHand(c, "SWEET-MONAKA-8")).toBe(START);
    await c.patch(`/shops/${shops.kinarino}`, { importEnabled: true });
    expect((await c.post(`/mail/${held.id}/retry`)).json).toMatchObject({ outcome: "applied", rawKept: false });
    expect(await onHand(c, "SWEET-MONAKA-8")).toBe(START - 2);
  });

  it("a mail over 1 MiB is kept unread (unparsed, its raw message cut at 256 KiB), and touches no stock", async () => {
    const { c, to } = await shopWithCatalogue(["qoo10"]);
    const head = fixture("qoo10.eml");
    const big = new Uint8Array(head.length + 1_100_000);
    big.set(head);
    big.fill(0x41, head.length);
    expect((await deliver(big, to)).rejected).toBeNull();
    const mail = (await c.get("/mail")).json.items[0];
    expect(mail).toMatchObject({ outcome: "unparsed", rawKept: true, rawTruncated: true, rawSize: big.length, reason: expect.stringContaining("大きすぎます") });
    expect(await onHand(c, "CUP-YUNOMI-RED")).toBe(START);
  });

  it("a code no product has is kept as 未登録コード, as from any mall", async () => {
    const c = await newAccount();
    await product(c, "TEA-SENCHA-100", { onHand: START });
    await c.post("/shops", { kind: "bcart", name: "Bカート 店" });
    await deliver(fixture("bcart.eml"), await inboundOf(c));
    const mail = (await c.get("/mail")).json.items[0];
    expect(mail.outcome).toBe("unknown_code");
    expect(mail.lines.map((l: any) => l.result)).toEqual(["unknown_code", "applied"]);
    expect(await onHand(c, "TEA-SENCHA-100")).toBe(START - 5);
    const unmatched = (await c.get("/sales/unmatched")).json.items;
    expect(unmatched.map((u: any) => [u.code, u.shopId, u.orderId])).toContainEqual(["POT-KYUSU-300", mail.shopId, "B000731"]);
  });

  it("with two shops of one cart, a mail goes to the oldest unless the address names one (+shopId)", async () => {
    const { c, shops, to } = await shopWithCatalogue(["qoo10"]);
    const second = (await c.post("/shops", { kind: "qoo10", name: "Qoo10 2号店" })).json.id;
    await deliver(fixture("qoo10.eml"), to);
    await deliver(fixture("qoo10-alternative.eml"), to.replace("@", `+${second}@`));
    const [b, a] = (await c.get("/mail")).json.items;
    expect(a.shopId).toBe(shops.qoo10);
    expect(b.shopId).toBe(second);
  });
});

describe("GET /api/v1/mail", () => {
  it("lists only the account's own mails, newest first, in cursor pages; another account's mail cannot be retried", async () => {
    const a = await shopWithCatalogue(["qoo10"]);
    const b = await shopWithCatalogue(["qoo10"]);
    expect(a.to).not.toBe(b.to);
    for (const f of ["qoo10.eml", "qoo10-alternative.eml", "not-an-order.eml"]) await deliver(fixture(f), a.to);
    await deliver(fixture("qoo10.eml"), b.to);
    const first = await a.c.get("/mail?limit=2");
    expect(first.json.items).toHaveLength(2);
    expect(first.json.nextCursor).toEqual(expect.any(String));
    const rest = await a.c.get(`/mail?limit=2&cursor=${first.json.nextCursor}`);
    expect(rest.json.nextCursor).toBeNull();
    const all = [...first.json.items, ...rest.json.items];
    expect(all.map((m: any) => m.subject)).toEqual(["お問い合わせ", "Qoo10の注文のお知らせです。", "Qoo10の注文のお知らせです。"]);
    expect(all.every((m: any) => m.to === a.to)).toBe(true);
    expect((await b.c.get("/mail")).json.items).toHaveLength(1);
    const unparsed = all[0].id;
    expect((await b.c.post(`/mail/${unparsed}/retry`)).status).toBe(404);
    expect((await b.c.get("/mail")).json.items[0].to).toBe(b.to);
  });
});
