import { and, eq, ne } from "drizzle-orm";
import { createDb } from "../db/client";
import { getSettings } from "../db/queries/accounts";
import { getShop } from "../db/queries/shops";
import { settings, shops } from "../db/schema";
import type { Task } from "../schemas/tasks";
import { pullShop, pushShop } from "./shop-sync";

// What each queued task does. Small messages in, current state read here: a task that runs late
// or twice still does the right thing (pull is idempotent, push sends absolute figures).

export async function runTask(env: Env, t: Task): Promise<void> {
  const db = createDb(env.DB);
  if (t.kind === "stock-changed") {
    // A figure that reached 0 is pushed at once to every shop; other changes wait for the cron.
    if (t.soldOut.length === 0) return;
    const targets = await db
      .select({ id: shops.id })
      .from(shops)
      .where(and(eq(shops.accountId, t.accountId), eq(shops.updateEnabled, true), ne(shops.status, "stopped")))
      .all();
    if (targets.length) await env.PUSH_QUEUE.sendBatch(targets.map((s) => ({ body: { kind: "push", accountId: t.accountId, shopId: s.id, urgent: true } satisfies Task })));
    return;
  }
  const shop = await getShop(db, t.accountId, t.shopId);
  const conf = await getSettings(db, t.accountId);
  if (!shop || shop.status === "stopped" || (conf && !conf.syncEnabled)) return;
  if (t.kind === "pull" && shop.importEnabled) await pullShop(env, db, shop);
  if (t.kind === "push" && shop.updateEnabled) await pushShop(env, db, shop);
}

/** Every minute: one pull and one push task per active shop of every account whose 在庫連動 is on. */
export async function dueTasks(env: Env): Promise<Task[]> {
  const db = createDb(env.DB);
  const rows = await db
    .select({ id: shops.id, accountId: shops.accountId, importEnabled: shops.importEnabled, updateEnabled: shops.updateEnabled })
    .from(shops)
    .innerJoin(settings, eq(settings.accountId, shops.accountId))
    .where(and(eq(settings.syncEnabled, true), ne(shops.status, "stopped")))
    .all();
  return rows.flatMap((s): Task[] => [
    ...(s.importEnabled ? [{ kind: "pull" as const, accountId: s.accountId, shopId: s.id }] : []),
    ...(s.updateEnabled ? [{ kind: "push" as const, accountId: s.accountId, shopId: s.id }] : []),
  ]);
}
