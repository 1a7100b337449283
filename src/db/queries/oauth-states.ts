import { and, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "../../env";
import { oauthStates } from "../schema";

export type OAuthState = typeof oauthStates.$inferSelect;

export async function insertOAuthState(db: Db, row: typeof oauthStates.$inferInsert): Promise<void> {
  await db.insert(oauthStates).values(row);
}

/** The state a callback names (by its hash), whoever started it: the caller checks whose it is. */
export async function findOAuthState(db: Db, stateHash: string): Promise<OAuthState | undefined> {
  return db.select().from(oauthStates).where(eq(oauthStates.stateHash, stateHash)).get();
}

/**
 * Spends the state: true for exactly one caller. Two callbacks racing with the same state both
 * read it unused; only one update finds `used_at` still empty.
 */
export async function spendOAuthState(db: Db, accountId: number, stateHash: string, now: number): Promise<boolean> {
  const rows = await db
    .update(oauthStates)
    .set({ usedAt: now })
    .where(and(eq(oauthStates.accountId, accountId), eq(oauthStates.stateHash, stateHash), isNull(oauthStates.usedAt)))
    .returning({ stateHash: oauthStates.stateHash });
  return rows.length === 1;
}

/** Forgets the account's states that expired before `before` (run when a new one starts). */
export async function deleteStaleOAuthStates(db: Db, accountId: number, before: number): Promise<void> {
  await db.delete(oauthStates).where(and(eq(oauthStates.accountId, accountId), lt(oauthStates.expiresAt, before)));
}
