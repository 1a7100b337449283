import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { accounts, loginFailures, sessions, users } from "../schema";

export async function insertSession(db: Db, values: { idHash: string; accountId: number; userId: number; csrfToken: string; expiresAt: number; lastSeenAt: number }) {
  await db.insert(sessions).values(values);
}

/** The session with its user and account, whatever their state: the caller judges expiry and disablement. */
export async function findSession(db: Db, idHash: string) {
  return db
    .select({
      session: sessions,
      user: { id: users.id, email: users.email, name: users.name, role: users.role, disabledAt: users.disabledAt },
      account: { id: accounts.id, name: accounts.name, maxProducts: accounts.maxProducts },
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .innerJoin(accounts, eq(accounts.id, sessions.accountId))
    .where(eq(sessions.idHash, idHash))
    .get();
}

export async function touchSession(db: Db, idHash: string, at: number) {
  await db.update(sessions).set({ lastSeenAt: at }).where(eq(sessions.idHash, idHash));
}

export async function deleteSession(db: Db, idHash: string) {
  await db.delete(sessions).where(eq(sessions.idHash, idHash));
}

/** Ends every session of a user (logout everywhere: password changed, user disabled). */
export async function deleteUserSessions(db: Db, accountId: number, userId: number) {
  await db.delete(sessions).where(and(eq(sessions.accountId, accountId), eq(sessions.userId, userId)));
}

/** Failures recorded for `key` in the window that is still open at `now` (0 when none or expired). */
export async function loginFailureCount(db: Db, key: string, now: number, windowMs: number): Promise<number> {
  const row = await db.select().from(loginFailures).where(eq(loginFailures.key, key)).get();
  return row && row.windowStart > now - windowMs ? row.failures : 0;
}

/** Counts one failure for each key; a key whose window has closed starts a new one. */
export async function recordLoginFailure(db: Db, keys: string[], now: number, windowMs: number) {
  await db.batch(
    keys.map((key) =>
      db
        .insert(loginFailures)
        .values({ key, windowStart: now, failures: 1 })
        .onConflictDoUpdate({
          target: loginFailures.key,
          set: {
            failures: sql`CASE WHEN ${loginFailures.windowStart} > ${now - windowMs} THEN ${loginFailures.failures} + 1 ELSE 1 END`,
            windowStart: sql`CASE WHEN ${loginFailures.windowStart} > ${now - windowMs} THEN ${loginFailures.windowStart} ELSE ${now} END`,
          },
        }),
    ) as [any, ...any[]],
  );
}

export async function clearLoginFailures(db: Db, key: string) {
  await db.delete(loginFailures).where(eq(loginFailures.key, key));
}
