import { z } from "zod";
import type { MailCartKind, MallAdapter } from "./types";

// The seven carts whose orders Kura takes in from forwarded order e-mails (MALLS.md §7). They are
// registered like any mall so that a shop of one has a kind, a label and a code rule, but there is
// nothing to call: the sync engine asks `isMailKind` before any mall conversation, so reaching one
// of the methods below is a bug in Kura, never a mall failure (and must not stop the shop).

export const MAIL_CART_LABELS: Record<MailCartKind, string> = {
  superdelivery: "SUPER DELIVERY",
  shoplist: "SHOPLIST",
  futureshop: "futureshop",
  ponparemall: "ポンパレモール",
  qoo10: "Qoo10",
  kinarino: "キナリノモール",
  bcart: "Bカート",
};

export const MAIL_KINDS = Object.keys(MAIL_CART_LABELS) as MailCartKind[];

/** No credentials: `{}` (or nothing at all) is the whole of them. */
export const noCredentials = z.object({}).strict();

function noApi(kind: string): never {
  throw new Error(`${kind} takes orders by e-mail and has no API: the sync engine must not call it`);
}

function mailCartAdapter(kind: MailCartKind): MallAdapter<Record<string, never>> {
  return {
    kind,
    label: MAIL_CART_LABELS[kind],
    intake: "mail",
    credentialsSchema: noCredentials as unknown as z.ZodType<Record<string, never>>,
    defaultBaseUrl: "",
    // Nothing is ever sent; limits only keep code that reads them (budget plans) total.
    limits: { pushBatch: 1, readBatch: 1, requestsPerSecond: 1, pollEverySec: 86_400 },
    testConnection: async () => noApi(kind),
    fetchOrders: async () => noApi(kind),
    pushStock: async () => noApi(kind),
    readStock: async () => noApi(kind),
    // The carts' mails carry the merchant's own item code (販売者商品コード, 商品番号 …): the
    // master code unless the listing maps another (別品番紐づけ).
    defaultMallCode: (masterCode) => masterCode,
  };
}

export const mailCartAdapters = Object.fromEntries(MAIL_KINDS.map((k) => [k, mailCartAdapter(k)])) as Record<MailCartKind, MallAdapter<Record<string, never>>>;
