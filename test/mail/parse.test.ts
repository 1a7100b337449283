import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { readMail } from "../../src/mail/message";
import { parseOrderMail } from "../../src/mail/parse";

// The fixtures of test/fixtures/mail through the same two steps the email() handler runs: MIME
// (postal-mime, in workerd) and the cart's table. Pure: no account, no stock.

const raw = (name: string) => Uint8Array.from(atob(env.MAIL_FIXTURES[name]), (c) => c.charCodeAt(0));
const parse = async (name: string) => {
  const m = await readMail(raw(name));
  return { mail: m, order: parseOrderMail(m.subject, m.text) };
};

const EXPECTED: Record<string, { cart: string; orderId: string; lines: [string, number][] }> = {
  "superdelivery.eml": { cart: "superdelivery", orderId: "SD2611300001", lines: [["TEA-SENCHA-100", 2], ["CUP-YUNOMI-BLU", 1]] },
  "shoplist.eml": { cart: "shoplist", orderId: "SL-88120034", lines: [["TEA-HOJI-80", 2]] },
  "futureshop.eml": { cart: "futureshop", orderId: "FS00012345", lines: [["TEA-MATCHA-30", 1], ["TOWEL-TENUGUI-01", 3]] },
  "ponparemall.eml": { cart: "ponparemall", orderId: "PM-20261130-0007", lines: [["TEA-GENMAI-200", 1], ["SWEET-YOKAN-5", 2]] },
  "qoo10.eml": { cart: "qoo10", orderId: "1034567890", lines: [["CUP-YUNOMI-RED", 1]] },
  "kinarino.eml": { cart: "kinarino", orderId: "KN1130-5521", lines: [["SWEET-MONAKA-8", 2]] },
  "bcart.eml": { cart: "bcart", orderId: "B000731", lines: [["POT-KYUSU-300", 3], ["TEA-SENCHA-100", 5]] },
  "forwarded-gmail.eml": { cart: "futureshop", orderId: "FS00012399", lines: [["TEA-HOJI-80", 1]] },
  "forwarded-tenso.eml": { cart: "bcart", orderId: "B000744", lines: [["CUP-YUNOMI-BLU", 2]] },
  "qoo10-alternative.eml": { cart: "qoo10", orderId: "1034567999", lines: [["TEA-GENMAI-200", 4]] },
  "ponparemall-iso-2022-jp.eml": { cart: "ponparemall", orderId: "PM-20261130-0042", lines: [["TOWEL-TENUGUI-01", 6]] },
};

describe("order mails: MIME and the carts' tables", () => {
  for (const [name, want] of Object.entries(EXPECTED)) {
    it(`${name} reads as ${want.cart} order ${want.orderId}`, async () => {
      const { order } = await parse(name);
      expect(order.ok, JSON.stringify(order)).toBe(true);
      if (!order.ok) return;
      expect(order.cart.kind).toBe(want.cart);
      expect(order.orderId).toBe(want.orderId);
      expect(order.lines.map((l) => [l.code, l.quantity])).toEqual(want.lines);
    });
  }

  it("decodes an ISO-2022-JP subject and body into Japanese text", async () => {
    const { mail } = await parse("superdelivery.eml");
    expect(mail.subject).toBe("<SD>ご注文がありました（受注番号：SD2611300001）");
    expect(mail.text).toContain("SUPER DELIVERYにてご注文がありました。");
  });

  it("decodes a Shift_JIS 8bit body", async () => {
    const { mail } = await parse("shoplist.eml");
    expect(mail.subject).toBe("【SHOP LIST】注文明細 SL-88120034");
    expect(mail.text).toContain("SHOP LIST 注文明細のお知らせ");
  });

  it("prefers text/plain in a multipart/alternative mail, and reads an HTML-only mail through its text", async () => {
    const alt = await parse("qoo10-alternative.eml");
    expect(alt.mail.text).toContain("販売者商品コード: TEA-GENMAI-200");
    expect(alt.mail.text).not.toContain("<td>");
    const html = await parse("kinarino.eml");
    expect(html.mail.text).toContain("商品コード：SWEET-MONAKA-8");
  });

  it("names what is missing in a mail it cannot read", async () => {
    expect((await parse("unparsable.eml")).order).toMatchObject({ ok: false, reason: expect.stringContaining("数量が見つかりません") });
    expect((await parse("not-an-order.eml")).order).toMatchObject({ ok: false, cart: null, reason: expect.stringContaining("件名からモールを判別できません") });
  });
});
