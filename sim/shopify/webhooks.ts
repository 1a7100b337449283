import { requireScope, type SimContext } from "./resolvers";
import { gid, isoSeconds, randomHex, SIM_APP, SIM_SHOP, type ShopifySimState, type SimOrder } from "./state";

// Webhooks as Shopify sends them: webhookSubscriptionCreate stores (topic, uri); an event of a
// subscribed topic is POSTed to the uri with the REST-shaped JSON body, signed
// X-Shopify-Hmac-Sha256 = base64(HMAC-SHA256(raw body, the app's client secret)), with a fresh
// X-Shopify-Webhook-Id. Delivery is asynchronous (the control call that caused it has already
// answered) and through the global fetch, so an in-process test can route it into the Worker.

export const WEBHOOK_TOPICS = ["APP_UNINSTALLED", "INVENTORY_LEVELS_UPDATE", "ORDERS_CANCELLED", "ORDERS_CREATE", "ORDERS_UPDATED", "REFUNDS_CREATE"] as const;
export type WebhookTopic = (typeof WEBHOOK_TOPICS)[number];

export interface SimSubscription { id: number; topic: WebhookTopic; uri: string; createdAt: number }
export interface SimDelivery { topic: string; uri: string; webhookId: string; status: number | null; error?: string }

/** "ORDERS_CREATE" → "orders/create" (the X-Shopify-Topic header). */
export const topicHeader = (t: WebhookTopic) => {
  const i = t.indexOf("_", t.startsWith("INVENTORY_LEVELS") ? "INVENTORY_LEVELS".length : 0);
  return `${t.slice(0, i)}/${t.slice(i + 1)}`.toLowerCase();
};

export function webhookSubscriptionCreate(args: { topic: WebhookTopic; webhookSubscription: { uri?: string | null; callbackUrl?: string | null } }, ctx: SimContext) {
  requireScope(ctx, "read_orders", "webhookSubscriptionCreate");
  const st = ctx.state;
  const uri = args.webhookSubscription.uri ?? args.webhookSubscription.callbackUrl;
  if (!uri || !/^https?:\/\/\S+$/.test(uri)) {
    return { webhookSubscription: null, userErrors: [{ field: ["webhookSubscription", "uri"], message: "Address is invalid" }] };
  }
  if (st.webhooks.some((w) => w.topic === args.topic && w.uri === uri)) {
    return { webhookSubscription: null, userErrors: [{ field: ["webhookSubscription", "uri"], message: "Address for this topic has already been taken" }] };
  }
  const sub: SimSubscription = { id: st.nextId(1100000000), topic: args.topic, uri, createdAt: st.now() };
  st.webhooks.push(sub);
  return { webhookSubscription: { __typename: "WebhookSubscription", id: gid("WebhookSubscription", sub.id), topic: sub.topic, uri: sub.uri }, userErrors: [] };
}

/** The REST shape of an order in orders/* webhooks (the fields Kura reads, and a few more). */
export function orderPayload(o: SimOrder) {
  return {
    id: o.id,
    admin_graphql_api_id: gid("Order", o.id),
    name: `#${o.number}`,
    order_number: o.number,
    created_at: isoSeconds(o.createdAt),
    updated_at: isoSeconds(o.updatedAt),
    cancelled_at: o.cancelledAt ? isoSeconds(o.cancelledAt) : null,
    cancel_reason: o.cancelReason?.toLowerCase() ?? null,
    line_items: o.lines.map((li) => ({
      id: li.id,
      admin_graphql_api_id: gid("LineItem", li.id),
      sku: li.sku,
      variant_id: li.variantId,
      quantity: li.quantity,
      current_quantity: li.currentQuantity,
    })),
  };
}

async function sign(body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(SIM_APP.clientSecret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)));
  return btoa(String.fromCharCode(...mac));
}

/** Sends `payload` to every subscription of `topic`; resolves when every delivery was answered. */
export function deliver(st: ShopifySimState, topic: WebhookTopic, payload: unknown): Promise<void> {
  const subs = st.webhooks.filter((w) => w.topic === topic);
  if (subs.length === 0) return Promise.resolve();
  const body = JSON.stringify(payload);
  const run = Promise.all(
    subs.map(async (w) => {
      const d: SimDelivery = { topic: topicHeader(topic), uri: w.uri, webhookId: `${randomHex(4)}-${randomHex(2)}-${randomHex(2)}-${randomHex(2)}-${randomHex(6)}`, status: null };
      st.deliveries.push(d);
      try {
        const res = await fetch(w.uri, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            "x-shopify-topic": d.topic,
            "x-shopify-hmac-sha256": await sign(body),
            "x-shopify-shop-domain": SIM_SHOP.domain,
            "x-shopify-webhook-id": d.webhookId,
            "x-shopify-api-version": "2026-07",
            "x-shopify-triggered-at": new Date(st.now()).toISOString(),
          },
          body,
        });
        d.status = res.status;
        await res.body?.cancel();
      } catch (e) {
        d.error = String(e);
      }
    }),
  ).then(() => undefined);
  st.pending.add(run);
  void run.finally(() => st.pending.delete(run));
  return run;
}
