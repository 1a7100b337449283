import { and, eq, sql } from "drizzle-orm";
import type { Db } from "../env";
import { getSettings } from "../db/queries/accounts";
import { getShop, updateShop } from "../db/queries/shops";
import { listings, webhookEvents } from "../db/schema";
import { inventoryLevelPayload, orderWebhookLines, refundWebhookLines } from "../malls/shopify/webhooks";
import type { OrderLine } from "../malls/types";
import { shopStopped } from "../notify/alerts";
import { shopSync, syncDriftCheck } from "./shop-sync-client";

// The work of a verified webhook (kept in webhook_events by POST /webhooks/shopify/{shopId}),
// done by the kura-pull consumer. Running twice is harmless: order lines are idempotent in the
// intake, and an event is marked processed only after its work is done.

export async function applyWebhookEvent(env: Env, db: Db, t: { accountId: number; shopId: number; eventId: number }): Promise<void> {
  const ev = await db
    .select()
    .from(webhookEvents)
    .where(and(eq(webhookEvents.id, t.eventId), eq(webhookEvents.accountId, t.accountId)))
    .get();
  if (!ev || ev.processedAt !== null) return;
  const outcome = await apply(env, db, t, ev.topic, JSON.parse(ev.body));
  await db.update(webhookEvents).set({ processedAt: Date.now(), outcome }).where(eq(webhookEvents.id, ev.id));
}

async function apply(env: Env, db: Db, t: { accountId: number; shopId: number }, topic: string, body: unknown): Promise<string> {
  const shop = await getShop(db, t.accountId, t.shopId);
  if (!shop) return "shop deleted";
  const ref = { accountId: t.accountId, shopId: t.shopId };
  if (topic === "app/uninstalled") {
    // Kura's access is gone with the app: nothing can be read or sent until it is installed again.
    await updateShop(db, shop.accountId, shop.id, { status: "stopped", lastError: "auth: Shopify アプリがアンインストールされました (app/uninstalled)" });
    if (shop.status !== "stopped") await shopStopped(env, db, shop, "Shopify アプリがアンインストールされました");
    return "shop stopped";
  }
  if (topic === "inventory_levels/update") {
    // Someone (or something) set a level: the same drift check as the scheduled walk, for that item now.
    const level = inventoryLevelPayload.parse(body);
    const listed = await listingsOfInventoryItem(db, shop.accountId, shop.id, level.inventory_item_id);
    if (listed.length === 0) return "inventory item not listed";
    // Shopify reports Kura's own writes and its sales too: a level that is what the mall should
    // show needs no read-back (and costs none of the shop's budget).
    const productIds = listed.filter((l) => level.available === null || l.mallFigure !== level.available).map((l) => l.productId);
    if (productIds.length === 0) return "in step";
    const out = await syncDriftCheck(env, ref, productIds);
    return out ? `drift check: ${out.found.length} of ${out.checked} differ` : "skipped: モール更新 off";
  }
  let lines: OrderLine[];
  if (topic === "refunds/create") lines = refundWebhookLines(body);
  else if (topic.startsWith("orders/")) lines = orderWebhookLines(body);
  else return `topic ${topic} not handled`;
  // As the poll: nothing is taken in for a shop that is 停止中, whose 取込み is off or whose
  // account's 在庫連動 is off. The poll takes the order in once the shop is back.
  const conf = await getSettings(db, t.accountId);
  if (shop.status === "stopped" || !shop.importEnabled || (conf && !conf.syncEnabled)) return "skipped: 取込み off";
  const counts = await shopSync(env, ref).takeIn(ref, lines);
  return counts ? `lines: ${JSON.stringify(counts)}` : "shop deleted";
}

/** The listings whose cached Shopify ref names this inventory item (stored as a gid). */
async function listingsOfInventoryItem(db: Db, accountId: number, shopId: number, itemId: string): Promise<{ productId: number; mallFigure: number | null }[]> {
  const gid = itemId.startsWith("gid://") ? itemId : `gid://shopify/InventoryItem/${itemId}`;
  const rows = await db
    .select({ productId: listings.productId, mallFigure: listings.mallFigure })
    .from(listings)
    .where(and(eq(listings.accountId, accountId), eq(listings.shopId, shopId), sql`json_extract(${listings.mallRef}, '$.inventoryItemId') = ${gid}`))
    .all();
  return rows;
}
