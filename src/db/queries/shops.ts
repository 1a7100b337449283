import { and, eq } from "drizzle-orm";
import type { Db } from "../../env";
import { shops } from "../schema";

export type Shop = typeof shops.$inferSelect;

export async function getShop(db: Db, accountId: number, shopId: number): Promise<Shop | undefined> {
  return db.select().from(shops).where(and(eq(shops.accountId, accountId), eq(shops.id, shopId))).get();
}
