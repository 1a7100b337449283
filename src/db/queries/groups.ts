import { and, asc, count, eq } from "drizzle-orm";
import type { Db } from "../../env";
import { groups, products } from "../schema";

export type Group = typeof groups.$inferSelect;

export async function listGroups(db: Db, accountId: number): Promise<Group[]> {
  return db.select().from(groups).where(eq(groups.accountId, accountId)).orderBy(asc(groups.id)).all();
}

export async function getGroup(db: Db, accountId: number, groupId: number) {
  return db.select().from(groups).where(and(eq(groups.accountId, accountId), eq(groups.id, groupId))).get();
}

export async function getGroupByName(db: Db, accountId: number, name: string) {
  return db.select().from(groups).where(and(eq(groups.accountId, accountId), eq(groups.name, name))).get();
}

export async function getDefaultGroup(db: Db, accountId: number): Promise<Group> {
  const g = await db.select().from(groups).where(and(eq(groups.accountId, accountId), eq(groups.isDefault, true))).get();
  if (!g) throw new Error(`account ${accountId} has no default group`);
  return g;
}

export async function createGroup(db: Db, accountId: number, values: Pick<Group, "name" | "reserved" | "ratio" | "salesLimit">) {
  const [g] = await db.insert(groups).values({ accountId, ...values }).returning();
  return g;
}

export async function updateGroup(db: Db, accountId: number, groupId: number, values: Partial<Pick<Group, "name" | "reserved" | "ratio" | "salesLimit">>) {
  const [g] = await db
    .update(groups)
    .set({ ...values, updatedAt: Date.now() })
    .where(and(eq(groups.accountId, accountId), eq(groups.id, groupId)))
    .returning();
  return g;
}

/** How many products each group of the account holds (groups without products are absent). */
export async function productCountsByGroup(db: Db, accountId: number): Promise<Map<number, number>> {
  const rows = await db.select({ groupId: products.groupId, n: count() }).from(products).where(eq(products.accountId, accountId)).groupBy(products.groupId).all();
  return new Map(rows.map((r) => [r.groupId, r.n]));
}
