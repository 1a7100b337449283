import { amazonAdapter } from "./amazon";
import { aupayAdapter } from "./aupay";
import { baseAdapter } from "./base";
import { colormeAdapter } from "./colorme";
import { MAIL_KINDS, mailCartAdapters } from "./mail-cart";
import { rakutenAdapter } from "./rakuten";
import { shopifyAdapter } from "./shopify";
import type { MallAdapter, MallKind } from "./types";
import { yahooAdapter } from "./yahoo";

// Every mall Kura speaks to, by kind. Nothing outside src/malls talks a mall's protocol.
export const adapters: Record<MallKind, MallAdapter<any>> = {
  rakuten: rakutenAdapter,
  yahoo: yahooAdapter,
  amazon: amazonAdapter,
  shopify: shopifyAdapter,
  base: baseAdapter,
  aupay: aupayAdapter,
  colorme: colormeAdapter,
  ...mailCartAdapters,
};

export const MALL_KINDS = Object.keys(adapters) as MallKind[];
export { MAIL_KINDS };

/** A cart whose orders come by e-mail: no API to pull, push, read or test (MALLS.md §7). */
export function isMailKind(kind: string): boolean {
  return adapters[kind as MallKind]?.intake === "mail";
}

export function adapterFor(kind: string): MallAdapter<any> {
  const a = adapters[kind as MallKind];
  if (!a) throw new Error(`unknown mall kind ${kind}`);
  return a;
}

/** The mall code a listing is known by on its shop: the 別品番紐づけ override, else the mall's rule. */
export function mallCodeOf(kind: string, masterCode: string, override: string | null | undefined): string {
  return override ?? adapterFor(kind).defaultMallCode(masterCode);
}
