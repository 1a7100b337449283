import { and, desc, eq, isNull, lt } from "drizzle-orm";
import type { Db } from "../../env";
import { accounts, inboundMail, shops } from "../schema";
import { newInboundToken } from "./accounts";

export type InboundMail = typeof inboundMail.$inferSelect;
export type NewInboundMail = Omit<typeof inboundMail.$inferInsert, "id" | "accountId">;

export async function insertInboundMail(db: Db, accountId: number, row: NewInboundMail): Promise<InboundMail> {
  const [out] = await db.insert(inboundMail).values({ ...row, accountId }).returning();
  return out;
}

export async function updateInboundMail(db: Db, accountId: number, id: number, values: Partial<NewInboundMail>): Promise<InboundMail | undefined> {
  const [out] = await db.update(inboundMail).set(values).where(and(eq(inboundMail.accountId, accountId), eq(inboundMail.id, id))).returning();
  return out;
}

export async function getInboundMail(db: Db, accountId: number, id: number): Promise<InboundMail | undefined> {
  return db.select().from(inboundMail).where(and(eq(inboundMail.accountId, accountId), eq(inboundMail.id, id))).get();
}

/** Newest first, keyset-paged by id. */
export async function listInboundMail(db: Db, accountId: number, opts: { beforeId?: number; outcome?: InboundMail["outcome"]; limit: number }): Promise<InboundMail[]> {
  return db
    .select()
    .from(inboundMail)
    .where(
      and(
        eq(inboundMail.accountId, accountId),
        opts.beforeId !== undefined ? lt(inboundMail.id, opts.beforeId) : undefined,
        opts.outcome ? eq(inboundMail.outcome, opts.outcome) : undefined,
      ),
    )
    .orderBy(desc(inboundMail.id))
    .limit(opts.limit)
    .all();
}

/** The shops of one kind in the account, oldest first (the first takes a mail that names none). */
export async function shopsOfKind(db: Db, accountId: number, kind: string) {
  return db.select().from(shops).where(and(eq(shops.accountId, accountId), eq(shops.kind, kind))).orderBy(shops.id).all();
}

/** The account's inbound token, created on first use for an account that has none yet. */
export async function ensureInboundToken(db: Db, accountId: number): Promise<string | null> {
  const row = await db.select({ token: accounts.inboundToken }).from(accounts).where(eq(accounts.id, accountId)).get();
  if (!row) return null;
  if (row.token) return row.token;
  await db.update(accounts).set({ inboundToken: newInboundToken() }).where(and(eq(accounts.id, accountId), isNull(accounts.inboundToken)));
  return (await db.select({ token: accounts.inboundToken }).from(accounts).where(eq(accounts.id, accountId)).get())?.token ?? null;
}
