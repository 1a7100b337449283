import { and, eq } from "drizzle-orm";
import type { Db } from "../env";
import { shops } from "../db/schema";
import type { Shop } from "../db/queries/shops";
import { decryptJson, encryptJson } from "../lib/crypto";
import { adapterFor } from "./registry";
import type { MallContext } from "./types";

// The plaintext of a shop's credentials exists only inside the context handed to one adapter
// call; rotated tokens go straight back to D1, encrypted.

export const credentialsContext = (shop: { accountId: number; id: number }) => `account:${shop.accountId}:shop:${shop.id}`;

export async function sealCredentials(env: Env, shop: { accountId: number; id: number }, credentials: unknown): Promise<string> {
  return encryptJson(env.CREDENTIALS_KEY, credentialsContext(shop), credentials);
}

/**
 * `opts.fetch` replaces the outbound fetch: the shop's ShopSync object passes one that spends
 * the shop's rate budget before every request.
 */
export async function mallContext(env: Env, db: Db, shop: Shop, opts: { fetch?: typeof fetch } = {}): Promise<MallContext<any>> {
  const adapter = adapterFor(shop.kind);
  if (!shop.credentialsEnc) throw new Error(`shop ${shop.id} has no credentials`);
  const credentials = await decryptJson(env.CREDENTIALS_KEY, credentialsContext(shop), shop.credentialsEnc);
  return {
    credentials,
    baseUrl: shop.baseUrl ?? adapter.defaultBaseUrl,
    fetch: opts.fetch ?? ((input, init) => fetch(input, init)),
    // Deployment-wide, never per shop: a shop's baseUrl must not decide where its secrets go.
    authUrl: shop.kind === "amazon" ? env.AMAZON_LWA_URL || undefined : undefined,
    saveCredentials: async (next) => {
      const sealed = await sealCredentials(env, shop, next);
      await db
        .update(shops)
        .set({ credentialsEnc: sealed, updatedAt: Date.now() })
        .where(and(eq(shops.accountId, shop.accountId), eq(shops.id, shop.id)));
      shop.credentialsEnc = sealed;
    },
    loadCredentials: async () => {
      const row = await db.select({ enc: shops.credentialsEnc }).from(shops).where(and(eq(shops.accountId, shop.accountId), eq(shops.id, shop.id))).get();
      if (!row?.enc) return null;
      shop.credentialsEnc = row.enc;
      return decryptJson(env.CREDENTIALS_KEY, credentialsContext(shop), row.enc);
    },
  };
}
