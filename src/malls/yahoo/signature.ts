// 公開鍵認証 headers for the Yahoo!ショッピング store APIs.
//
// [verify] MALLS.md §4: X-sws-signature = base64(RSA-encrypt("{sellerId}:{unixtime}") with the
// store's public key), X-sws-signature-version = the key's version. Several independent public
// clients use RSAES-PKCS1-v1_5 padding and unix seconds; the exact plaintext format is kept in
// `signaturePlaintext` so it is one line to correct.
//
// WebCrypto offers RSA-OAEP only, not PKCS#1 v1.5 encryption, so the padding and the modular
// exponentiation are done here with BigInt; WebCrypto is used only to read the SPKI key.

export function signaturePlaintext(sellerId: string, nowMs: number): string {
  return `${sellerId}:${Math.floor(nowMs / 1000)}`;
}

export function pemToDer(pem: string): Uint8Array {
  const b64 = pem
    .replace(/-----BEGIN [A-Z ]+-----/g, "")
    .replace(/-----END [A-Z ]+-----/g, "")
    .replace(/\\n/g, "")
    .replace(/\s+/g, "");
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

export function b64urlToBigInt(s: string): bigint {
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/");
  const bin = atob(b64 + "=".repeat((4 - (b64.length % 4)) % 4));
  let hex = "";
  for (let i = 0; i < bin.length; i++) hex += bin.charCodeAt(i).toString(16).padStart(2, "0");
  return BigInt("0x" + (hex || "0"));
}

export function modPow(base: bigint, exp: bigint, mod: bigint): bigint {
  let result = 1n;
  let b = base % mod;
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % mod;
    b = (b * b) % mod;
    e >>= 1n;
  }
  return result;
}

export function bytesToBigInt(bytes: Uint8Array): bigint {
  let hex = "";
  for (const b of bytes) hex += b.toString(16).padStart(2, "0");
  return BigInt("0x" + (hex || "0"));
}

export function bigIntToBytes(n: bigint, length: number): Uint8Array {
  const hex = n.toString(16).padStart(length * 2, "0");
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return out;
}

function bytesToBase64(bytes: Uint8Array): string {
  let bin = "";
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

interface RsaPublic {
  n: bigint;
  e: bigint;
  size: number; // modulus length in bytes
}

const keyCache = new Map<string, Promise<RsaPublic>>();

async function readPublicKey(pem: string): Promise<RsaPublic> {
  const der = pemToDer(pem);
  const key = await crypto.subtle.importKey(
    "spki",
    der,
    { name: "RSA-OAEP", hash: "SHA-256" }, // only to parse the key; the algorithm is not used
    true,
    ["encrypt"],
  );
  const jwk = (await crypto.subtle.exportKey("jwk", key)) as JsonWebKey;
  const n = b64urlToBigInt(jwk.n ?? "");
  return { n, e: b64urlToBigInt(jwk.e ?? ""), size: Math.ceil(n.toString(16).length / 2) };
}

/** RSAES-PKCS1-v1_5 encryption (RFC 8017 §7.2.1), base64 of the ciphertext. */
export async function rsaPkcs1Encrypt(pem: string, message: string): Promise<string> {
  let cached = keyCache.get(pem);
  if (!cached) {
    cached = readPublicKey(pem);
    keyCache.set(pem, cached);
    cached.catch(() => keyCache.delete(pem));
  }
  const { n, e, size } = await cached;
  const m = new TextEncoder().encode(message);
  if (m.length > size - 11) throw new Error("message too long for the key");
  const ps = new Uint8Array(size - m.length - 3);
  crypto.getRandomValues(ps);
  for (let i = 0; i < ps.length; i++) {
    while (ps[i] === 0) ps[i] = crypto.getRandomValues(new Uint8Array(1))[0];
  }
  const em = new Uint8Array(size);
  em[1] = 0x02;
  em.set(ps, 2);
  em.set(m, ps.length + 3);
  return bytesToBase64(bigIntToBytes(modPow(bytesToBigInt(em), e, n), size));
}

export async function signatureHeaders(
  sellerId: string,
  publicKey: string,
  version: string,
  nowMs: number,
): Promise<Record<string, string>> {
  return {
    "X-sws-signature": await rsaPkcs1Encrypt(publicKey, signaturePlaintext(sellerId, nowMs)),
    "X-sws-signature-version": version,
  };
}
