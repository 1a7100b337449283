import { buildMessage, type MailCharset, type MailPart } from "./build";

// The simulator's order mails, one writer per cart. The carts' real layouts are not public
// (MALLS.md §7): these are synthetic, modelled on the subject each cart is known to send and on
// the labels Japanese order mails commonly use (受注番号, 商品番号, 数量 …), each cart a little
// different (labels, one item per block or per line, full-width colons, the charset), so the
// parser's table for each cart is exercised on something other than the next cart's layout.

export const MAIL_CARTS = ["superdelivery", "shoplist", "futureshop", "ponparemall", "qoo10", "kinarino", "bcart"] as const;
export type MailCart = (typeof MAIL_CARTS)[number];

export interface OrderItem {
  code: string;
  name: string;
  quantity: number;
  price?: number;
}

export interface OrderMail {
  cart: MailCart;
  orderId: string;
  items: OrderItem[];
  /** Who the cart mails: the merchant's own mailbox. */
  merchant?: string;
  date?: Date;
}

interface Layout {
  from: string;
  subject: (o: OrderMail) => string;
  charset: MailCharset;
  text: (o: OrderMail) => string;
  html?: (o: OrderMail) => string;
}

const yen = (n: number) => `${n.toLocaleString("ja-JP")}円`;
const jst = (d: Date) => {
  const j = new Date(d.getTime() + 9 * 3600_000);
  const p = (n: number) => String(n).padStart(2, "0");
  return `${j.getUTCFullYear()}/${p(j.getUTCMonth() + 1)}/${p(j.getUTCDate())} ${p(j.getUTCHours())}:${p(j.getUTCMinutes())}`;
};
const total = (o: OrderMail) => o.items.reduce((n, i) => n + (i.price ?? 1000) * i.quantity, 0);
const RULE = "━━━━━━━━━━━━━━━━━━━━━━━━";

export const LAYOUTS: Record<MailCart, Layout> = {
  superdelivery: {
    from: "SUPER DELIVERY <order@superdelivery.example>",
    charset: "iso-2022-jp",
    subject: (o) => `<SD>ご注文がありました（受注番号：${o.orderId}）`,
    text: (o) =>
      [
        "蔵田商店 ご担当者様",
        "",
        "SUPER DELIVERYにてご注文がありました。",
        "下記の内容をご確認のうえ、発送のご準備をお願いいたします。",
        "",
        RULE,
        `■受注番号：${o.orderId}`,
        `■注文日時：${jst(o.date ?? new Date())}`,
        "■購入企業：株式会社サンプル商事（小売店）",
        RULE,
        ...o.items.flatMap((i, n) => [
          `[${n + 1}] 商品名：${i.name}`,
          `    商品番号：${i.code}`,
          `    単価：${yen(i.price ?? 1000)} × 数量：${i.quantity}セット`,
          "",
        ]),
        `■商品合計：${yen(total(o))}`,
        "",
        "※本メールは送信専用です。",
      ].join("\n"),
  },
  shoplist: {
    from: "SHOPLIST <noreply@shop-list.example>",
    charset: "shift_jis",
    subject: (o) => `【SHOP LIST】注文明細 ${o.orderId}`,
    text: (o) =>
      [
        "SHOP LIST 注文明細のお知らせ",
        "",
        `注文番号：${o.orderId}`,
        `注文日：${jst(o.date ?? new Date()).slice(0, 10)}`,
        "-----------------------------------",
        ...o.items.flatMap((i) => [`品番：${i.code}`, `商品名：${i.name}`, "カラー：-　サイズ：Ｆ", `数量：${i.quantity}`, "-----------------------------------"]),
        "",
        "SHOP LIST 出店者サポート",
      ].join("\n"),
  },
  futureshop: {
    from: "futureshop <info@futureshop.example>",
    charset: "utf-8",
    subject: (o) => `【受注連絡】蔵田商店 様 (${o.orderId})`,
    text: (o) =>
      [
        "蔵田商店 様",
        "",
        "以下のご注文を受け付けました。管理画面にて受注内容をご確認ください。",
        "",
        `受注番号　　：${o.orderId}`,
        `受注日時　　：${jst(o.date ?? new Date())}`,
        "",
        "［ご注文商品］",
        ...o.items.flatMap((i) => [`商品番号　　：${i.code}`, `商品名　　　：${i.name}`, `単価　　　　：${yen(i.price ?? 1000)}`, `数量　　　　：${i.quantity}`, ""]),
        `商品合計　　：${yen(total(o))}`,
      ].join("\n"),
  },
  ponparemall: {
    from: "ポンパレモール <order@ponparemall.example>",
    charset: "utf-8",
    subject: (o) => `【ポンパレモール】ご注文内容の確認（${o.orderId}）`,
    text: (o) =>
      [
        "ポンパレモール ストア各位",
        "",
        "お客様より以下の内容でご注文をいただきました。",
        "",
        `ご注文番号：${o.orderId}`,
        `ご注文日時：${jst(o.date ?? new Date())}`,
        "",
        "■ご注文商品",
        ...o.items.map((i) => `[商品管理ID] ${i.code}  [商品名] ${i.name}  [個数] ${i.quantity}  [価格] ${yen(i.price ?? 1000)}`),
        "",
        `合計金額：${yen(total(o))}`,
      ].join("\n"),
  },
  qoo10: {
    from: "Qoo10 <qsm@qoo10.example>",
    charset: "utf-8",
    subject: () => "Qoo10の注文のお知らせです。",
    text: (o) =>
      [
        "Qoo10 ショップ 蔵田商店 様",
        "",
        "新しい注文が入りました。発送予定日までに発送処理をお願いします。",
        "",
        ...o.items.flatMap((i, n) => [
          `注文番号: ${o.orderId}`,
          `カート番号: ${Number(o.orderId) - n - 1}`,
          `商品番号: ${8_000_000_000 + n}`,
          `商品名: ${i.name}`,
          `販売者商品コード: ${i.code}`,
          `数量: ${i.quantity}`,
          `販売価格: ${yen(i.price ?? 1000)}`,
          "",
        ]),
        "Qoo10 QSM",
      ].join("\n"),
    html: (o) =>
      [
        "<html><body><p>Qoo10 ショップ 蔵田商店 様</p><p>新しい注文が入りました。</p><table border=1>",
        "<tr><th>注文番号</th><th>販売者商品コード</th><th>数量</th></tr>",
        ...o.items.map((i) => `<tr><td>${o.orderId}</td><td>${i.code}</td><td>${i.quantity}</td></tr>`),
        "</table></body></html>",
      ].join("\n"),
  },
  kinarino: {
    from: "キナリノモール <mall@kinarino.example>",
    charset: "utf-8",
    subject: (o) => `【キナリノモール】受注情報取込みメール ${o.orderId}`,
    // HTML only: the parser reads it through postal-mime's HTML-to-text conversion.
    text: () => "",
    html: (o) =>
      [
        "<html><head><style>td{padding:4px}</style></head><body>",
        "<p>キナリノモール 出店者様</p><p>以下の受注情報を取り込みました。</p>",
        `<p>注文ID：${o.orderId}<br>注文日時：${jst(o.date ?? new Date())}</p>`,
        ...o.items.map((i) => `<div>商品コード：${i.code}<br>商品名：${i.name}<br>購入数：${i.quantity}</div>`),
        "</body></html>",
      ].join("\n"),
  },
  bcart: {
    from: "Bカート <no-reply@bcart.example>",
    charset: "utf-8",
    subject: (o) => `[Bcart Order] 受注番号 ${o.orderId} のお知らせ`,
    text: (o) =>
      [
        "Bカートより受注のお知らせです。",
        "",
        `受注ID: ${o.orderId}`,
        "得意先: 株式会社サンプル商事",
        "",
        ...o.items.map((i) => `品番: ${i.code}  商品名: ${i.name}  数量: ${i.quantity}  単価: ${i.price ?? 1000}`),
      ].join("\n"),
  },
};

export interface BuildOptions {
  to: string;
  messageId?: string;
  /** Override the layout's charset (e.g. a cart mail in ISO-2022-JP). */
  charset?: MailCharset;
  /** Send text and HTML as multipart/alternative where the layout has both (default: text only, or HTML only where the cart sends only HTML). */
  alternative?: boolean;
}

/** The raw order mail a cart sends for this order. */
export function orderMail(o: OrderMail, opts: BuildOptions): Uint8Array {
  const l = LAYOUTS[o.cart];
  const text = l.text(o);
  const parts: MailPart[] = [];
  if (text) parts.push({ type: "text/plain", body: text });
  if (l.html && (opts.alternative || !text)) parts.push({ type: "text/html", body: l.html(o) });
  return buildMessage({
    from: l.from,
    to: opts.to,
    subject: l.subject(o),
    date: o.date ?? new Date(),
    messageId: opts.messageId ?? `${o.cart}.${o.orderId}.${crypto.randomUUID().slice(0, 8)}@sim.kura.example`,
    charset: opts.charset ?? l.charset,
    parts,
  });
}

/**
 * The same order as the merchant's mail client forwards it: Gmail's "---------- Forwarded message
 * ---------" block (Fwd:) or a Japanese client's 転送 header, the original body below it, in UTF-8.
 */
export function forwardedOrderMail(o: OrderMail, opts: BuildOptions & { style: "gmail" | "tenso"; merchant: string }): Uint8Array {
  const l = LAYOUTS[o.cart];
  const date = o.date ?? new Date();
  const body = l.text(o);
  const block =
    opts.style === "gmail"
      ? ["", "", "---------- Forwarded message ---------", `From: ${l.from}`, `Date: ${date.toUTCString()}`, `Subject: ${l.subject(o)}`, `To: <${opts.merchant}>`, "", body]
      : ["転送します。", "", "-------- 転送メッセージ --------", `差出人: ${l.from}`, `日時: ${jst(date)}`, `件名: ${l.subject(o)}`, `宛先: ${opts.merchant}`, "", ...body.split("\n").map((x) => `> ${x}`)];
  return buildMessage({
    from: `蔵田商店 <${opts.merchant}>`,
    to: opts.to,
    // A client may shorten or rewrite the subject: the parser then finds the cart by the forwarded Subject/件名 line.
    subject: opts.style === "gmail" ? `Fwd: ${l.subject(o)}` : "転送: ご注文のお知らせ",
    date,
    messageId: opts.messageId ?? `fwd.${o.cart}.${o.orderId}@mail.kura.example`,
    charset: opts.charset ?? "utf-8",
    parts: [{ type: "text/plain", body: block.join("\n") }],
  });
}
