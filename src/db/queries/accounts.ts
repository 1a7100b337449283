import { and, eq, isNull } from "drizzle-orm";
import type { Db } from "../../env";
import { hashPassword, randomToken, sha256Hex, toHex } from "../../lib/crypto";
import { accounts, apiTokens, groups, settings, users } from "../schema";

export interface NewAccount {
  name: string;
  plan: { maxProducts: number; maxShops: number };
  owner: { email: string; password: string; name?: string };
}

/** Creates an account with its settings, default group, owner and a first API token (returned once). */
export async function createAccount(db: Db, input: NewAccount) {
  const [account] = await db
    .insert(accounts)
    .values({ name: input.name, maxProducts: input.plan.maxProducts, maxShops: input.plan.maxShops, inboundToken: newInboundToken() })
    .returning({ id: accounts.id, name: accounts.name });
  const token = `kura_${randomToken(24)}`;
  await db.batch([
    db.insert(settings).values({ accountId: account.id }),
    db.insert(groups).values({ accountId: account.id, name: "既定グループ", isDefault: true }),
    db.insert(users).values({
      accountId: account.id,
      email: input.owner.email.toLowerCase(),
      passwordHash: await hashPassword(input.owner.password),
      role: "owner",
      name: input.owner.name ?? "",
    }),
    db.insert(apiTokens).values({ accountId: account.id, name: "初期トークン", tokenHash: await sha256Hex(token), scopes: ["read", "write"] }),
  ]);
  return { account, apiToken: token };
}

/** 80 random bits in lowercase hex: the local part of the account's inbound order-mail address. */
export function newInboundToken(): string {
  return toHex(crypto.getRandomValues(new Uint8Array(10)).buffer);
}

/** The account whose inbound address has this token (case-insensitive: a mail's local part may come back in any case). */
export async function accountByInboundToken(db: Db, token: string) {
  return db.select({ id: accounts.id, inboundToken: accounts.inboundToken }).from(accounts).where(eq(accounts.inboundToken, token.toLowerCase())).get();
}

export async function emailTaken(db: Db, email: string): Promise<boolean> {
  const row = await db.select({ id: users.id }).from(users).where(eq(users.email, email.toLowerCase())).get();
  return !!row;
}

export async function findActiveToken(db: Db, token: string) {
  return db
    .select({ id: apiTokens.id, accountId: apiTokens.accountId, scopes: apiTokens.scopes })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, await sha256Hex(token)), isNull(apiTokens.revokedAt)))
    .get();
}

export async function createApiToken(db: Db, accountId: number, name: string, scopes: string[]) {
  const token = `kura_${randomToken(24)}`;
  const [row] = await db
    .insert(apiTokens)
    .values({ accountId, name, tokenHash: await sha256Hex(token), scopes })
    .returning({ id: apiTokens.id });
  return { id: row.id, token };
}

export async function getAccount(db: Db, accountId: number) {
  return db.select().from(accounts).where(eq(accounts.id, accountId)).get();
}

export async function getSettings(db: Db, accountId: number) {
  return db.select().from(settings).where(eq(settings.accountId, accountId)).get();
}

export async function listAccounts(db: Db) {
  return db.select().from(accounts).orderBy(accounts.id).all();
}

export async function findAccountByOwnerEmail(db: Db, email: string) {
  return db
    .select({ id: accounts.id, name: accounts.name })
    .from(users)
    .innerJoin(accounts, eq(accounts.id, users.accountId))
    .where(eq(users.email, email.toLowerCase()))
    .get();
}
