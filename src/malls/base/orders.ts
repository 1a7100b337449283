import { z } from "zod";
import { MallError, type FetchOrdersResult, type MallContext, type OrderLine } from "../types";
import { BaseClient } from "./client";
import { formatBaseCode } from "./codes";
import { orderDetailSchema, ordersListSchema, type BaseCredentials, type OrderDetail } from "./schemas";

// BASE has no "modified since" filter: GET /1/orders only filters by order date. So every poll
// scans by order date from the OLDEST still-open order (or the last poll − overlap) up to now,
// fetches the detail of new orders, and re-fetches an open order's detail only when its list row
// changed (`modified` / `cancelled` / dispatch_status) or it was last checked long ago.
const FIRST_LOOKBACK_MS = 15 * 60_000;
const OVERLAP_MS = 10 * 60_000;
const PAGE = 100; // GET /1/orders limit MAX
/** Open orders older than this are no longer watched for cancellations (bounds the scan). */
const MAX_OPEN_AGE_MS = 14 * 86_400_000;
const MAX_OPEN = 500;
/** [verify] whether order.modified moves when a single order_item is cancelled: re-check anyway. */
const RECHECK_MS = 6 * 3600_000;
const JST_MS = 9 * 3600_000;

const openSchema = z.object({ k: z.string(), o: z.number(), m: z.number(), c: z.number() });
const cursorSchema = z.object({
  v: z.literal(1),
  /** Orders placed at/after `from − overlap` are new on the next scan. */
  from: z.number(),
  /** A scan in progress (paged by offset over a fixed window). */
  scan: z.object({ start: z.number(), end: z.number(), newFrom: z.number(), offset: z.number() }).nullable(),
  /** Non-final orders: unique_key, ordered ms, list `modified` seen, last detail check ms. */
  open: z.array(openSchema),
});
export type BaseOrdersCursor = z.infer<typeof cursorSchema>;
type Open = z.infer<typeof openSchema>;

export async function fetchOrders(ctx: MallContext<BaseCredentials>, raw: unknown): Promise<FetchOrdersResult> {
  const client = new BaseClient(ctx);
  const now = client.now();
  const parsed = cursorSchema.safeParse(raw);
  const cur: BaseOrdersCursor = parsed.success ? parsed.data : { v: 1, from: now - FIRST_LOOKBACK_MS, scan: null, open: [] };
  const fresh = !parsed.success;

  const oldestWatched = now - MAX_OPEN_AGE_MS;
  const open = new Map<string, Open>(cur.open.filter((o) => o.o >= oldestWatched).map((o) => [o.k, o]));
  const scan = cur.scan ?? {
    newFrom: fresh ? cur.from : cur.from - OVERLAP_MS,
    start: Math.max(oldestWatched, Math.min(fresh ? cur.from : cur.from - OVERLAP_MS, ...[...open.values()].map((o) => o.o))),
    end: now,
    offset: 0,
  };

  const { orders } = await client.get("/1/orders", ordersListSchema, {
    start_ordered: jst(scan.start),
    end_ordered: jst(scan.end),
    limit: String(PAGE),
    offset: String(scan.offset),
  });

  const lines: OrderLine[] = [];
  for (const row of orders) {
    const orderedMs = row.ordered * 1000;
    const known = open.get(row.unique_key);
    const isNew = !known && orderedMs >= scan.newFrom;
    const changed =
      known &&
      (known.m !== (row.modified ?? row.ordered) ||
        row.cancelled != null ||
        row.dispatch_status === "cancelled" ||
        now - known.c >= RECHECK_MS);
    if (!isNew && !changed) continue;
    const detail = await orderDetail(client, row.unique_key);
    if (!detail) {
      open.delete(row.unique_key);
      continue;
    }
    lines.push(...linesOf(detail));
    if (isFinal(detail)) open.delete(row.unique_key);
    else open.set(row.unique_key, { k: row.unique_key, o: orderedMs, m: detail.modified ?? detail.ordered, c: now });
  }

  const more = orders.length >= PAGE;
  const next: BaseOrdersCursor = {
    v: 1,
    from: more ? cur.from : scan.end,
    scan: more ? { ...scan, offset: scan.offset + PAGE } : null,
    open: [...open.values()].sort((a, b) => b.o - a.o).slice(0, MAX_OPEN),
  };
  return { lines, cursor: next, more };
}

async function orderDetail(client: BaseClient, key: string): Promise<OrderDetail | null> {
  try {
    return (await client.get(`/1/orders/detail/${encodeURIComponent(key)}`, orderDetailSchema)).order;
  } catch (e) {
    if (e instanceof MallError && e.errorClass === "item") return null; // no_order
    throw e;
  }
}

/**
 * One sale per order_item, plus a cancel of the whole item once it (or the order) is cancelled.
 * BASE cancels per order_item, never part of an item's amount, so the cumulative cancelled
 * quantity of a line is either 0 or its amount.
 */
export function linesOf(o: OrderDetail): OrderLine[] {
  const orderCancelled = o.dispatch_status === "cancelled" || o.cancelled != null;
  const out: OrderLine[] = [];
  for (const it of o.order_items) {
    const base = {
      orderId: o.unique_key,
      lineId: String(it.order_item_id),
      mallCode: formatBaseCode(it.item_id, it.variation_id),
      quantity: it.amount,
    };
    out.push({ ...base, kind: "sale", at: o.ordered * 1000 });
    if (orderCancelled || it.status === "cancelled") {
      const at = (it.status === "cancelled" ? it.modified : o.cancelled) ?? o.modified ?? o.ordered;
      out.push({ ...base, kind: "cancel", at: at * 1000 });
    }
  }
  return out;
}

/**
 * Nothing left to change stock: every item dispatched or cancelled. [verify] BASE is assumed not
 * to cancel an item after dispatch (returns are handled outside the order).
 */
function isFinal(o: OrderDetail): boolean {
  if (o.dispatch_status === "cancelled") return true;
  return o.order_items.every((i) => i.status === "cancelled" || i.status === "dispatched");
}

/** "yyyy-mm-dd hh:mm:ss" in JST, the format start_ordered/end_ordered take [verify: JST assumed]. */
export function jst(ms: number): string {
  return new Date(ms + JST_MS).toISOString().slice(0, 19).replace("T", " ");
}
