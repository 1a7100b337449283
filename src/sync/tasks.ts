import { and, eq, ne } from "drizzle-orm";
import { createDb } from "../db/client";
import { getSettings } from "../db/queries/accounts";
import { getShop } from "../db/queries/shops";
import { settings, shops } from "../db/schema";
import { adapterFor, isMailKind } from "../malls/registry";
import type { Task } from "../schemas/tasks";
import { runImportStep } from "../csv/import-job";
import { stockAlerts } from "../notify/alerts";
import { runHousekeeping } from "./housekeeping";
import { applyWebhookEvent } from "./webhook-intake";
import { productsChanged } from "./changes";
import { shopSync, syncDriftCheck, syncPull } from "./shop-sync-client";

// What each queued task does. Small messages in, current state read here: a task that runs late
// or twice still does the right thing (pull is idempotent, marking dirty coalesces). Consumers
// never call a mall themselves: they hand the work to the shop's ShopSync object.

export async function runTask(env: Env, t: Task): Promise<void> {
  if (t.kind === "housekeeping") return runHousekeeping(env, t);
  if (t.kind === "import") {
    await runImportStep(env, t.accountId, t.importId);
    return;
  }
  const db = createDb(env.DB);
  if (t.kind === "stock-changed") {
    // A figure that reached 0 is due at once on every shop; other changes coalesce briefly.
    if (!t.marked) await productsChanged(env, db, t.accountId, t.productIds, { urgent: t.soldOut });
    // 在庫少 / マイナス在庫: at most one notification per product and cause a day, however many sales.
    await stockAlerts(env, db, t.accountId, t.productIds);
    return;
  }
  if (t.kind === "webhook") return applyWebhookEvent(env, db, t);
  const ref = { accountId: t.accountId, shopId: t.shopId };
  const shop = await getShop(db, t.accountId, t.shopId);
  const conf = await getSettings(db, t.accountId);
  // An e-mail cart has no API: its sales come through the email() handler, nothing to poll or wake.
  if (!shop || shop.status === "stopped" || (conf && !conf.syncEnabled) || isMailKind(shop.kind)) return;
  // A mall polled less often than once a minute (Amazon, were it on searchOrders) is skipped until its interval is up.
  const every = adapterFor(shop.kind).limits.pollEverySec * 1000;
  const tooSoon = shop.lastImportAt !== null && Date.now() - shop.lastImportAt < every - 5000;
  if (t.kind === "pull" && shop.importEnabled && !tooSoon) await syncPull(env, ref);
  // The cron's safety net: re-arm the shop's alarm at the due times it already holds.
  if (t.kind === "push" && shop.updateEnabled) {
    await shopSync(env, ref).wake(ref);
    // The drift walk's next step, half a minute on: away from the minute's own pulls and the
    // pushes they cause, which go first.
    await env.PUSH_QUEUE.send({ kind: "drift", accountId: t.accountId, shopId: t.shopId } satisfies Task, { delaySeconds: DRIFT_DELAY_S });
  }
  if (t.kind === "drift" && shop.updateEnabled) {
    // Within its small share of the shop's budget. A read that fails is tried next minute, not
    // retried as a task (a struggling mall needs no extra reads).
    await syncDriftCheck(env, ref).catch((err: unknown) =>
      console.warn(JSON.stringify({ msg: "drift check step failed", shopId: t.shopId, error: err instanceof Error ? err.message : String(err) })),
    );
  }
}

/** Seconds after the minute's push task that the shop's drift step runs. */
export const DRIFT_DELAY_S = 30;

/** Seconds within the minute at which a shop of this kind is polled (as often as its order API allows). */
export function pullOffsets(kind: string): number[] {
  const every = Math.max(15, Math.min(60, adapterFor(kind).limits.pollEverySec));
  const out: number[] = [];
  for (let s = 0; s < 60; s += every) out.push(s);
  return out;
}

/**
 * Every minute, for each active shop of every account whose 在庫連動 is on: its pulls spread over
 * the minute (delaySeconds), and one wake-up of its ShopSync.
 */
export async function dueTasks(env: Env): Promise<{ task: Task; delaySeconds: number }[]> {
  const db = createDb(env.DB);
  const rows = await db
    .select({ id: shops.id, kind: shops.kind, accountId: shops.accountId, importEnabled: shops.importEnabled, updateEnabled: shops.updateEnabled })
    .from(shops)
    .innerJoin(settings, eq(settings.accountId, shops.accountId))
    .where(and(eq(settings.syncEnabled, true), ne(shops.status, "stopped")))
    .all();
  return rows.filter((s) => !isMailKind(s.kind)).flatMap((s) => [
    ...(s.importEnabled ? pullOffsets(s.kind).map((delaySeconds) => ({ task: { kind: "pull" as const, accountId: s.accountId, shopId: s.id }, delaySeconds })) : []),
    ...(s.updateEnabled ? [{ task: { kind: "push" as const, accountId: s.accountId, shopId: s.id }, delaySeconds: 0 }] : []),
  ]);
}
