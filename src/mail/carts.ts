import type { MailCartKind } from "../malls/types";

// How each cart's order mail is recognised and read: one row per cart, read by the one engine in
// parse.ts. The carts do not publish their layouts (MALLS.md §7), so every row is written
// defensively and kept small: a subject marker the merchant must leave at its default, and the
// labels the body puts before the order number, each item's code and its quantity. Text is
// NFKC-normalised before matching, so "：" is ":" and full-width digits and letters are ASCII here.
// A cart whose real layout turns out different is fixed by editing its row (and its fixture in
// sim/mail), never by special-casing the engine; an unparsed mail is kept and can be retried.

export interface CartTable {
  kind: MailCartKind;
  /** The subject marker (MALLS.md §7), matched against the NFKC-normalised subject. */
  subject: RegExp;
  /** The order number: the first capture of the first pattern that matches anywhere in the body. */
  orderId: RegExp[];
  /** A line that names an item's code starts a new item (capture 1). */
  code: RegExp[];
  /** A variation's own code, replacing the item's code when the mail gives one (Qoo10 販売者オプションコード). */
  option?: RegExp[];
  /** The item's units (capture 1); the first one after the code counts. */
  quantity: RegExp[];
}

const ID = "([A-Za-z0-9][A-Za-z0-9_-]*)";
const CODE = "([^\\s\\]|｜]+)";
const QTY = "(\\d{1,6})";
const label = (names: string, value: string, anchored = true) => new RegExp(`${anchored ? "^\\s*(?:[\\[【(]?\\s*)" : ""}(?:${names})\\s*[\\]】)]?\\s*[:=]?\\s*${value}`);

export const CART_TABLES: CartTable[] = [
  {
    kind: "superdelivery",
    subject: /<SD>\s*ご注文がありました/,
    orderId: [label("■?\\s*受注番号|■?\\s*注文番号", ID)],
    code: [label("商品番号|品番", CODE)],
    quantity: [label("数量|セット数", QTY, false)],
  },
  {
    kind: "shoplist",
    subject: /【SHOP\s*LIST】\s*注文明細/i,
    orderId: [label("注文番号|受注番号", ID)],
    code: [label("品番|商品コード|商品番号", CODE)],
    quantity: [label("数量|注文数", QTY)],
  },
  {
    kind: "ponparemall",
    subject: /【ポンパレモール】\s*ご注文内容の確認/,
    orderId: [label("ご?注文番号|受注番号", ID)],
    // [商品管理ID] X  [個数] 1 — both on one line.
    code: [label("商品管理ID|商品管理番号|商品コード", CODE)],
    quantity: [label("個数|数量", QTY, false)],
  },
  {
    kind: "qoo10",
    subject: /Qoo10の注文のお知らせです/,
    orderId: [label("注文番号", "(\\d{4,})")],
    // 商品番号 is Qoo10's own listing number, not the seller's: only 販売者商品コード names the item.
    code: [label("販売者商品コード", CODE)],
    option: [label("販売者オプションコード", CODE)],
    quantity: [label("数量", QTY)],
  },
  {
    // [verify] The default subject of キナリノモール's 受注情報取込みメール is not public: any subject
    // naming the mall and an order is taken; the layout below is the simulator's.
    kind: "kinarino",
    subject: /キナリノモール.*(?:受注|注文)/,
    orderId: [label("注文ID|注文番号|受注番号", ID)],
    code: [label("商品コード|品番", CODE)],
    quantity: [label("購入数|数量", QTY)],
  },
  {
    kind: "bcart",
    subject: /Bcart\s*Order/i,
    orderId: [label("受注ID|受注番号|注文番号", ID)],
    code: [label("品番|商品コード", CODE)],
    quantity: [label("数量", QTY, false)],
  },
  {
    // Last: 受注連絡 is the most generic marker, and a forwarded mail of another cart may quote it.
    kind: "futureshop",
    subject: /受注連絡/,
    orderId: [label("受注番号|注文番号", ID)],
    code: [label("商品番号", CODE)],
    quantity: [label("数量", QTY)],
  },
];

/** The cart a subject names, or null (the order of CART_TABLES decides between markers). */
export function cartBySubject(subject: string): CartTable | null {
  const s = subject.normalize("NFKC");
  return CART_TABLES.find((t) => t.subject.test(s) || t.subject.test(subject)) ?? null;
}
