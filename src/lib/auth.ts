import { createMiddleware } from "hono/factory";
import type { AppEnv, Db } from "../env";
import { findActiveToken } from "../db/queries/accounts";
import { forbidden, unauthorized } from "./errors";
import { timingSafeEqual } from "./crypto";

function bearer(header: string | undefined): string | null {
  const m = /^Bearer\s+(\S+)$/i.exec(header ?? "");
  return m ? m[1] : null;
}

// Token lookups are cached per isolate for a short while: a sale should cost one Durable Object
// call, not a D1 round trip for its token first. Revoking drops the token from the revoking
// isolate's cache at once; another isolate that cached it keeps accepting it until its entry
// expires, at most TOKEN_TTL_MS later.
export const TOKEN_TTL_MS = 30_000;
const TOKEN_CACHE_MAX = 1000;
type TokenRow = NonNullable<Awaited<ReturnType<typeof findActiveToken>>>;
const tokenCache = new Map<string, { row: TokenRow; until: number }>();

async function lookupToken(db: Db, token: string): Promise<TokenRow | undefined> {
  const hit = tokenCache.get(token);
  if (hit && hit.until > Date.now()) return hit.row;
  const row = await findActiveToken(db, token);
  if (!row) return undefined;
  if (tokenCache.size >= TOKEN_CACHE_MAX) tokenCache.delete(tokenCache.keys().next().value!);
  tokenCache.set(token, { row, until: Date.now() + TOKEN_TTL_MS });
  return row;
}

/** Forgets a revoked token in this isolate (the cache is keyed by the secret, which is not stored). */
export function forgetToken(tokenId: number) {
  for (const [key, hit] of tokenCache) if (hit.row.id === tokenId) tokenCache.delete(key);
}

/** Account API tokens: every route behind this sees only the token's account. */
export const apiAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header("authorization"));
  if (!token) throw unauthorized();
  const row = await lookupToken(c.get("db"), token);
  if (!row) throw unauthorized("The token is unknown or revoked.");
  const needs = c.req.method === "GET" || c.req.method === "HEAD" ? "read" : "write";
  if (!row.scopes.includes(needs)) throw forbidden(`This token lacks the "${needs}" scope.`);
  c.set("principal", { accountId: row.accountId, actor: `token:${row.id}`, scopes: row.scopes });
  await next();
});

/** The operator of the deployment (OPERATOR_TOKEN secret). */
export const operatorAuth = createMiddleware<AppEnv>(async (c, next) => {
  const token = bearer(c.req.header("authorization"));
  if (!token || !c.env.OPERATOR_TOKEN || !(await timingSafeEqual(token, c.env.OPERATOR_TOKEN))) {
    throw unauthorized("The operator token is required.");
  }
  await next();
});
