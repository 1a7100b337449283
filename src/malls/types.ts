import type { z } from "zod";

// The one interface every mall speaks through (ARCHITECTURE.md §5). Nothing outside
// src/malls/ talks a mall's protocol; nothing inside it writes stock.

/** Malls Kura speaks to through their API. */
export type ApiMallKind = "rakuten" | "yahoo" | "amazon" | "shopify" | "base" | "aupay" | "colorme";
/** Carts with no usable order API: their orders arrive as forwarded order e-mails (MALLS.md §7). */
export type MailCartKind = "superdelivery" | "shoplist" | "futureshop" | "ponparemall" | "qoo10" | "kinarino" | "bcart";
export type MallKind = ApiMallKind | MailCartKind;

/** How an adapter failure is handled by the sync engine. */
export type MallErrorClass =
  | "auth" // credentials wrong/expired/missing permission: stop the shop (停止中)
  | "rate" // throttled: retry after `retryAfterSec`
  | "transient" // 5xx, timeout, network: retry with backoff
  | "item"; // one item rejected (unknown code, bad value): log it, go on

export class MallError extends Error {
  constructor(
    readonly errorClass: MallErrorClass,
    message: string,
    readonly opts: { retryAfterSec?: number; status?: number; code?: string } = {},
  ) {
    super(message);
    this.name = "MallError";
  }
}

/** A normalized order line. `quantity` of a cancel is the total of the line cancelled so far. */
export interface OrderLine {
  orderId: string;
  lineId: string;
  mallCode: string;
  quantity: number;
  kind: "sale" | "cancel";
  at: number; // epoch ms
}

export interface FetchOrdersResult {
  lines: OrderLine[];
  /** Opaque JSON-able cursor to pass to the next call. */
  cursor: unknown;
  /** True when the mall has more to give right now (call again with `cursor`). */
  more: boolean;
}

/** One figure to send: an absolute quantity for one mall code. */
export interface PushItem {
  mallCode: string;
  quantity: number;
  /** Mall-side identifiers cached on the listing (e.g. Shopify inventory item + location). */
  ref?: Record<string, string> | null;
  /** Shopify CAS: what Kura believes the mall shows now (null = skip the check). */
  expected?: number | null;
}

export interface PushResult {
  mallCode: string;
  ok: boolean;
  error?: { errorClass: MallErrorClass; message: string; code?: string };
  /** Updated mall-side identifiers to cache on the listing. */
  ref?: Record<string, string>;
  /** Mall's own submission id where the push is asynchronous (Amazon). */
  submissionId?: string;
  /**
   * The figure the mall showed when it refused a compare-and-swap (Shopify
   * CHANGE_FROM_QUANTITY_STALE): the engine takes orders in and, if the difference persists,
   * pushes Kura's figure against this one.
   */
  observed?: number | null;
}

export interface StockReading {
  mallCode: string;
  quantity: number | null; // null: the mall does not know this code
}

export interface ConnectionTestResult {
  ok: boolean;
  reason?: string;
  errorClass?: MallErrorClass;
  expiresAt?: number; // epoch ms of the earliest credential expiry the mall exposes
}

export interface MallContext<C> {
  credentials: C;
  baseUrl: string;
  /** Outbound HTTP; tests and `npm start` route it to the mall simulator. */
  fetch: typeof fetch;
  /** Called when the adapter rotated or refreshed credentials; the caller persists them. */
  saveCredentials: (next: C) => Promise<void>;
  /**
   * The credentials as stored now. A mall whose refresh token rotates at each use (BASE) reads
   * them again when its own copy was refused: another conversation of the same shop (a push sent
   * between a pull's requests, a 接続テスト) may have rotated the pair and stored the new one.
   */
  loadCredentials?: () => Promise<C | null>;
  now?: () => number;
  /**
   * Waits `ms` (default: a real timer). Adapters that pace or back off wait through this, so a
   * test can pair it with `now` as a fake clock.
   */
  sleep?: (ms: number) => Promise<void>;
  /**
   * A mall's token endpoint where it lives on a host of its own, set per deployment rather than
   * per shop (Amazon LWA: the Worker var AMAZON_LWA_URL). A shop's `baseUrl` never moves it.
   */
  authUrl?: string;
  /** Per-request timeout; a request that takes longer is a `transient` error. Default 20 s. */
  timeoutMs?: number;
}

export interface MallAdapter<C = unknown> {
  kind: MallKind;
  label: string; // Japanese display name, e.g. 楽天市場
  credentialsSchema: z.ZodType<C>;
  defaultBaseUrl: string;
  /**
   * The shop's budget (MALLS.md §9): rows per push call, codes per read, sustained requests per
   * second with a burst (default: the rate), and how often its order API may be polled.
   */
  /** readPerItem: readStock spends one request per item (BASE, Amazon), so a drift read goes item by item. */
  limits: { pushBatch: number; readBatch: number; requestsPerSecond: number; burst?: number; pollEverySec: number; readPerItem?: boolean };
  /**
   * Where the mall budgets its order API apart from the rest (Rakuten's RMS order API, Yahoo's
   * per-API limit): the requests it matches are paced by their own bucket at `requestsPerSecond`,
   * so order intake never eats the stock API's budget. Without it, every request shares one.
   */
  orderLane?: { requestsPerSecond: number; matches(path: string): boolean };
  testConnection(ctx: MallContext<C>): Promise<ConnectionTestResult>;
  fetchOrders(ctx: MallContext<C>, cursor: unknown): Promise<FetchOrdersResult>;
  pushStock(ctx: MallContext<C>, items: PushItem[]): Promise<PushResult[]>;
  readStock(ctx: MallContext<C>, codes: string[]): Promise<StockReading[]>;
  defaultMallCode: DefaultMallCode;
  /**
   * The mall answers a stock update for a code it does not know with success (Rakuten, Yahoo:
   * MALLS.md §8), so Kura reads a first push back to catch 未登録コード itself.
   */
  acceptsUnknownCodes?: boolean;
  /**
   * "mail": a cart Kura cannot call at all. Its orders come in by e-mail (src/mail/), it takes
   * no pushes, pulls, reads or 接続テスト, and a shop of it needs no credentials.
   */
  intake?: "api" | "mail";
  verifyWebhook?(ctx: MallContext<C>, rawBody: ArrayBuffer, headers: Headers): Promise<boolean>;
  /** Subscribes Kura's webhook endpoint (`uri`) to the mall's events (Shopify); run by 接続テスト. */
  registerWebhooks?(ctx: MallContext<C>, uri: string): Promise<{ topic: string; ok: boolean; message?: string }[]>;
}

/**
 * The default rule (MALLS.md §8) from a master code to this mall's code, used when the
 * listing has no 別品番紐づけ override. Order lines are matched against the same string.
 */
export type DefaultMallCode = (masterCode: string) => string;
