import { and, asc, eq, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { apiTokens } from "../schema";

/** The account's API tokens, without their hashes. */
export async function listApiTokens(db: Db, accountId: number) {
  return db
    .select({ id: apiTokens.id, name: apiTokens.name, scopes: apiTokens.scopes, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt })
    .from(apiTokens)
    .where(eq(apiTokens.accountId, accountId))
    .orderBy(asc(apiTokens.id))
    .all();
}

/** Revokes one of the account's tokens (again is harmless: the first time stays); undefined when it has no such token. */
export async function revokeApiToken(db: Db, accountId: number, tokenId: number, at = Date.now()) {
  const [row] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`COALESCE(${apiTokens.revokedAt}, ${at})` })
    .where(and(eq(apiTokens.accountId, accountId), eq(apiTokens.id, tokenId)))
    .returning({ id: apiTokens.id, name: apiTokens.name });
  return row;
}
