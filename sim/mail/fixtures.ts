// Writes the order-mail fixtures of test/fixtures/mail/ from the simulator's cart layouts
// (sim/mail/carts.ts): `npm run mail:fixtures`. Deterministic (fixed dates and Message-IDs), so a
// re-run changes a file only when a layout changed. Every mail is synthetic (see the README there).
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { buildMessage } from "./build";
import { forwardedOrderMail, type OrderMail, orderMail } from "./carts";

const DIR = path.join(import.meta.dirname, "..", "..", "test", "fixtures", "mail");
const TO = "orders@in.kura.example";
const MERCHANT = "kurata-shop@example.jp";
const date = new Date("2026-11-30T01:15:00Z");

const order = (cart: OrderMail["cart"], orderId: string, items: [string, string, number][]): OrderMail => ({
  cart,
  orderId,
  date,
  items: items.map(([code, name, quantity]) => ({ code, name, quantity, price: 1200 })),
});

const fixtures: Record<string, Uint8Array> = {
  "superdelivery.eml": orderMail(order("superdelivery", "SD2611300001", [["TEA-SENCHA-100", "静岡 煎茶 100g", 2], ["CUP-YUNOMI-BLU", "有田焼 湯呑み 藍", 1]]), { to: TO, messageId: "sd.2611300001@superdelivery.example" }),
  "shoplist.eml": orderMail(order("shoplist", "SL-88120034", [["TEA-HOJI-80", "ほうじ茶 80g", 2]]), { to: TO, messageId: "sl.88120034@shop-list.example" }),
  "futureshop.eml": orderMail(order("futureshop", "FS00012345", [["TEA-MATCHA-30", "抹茶 30g 缶", 1], ["TOWEL-TENUGUI-01", "手ぬぐい 麻の葉", 3]]), { to: TO, messageId: "fs.00012345@futureshop.example" }),
  "ponparemall.eml": orderMail(order("ponparemall", "PM-20261130-0007", [["TEA-GENMAI-200", "玄米茶 200g", 1], ["SWEET-YOKAN-5", "羊羹 5本入", 2]]), { to: TO, messageId: "pm.0007@ponparemall.example" }),
  "qoo10.eml": orderMail(order("qoo10", "1034567890", [["CUP-YUNOMI-RED", "有田焼 湯呑み 朱", 1]]), { to: TO, messageId: "q10.1034567890@qoo10.example" }),
  "kinarino.eml": orderMail(order("kinarino", "KN1130-5521", [["SWEET-MONAKA-8", "最中 8個入", 2]]), { to: TO, messageId: "kn.5521@kinarino.example" }),
  "bcart.eml": orderMail(order("bcart", "B000731", [["POT-KYUSU-300", "常滑焼 急須 300ml", 3], ["TEA-SENCHA-100", "静岡 煎茶 100g", 5]]), { to: TO, messageId: "bc.000731@bcart.example" }),
  // The same futureshop order as Gmail forwards it.
  "forwarded-gmail.eml": forwardedOrderMail(order("futureshop", "FS00012399", [["TEA-HOJI-80", "ほうじ茶 80g", 1]]), { to: TO, style: "gmail", merchant: MERCHANT }),
  // A Bカート order forwarded by a Japanese client: 転送 header, quoted lines, a subject that no longer names the cart.
  "forwarded-tenso.eml": forwardedOrderMail(order("bcart", "B000744", [["CUP-YUNOMI-BLU", "有田焼 湯呑み 藍", 2]]), { to: TO, style: "tenso", merchant: MERCHANT }),
  "qoo10-alternative.eml": orderMail(order("qoo10", "1034567999", [["TEA-GENMAI-200", "玄米茶 200g", 4]]), { to: TO, messageId: "q10.alt.1034567999@qoo10.example", alternative: true }),
  "ponparemall-iso-2022-jp.eml": orderMail(order("ponparemall", "PM-20261130-0042", [["TOWEL-TENUGUI-01", "手ぬぐい 麻の葉", 6]]), { to: TO, messageId: "pm.jis.0042@ponparemall.example", charset: "iso-2022-jp" }),
  // A Qoo10 mail whose item block lost its 数量 line (a template the parser does not know).
  "unparsable.eml": buildMessage({
    from: "Qoo10 <qsm@qoo10.example>",
    to: TO,
    subject: "Qoo10の注文のお知らせです。",
    date,
    messageId: "q10.broken.1034560000@qoo10.example",
    charset: "utf-8",
    parts: [{ type: "text/plain", body: "注文番号: 1034560000\n販売者商品コード: TEA-SENCHA-100\n注文数量は管理画面でご確認ください。\n" }],
  }),
  "not-an-order.eml": buildMessage({
    from: "Someone <someone@example.jp>",
    to: TO,
    subject: "お問い合わせ",
    date,
    messageId: "hello.1@example.jp",
    charset: "utf-8",
    parts: [{ type: "text/plain", body: "商品の入荷予定を教えてください。\n" }],
  }),
};

mkdirSync(DIR, { recursive: true });
for (const [name, bytes] of Object.entries(fixtures)) writeFileSync(path.join(DIR, name), bytes);
console.log(`wrote ${Object.keys(fixtures).length} fixtures to ${path.relative(process.cwd(), DIR)}`);
