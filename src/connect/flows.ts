import { amazonConnect } from "./amazon";
import { baseConnect } from "./base";
import { shopifyConnect } from "./shopify";
import type { ConnectFlow, ConnectKind } from "./types";
import { yahooConnect } from "./yahoo";

// The connect flow of each mall, and what follows from which of them this deployment has an app
// for (the buttons shown, the consent pages a form may lead to).

export const FLOWS: Record<ConnectKind, ConnectFlow> = {
  shopify: shopifyConnect,
  base: baseConnect,
  yahoo: yahooConnect,
  amazon: amazonConnect,
};

/** The malls whose 連携する this deployment offers (its app is configured). */
export function connectableKinds(env: Env): ConnectKind[] {
  return (Object.keys(FLOWS) as ConnectKind[]).filter((k) => FLOWS[k].app(env) !== null);
}

/**
 * Where the 連携する forms of モール設定 lead: the origins of the configured malls' authorize
 * pages. A browser applies the page's CSP form-action to the redirects of a submitted form, so
 * these are allowed there beside 'self' (Shopify's is any shop's own admin: *.myshopify.com).
 */
export function consentOrigins(env: Env): string[] {
  const out = new Set<string>();
  for (const kind of connectableKinds(env)) {
    const url = FLOWS[kind].app(env)!.authorizeUrl.replace("{shopDomain}", "shop.myshopify.com");
    try {
      const u = new URL(url);
      out.add(u.host === "shop.myshopify.com" ? `${u.protocol}//*.myshopify.com` : u.origin);
    } catch {
      // A malformed URL var: that mall's button leads nowhere and is not allowed either.
    }
  }
  return [...out];
}

