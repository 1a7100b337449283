import { and, asc, eq } from "drizzle-orm";
import type { Db } from "../../env";
import { users } from "../schema";

export type User = typeof users.$inferSelect;
export type Role = User["role"];

/** The user who may log in with this e-mail (any account: e-mail addresses are unique across Kura). */
export async function findUserByEmail(db: Db, email: string): Promise<User | undefined> {
  return db.select().from(users).where(eq(users.email, email.trim().toLowerCase())).get();
}

export async function getUser(db: Db, accountId: number, userId: number): Promise<User | undefined> {
  return db.select().from(users).where(and(eq(users.accountId, accountId), eq(users.id, userId))).get();
}

export async function listUsers(db: Db, accountId: number): Promise<User[]> {
  return db.select().from(users).where(eq(users.accountId, accountId)).orderBy(asc(users.id)).all();
}

export async function insertUser(db: Db, accountId: number, values: { email: string; name: string; role: Role; passwordHash: string }): Promise<User> {
  const [row] = await db
    .insert(users)
    .values({ accountId, ...values, email: values.email.trim().toLowerCase() })
    .returning();
  return row;
}

export async function updateUser(db: Db, accountId: number, userId: number, values: Partial<Pick<User, "role" | "disabledAt" | "passwordHash" | "name">>) {
  const [row] = await db
    .update(users)
    .set(values)
    .where(and(eq(users.accountId, accountId), eq(users.id, userId)))
    .returning();
  return row as User | undefined;
}
