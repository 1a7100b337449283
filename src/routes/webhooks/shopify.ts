import { Hono } from "hono";
import { eq } from "drizzle-orm";
import type { AppEnv } from "../../env";
import { shops, webhookEvents } from "../../db/schema";
import { problem } from "../../lib/errors";
import { mallContext } from "../../malls/context";
import { verifyWebhook } from "../../malls/shopify/webhook";
import { minimalPayload } from "../../malls/shopify/webhooks";
import { applyWebhookEvent } from "../../sync/webhook-intake";

// POST /webhooks/shopify/{shopId}: Shopify's deliveries for one shop. No token: the signature is
// the authentication (X-Shopify-Hmac-Sha256 over the raw body with the shop's app client secret).
// Shopify waits 5 s for the answer, so the request only verifies, stores the body once per
// X-Shopify-Webhook-Id (only the fields Kura reads) and enqueues it; the work (src/sync/webhook-intake.ts)
// starts right after the answer and the queue consumer is its guarantee. A delivery whose enqueue
// fails is answered 500 and forgotten, so Shopify sends it again.

export const shopifyWebhooks = new Hono<AppEnv>();

/** Shopify's payloads are small; anything far larger is not from Shopify. */
const MAX_BODY = 1_000_000;
export const HANDLED_TOPICS = new Set(["orders/create", "orders/updated", "orders/cancelled", "refunds/create", "app/uninstalled", "inventory_levels/update"]);

// Unknown shop, another mall's shop and a bad signature all answer exactly this: which shop ids
// exist, and of which kind, is nobody's business without the secret.
const refuse = (c: Parameters<typeof problem>[0]) => problem(c, 401, "Unauthorized", "The webhook signature is not valid for this endpoint.");

shopifyWebhooks.post("/:shopId", async (c) => {
  const declared = Number(c.req.header("content-length") ?? 0);
  if (declared > MAX_BODY) return problem(c, 413, "Payload Too Large", `at most ${MAX_BODY} bytes`);
  const raw = await c.req.arrayBuffer();
  if (raw.byteLength > MAX_BODY) return problem(c, 413, "Payload Too Large", `at most ${MAX_BODY} bytes`);
  const db = c.get("db");
  const id = c.req.param("shopId");
  const shop = /^[0-9]{1,15}$/.test(id) ? await db.select().from(shops).where(eq(shops.id, Number(id))).get() : undefined;
  if (!shop || shop.kind !== "shopify" || !shop.credentialsEnc) {
    // Spend about what a real check costs, so that the answer's timing says nothing either.
    await verifyWebhook({ credentials: { clientSecret: crypto.randomUUID() } } as never, raw, c.req.raw.headers);
    return refuse(c);
  }
  const ctx = await mallContext(c.env, db, shop);
  if (!(await verifyWebhook(ctx, raw, c.req.raw.headers))) return refuse(c);

  const topic = (c.req.header("x-shopify-topic") ?? "").toLowerCase();
  // Signed, but about something Kura did not subscribe to: acknowledged, nothing kept.
  if (!HANDLED_TOPICS.has(topic)) return c.json({ ok: true, ignored: topic }, 200);
  let kept: unknown;
  try {
    kept = minimalPayload(topic, JSON.parse(new TextDecoder().decode(raw)));
  } catch {
    kept = null;
  }
  if (kept === null) {
    // Signed by Shopify but not the shape Kura reads: retrying cannot fix it; the poll still will.
    console.error(JSON.stringify({ msg: "webhook body not understood", shopId: shop.id, topic }));
    return c.json({ ok: true, ignored: "unreadable body" }, 200);
  }
  // Without Shopify's id, the body's own digest dedupes exact repeats.
  const webhookId = c.req.header("x-shopify-webhook-id") || `sha256:${await digest(raw)}`;
  const [row] = await db
    .insert(webhookEvents)
    .values({ accountId: shop.accountId, shopId: shop.id, webhookId, topic, body: JSON.stringify(kept), receivedAt: Date.now() })
    .onConflictDoNothing()
    .returning({ id: webhookEvents.id });
  if (!row) return c.json({ ok: true, duplicate: true }, 200);
  try {
    await c.env.PULL_QUEUE.send({ kind: "webhook", accountId: shop.accountId, shopId: shop.id, eventId: row.id });
  } catch (err) {
    // Not kept and not queued: Shopify retries the delivery, and the dedupe must let it in.
    await db.delete(webhookEvents).where(eq(webhookEvents.id, row.id));
    console.error(JSON.stringify({ msg: "webhook not enqueued", shopId: shop.id, topic, error: err instanceof Error ? err.message : String(err) }));
    return problem(c, 500, "Internal Server Error", "The webhook could not be queued; deliver it again.");
  }
  // Also at once, after the answer (saves the queue's batch wait); the queued task then finds it
  // done. If this isolate dies first, the queue still has it.
  try {
    c.executionCtx.waitUntil(applyWebhookEvent(c.env, db, { accountId: shop.accountId, shopId: shop.id, eventId: row.id }).catch(() => undefined));
  } catch {
    // No execution context (a direct app.request in a script): the queue alone does it.
  }
  return c.json({ ok: true }, 200);
});

async function digest(raw: ArrayBuffer): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", raw))].map((b) => b.toString(16).padStart(2, "0")).join("");
}
