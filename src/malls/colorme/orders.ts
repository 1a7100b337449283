import { z } from "zod";
import type { FetchOrdersResult, MallContext, OrderLine } from "../types";
import { ColormeClient } from "./client";
import { formatColormeCode } from "./codes";
import { salesListSchema, type ColormeCredentials, type ColormeSale } from "./schemas";

// GET /v1/sales.json filters by update_date, so one poll asks for every sale created OR changed
// since the last one, cancellations included (`canceled: true`; no webhook exists). Each window
// [min, max] is paged by offset (limit ≤ 100); the next window starts OVERLAP before the last
// one's end, so a sale stamped just before a poll but visible only after it is not lost. Lines
// read twice are harmless: intake keys them by shop + sale id + detail id (+ kind).

const PAGE = 100; // tools.json getSales: limit max 100
const FIRST_LOOKBACK_SEC = 15 * 60;
const OVERLAP_SEC = 5 * 60;
/**
 * Without `after` (= make_date_min) the API only searches sales made in the last 7 days
 * (tools.json getSales), however update_date is filtered [verify: whether update_date_min lifts
 * that default]. A cancel of an older sale would never be seen, so `after` is always sent.
 */
const CANCEL_HORIZON_SEC = 90 * 86_400;
/**
 * Sales remembered for their quantities (see `open`), newest first: about 40 bytes each in the
 * shop's stored cursor. A cancel through the API zeroes product_num; whether one made in the
 * shop's admin does too is not documented [verify]. A zeroed cancel of a sale older than the
 * newest MAX_OPEN gives nothing back (it is still taken in as what it is: no units).
 */
const MAX_OPEN = 2000;
const JST_SEC = 9 * 3600;

const cursorSchema = z.object({
  v: z.literal(1),
  /** Start (epoch s) of the next window, before the overlap. */
  since: z.number(),
  scan: z.object({ min: z.number(), max: z.number(), offset: z.number() }).nullable(),
  /**
   * Sales not cancelled yet: [sale id, make_date, [[detail id, product_num]…]]. A cancel through
   * the API sets product_num to 0 (tools.json cancelSale), so the quantity a cancel gives back is
   * the one remembered from the sale.
   */
  open: z.array(z.tuple([z.number(), z.number(), z.array(z.tuple([z.number(), z.number()]))])),
});
export type ColormeOrdersCursor = z.infer<typeof cursorSchema>;

export async function fetchOrders(ctx: MallContext<ColormeCredentials>, raw: unknown): Promise<FetchOrdersResult> {
  const client = new ColormeClient(ctx);
  const now = Math.floor(client.now() / 1000);
  const parsed = cursorSchema.safeParse(raw);
  const cur: ColormeOrdersCursor = parsed.success ? parsed.data : { v: 1, since: now - FIRST_LOOKBACK_SEC, scan: null, open: [] };
  const scan = cur.scan ?? { min: parsed.success ? cur.since - OVERLAP_SEC : cur.since, max: now, offset: 0 };

  const page = await client.get("/v1/sales.json", salesListSchema, {
    update_date_min: jst(scan.min),
    update_date_max: jst(scan.max),
    after: jst(now - CANCEL_HORIZON_SEC),
    limit: String(PAGE),
    offset: String(scan.offset),
  });

  const open = new Map(cur.open.filter((o) => o[1] >= now - CANCEL_HORIZON_SEC).map((o) => [o[0], o]));
  const lines: OrderLine[] = [];
  for (const sale of page.sales) {
    const remembered = new Map(open.get(sale.id)?.[2] ?? []);
    lines.push(...linesOf(sale, remembered));
    if (sale.canceled) open.delete(sale.id);
    else open.set(sale.id, [sale.id, sale.make_date, sale.details.map((d) => [d.id, d.product_num] as [number, number])]);
  }

  const more = page.sales.length >= PAGE && scan.offset + page.sales.length < page.meta.total;
  const next: ColormeOrdersCursor = {
    v: 1,
    since: more ? cur.since : scan.max,
    scan: more ? { ...scan, offset: scan.offset + page.sales.length } : null,
    open: [...open.values()].sort((a, b) => b[1] - a[1]).slice(0, MAX_OPEN),
  };
  return { lines, cursor: next, more };
}

/**
 * One sale line per detail, and once the sale is cancelled one cancel line per detail for its
 * whole quantity (カラーミー cancels a whole sale). A detail whose quantity is 0 and was never
 * seen before (a sale cancelled before Kura first saw it) moved nothing: no line.
 */
export function linesOf(sale: ColormeSale, remembered: Map<number, number> = new Map()): OrderLine[] {
  const out: OrderLine[] = [];
  for (const d of sale.details) {
    const quantity = d.product_num > 0 ? d.product_num : (remembered.get(d.id) ?? 0);
    if (quantity <= 0) continue;
    // option values of a detail are the product's current ones (ruby DetailsInner: 最新の商品情報).
    const base = { orderId: String(sale.id), lineId: String(d.id), mallCode: formatColormeCode(d.product_id, d.option1_value, d.option2_value), quantity };
    out.push({ ...base, kind: "sale", at: sale.make_date * 1000 });
    if (sale.canceled) out.push({ ...base, kind: "cancel", at: sale.update_date * 1000 });
  }
  return out;
}

/** "YYYY-MM-DD HH:MM:SS" in JST, how the date filters are sent [verify: format not documented]. */
export function jst(sec: number): string {
  return new Date((sec + JST_SEC) * 1000).toISOString().slice(0, 19).replace("T", " ");
}
