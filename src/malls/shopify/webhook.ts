import type { MallContext } from "../types";
import type { ShopifyCredentials } from "./credentials";

/**
 * X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(raw body, app client secret)). Checked on the raw
 * bytes with WebCrypto's verify, which compares in constant time. After a secret rotation the old
 * secret may still sign for up to an hour; Kura stores one secret, so such deliveries fail and the
 * reconciling poll picks the orders up.
 */
export async function verifyWebhook(
  ctx: MallContext<ShopifyCredentials>,
  rawBody: ArrayBuffer,
  headers: Headers,
): Promise<boolean> {
  const secret = ctx.credentials.clientSecret;
  const header = headers.get("X-Shopify-Hmac-Sha256");
  if (!secret || !header) return false;
  let signature: Uint8Array;
  try {
    signature = Uint8Array.from(atob(header.trim()), (ch) => ch.charCodeAt(0));
  } catch {
    return false;
  }
  if (signature.length !== 32) return false;
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["verify"],
  );
  return crypto.subtle.verify("HMAC", key, signature, rawBody);
}
