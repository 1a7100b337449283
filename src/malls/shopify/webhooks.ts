import { z } from "zod";
import type { MallContext, OrderLine } from "../types";
import { ShopifySession } from "./client";
import type { ShopifyCredentials } from "./credentials";
import { WEBHOOK_SUBSCRIBE_DOC } from "./documents";
import { toLines } from "./orders";
import type { LineItemNode, OrderNode } from "./schemas";

// Shopify webhooks: which topics Kura subscribes to (接続テスト registers them), and how each
// payload (REST-shaped JSON) becomes order lines. Orders go through the poll's own toLines, on
// the same ids (order legacy id, line item numeric id, SKU), so a webhook and a later poll of the
// same order are the same lines to the intake, and stock moves once.

export const WEBHOOK_TOPICS = ["ORDERS_CREATE", "ORDERS_UPDATED", "ORDERS_CANCELLED", "REFUNDS_CREATE", "APP_UNINSTALLED", "INVENTORY_LEVELS_UPDATE"] as const;

export interface SubscribeResult {
  topic: string;
  ok: boolean;
  message?: string;
}

const subscribeData = z.object({
  webhookSubscriptionCreate: z
    .object({
      webhookSubscription: z.object({ id: z.string() }).nullable(),
      userErrors: z.array(z.object({ field: z.array(z.string()).nullable().optional(), message: z.string() })),
    })
    .nullable(),
});

/** Subscribes `uri` to every topic; a subscription that already exists counts as done. */
export async function registerWebhooks(ctx: MallContext<ShopifyCredentials>, uri: string): Promise<SubscribeResult[]> {
  const s = new ShopifySession(ctx);
  const out: SubscribeResult[] = [];
  for (const topic of WEBHOOK_TOPICS) {
    const data = await s.gql(WEBHOOK_SUBSCRIBE_DOC, { topic, uri }, subscribeData);
    const errors = data.webhookSubscriptionCreate?.userErrors ?? [];
    const taken = errors.length > 0 && errors.every((e) => /already been taken/i.test(e.message));
    out.push(errors.length === 0 || taken ? { topic, ok: true } : { topic, ok: false, message: errors.map((e) => e.message).join("; ") });
  }
  return out;
}

// ---- payloads ------------------------------------------------------------------------------------

const id = z.union([z.number(), z.string()]).transform(String);
const restLineItem = z.object({
  id,
  sku: z.string().nullable().optional(),
  quantity: z.number().int(),
  // Present on current API versions; without it nothing counts as removed by an edit.
  current_quantity: z.number().int().optional(),
});
export const orderPayload = z.object({
  id,
  created_at: z.string(),
  updated_at: z.string().optional(),
  cancelled_at: z.string().nullable().optional(),
  line_items: z.array(restLineItem),
});
export const refundPayload = z.object({
  id,
  order_id: id,
  created_at: z.string(),
  refund_line_items: z.array(
    z.object({
      line_item_id: id,
      quantity: z.number().int(),
      restock_type: z.string().nullable().optional(),
      line_item: restLineItem.optional(),
    }),
  ),
});
export const inventoryLevelPayload = z.object({ inventory_item_id: id, location_id: id, available: z.number().int().nullable() });

/**
 * What Kura keeps of a delivery: the fields it reads, nothing else. An order webhook carries the
 * customer's name, address and e-mail; none of it is needed to move stock, so none of it is stored.
 * Null when the body is not what the topic promises (acknowledged, logged, not kept).
 */
export function minimalPayload(topic: string, body: unknown): unknown | null {
  const schema = topic.startsWith("orders/") ? orderPayload : topic === "refunds/create" ? refundPayload : topic === "inventory_levels/update" ? inventoryLevelPayload : null;
  if (!schema) return {};
  const r = schema.safeParse(body);
  return r.success ? r.data : null;
}

/** orders/create, orders/updated, orders/cancelled → the lines the poll would form for that order. */
export function orderWebhookLines(body: unknown): OrderLine[] {
  const o = orderPayload.parse(body);
  const order = {
    legacyResourceId: o.id,
    createdAt: o.created_at,
    updatedAt: o.updated_at ?? o.created_at,
    cancelledAt: o.cancelled_at ?? null,
  } as unknown as OrderNode;
  const items = o.line_items.map((li) => ({ id: li.id, sku: li.sku ?? null, quantity: li.quantity, currentQuantity: li.current_quantity ?? li.quantity })) as LineItemNode[];
  return toLines(order, items);
}

/**
 * refunds/create → one cancel line per restocked line item (restock_type return, cancel or
 * legacy_restock; no_restock gives nothing back). A cancel line carries the line's cumulative
 * cancelled units: quantity − current_quantity of the line item when the payload has it (as the
 * poll counts), else at least this refund's units. Shopify also sends orders/updated after a
 * refund, which carries the cumulative figure in any case.
 */
export function refundWebhookLines(body: unknown): OrderLine[] {
  const r = refundPayload.parse(body);
  const at = Date.parse(r.created_at);
  return r.refund_line_items.flatMap((rl) => {
    if (rl.restock_type === "no_restock" || !rl.line_item?.sku || rl.quantity <= 0) return [];
    const li = rl.line_item;
    const removed = li.current_quantity !== undefined ? li.quantity - li.current_quantity : 0;
    return [{ orderId: r.order_id, lineId: rl.line_item_id, mallCode: li.sku!, quantity: Math.max(rl.quantity, removed), kind: "cancel" as const, at }];
  });
}
