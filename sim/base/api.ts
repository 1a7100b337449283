import { Hono, type Context, type MiddlewareHandler } from "hono";
import { ageRoute, backTo, CodeStore, consentDecision, consentPage, isRedirectUri } from "../shared/oauth";
import { logCalls } from "../shared/control";
import { ALL_SCOPES, SIM_CLIENT, type BaseSimState, type SimItem, type SimOrder } from "./state";

/** [verify] BASE documents no lifetime for its authorization code; 10 minutes is assumed. */
export const CODE_LIFE_MS = 10 * 60_000;

// BASE API v1 as documented (baseinc/api-docs → docs.thebase.in): every error is HTTP 400
// {error, error_description}; 5,000 calls/hour and 100,000/day per user.

const fail = (c: Context, error: string, error_description: string) => c.json({ error, error_description }, 400);
const BAD_TOKEN = "アクセストークンが無効です。";

export function apiRoutes(state: BaseSimState): Hono {
  const app = new Hono();

  // Call log + injected faults, for every API call including the token endpoint.
  app.use("/1/*", logCalls(() => state.calls, (c) => faulted(c, state)));

  // Bearer check, scope check, then the usage counters (only authenticated calls count).
  const auth = (scope: string): MiddlewareHandler => async (c, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    const tok = m ? state.accessTokens.get(m[1]) : undefined;
    // [verify] an expired access token is assumed to answer like an invalid one.
    if (!tok || tok.exp <= state.nowSec()) return fail(c, "invalid_request", BAD_TOKEN);
    if (!tok.scopes.includes(scope)) return fail(c, "invalid_scope", "スコープが無効です。");
    const over = state.countCall();
    if (over === "hour_api_limit")
      return fail(c, over, "1時間のAPIの利用上限を超えました。時間が変わってからもう一度アクセスしてください。");
    if (over === "day_api_limit")
      return fail(c, over, "1日のAPIの利用上限を超えました。日付が変わってからもう一度アクセスしてください。");
    await next();
  };
  const postOnly = (c: Context) => fail(c, "not_post_method", "POSTで送信してください。");

  // GET /1/oauth/authorize shows the consent page (BASE's own login + 許可); its POST returns to
  // redirect_uri with code and state, or error=access_denied.
  const codes = new CodeStore<{ scopes: string[] }>(() => state.nowMs(), CODE_LIFE_MS, "");
  app.route("/", ageRoute(codes));
  app.get("/1/oauth/authorize", (c) => {
    const q = c.req.query();
    if (q.response_type !== "code") return fail(c, "invalid_request", "response_typeが不正です。");
    if (q.client_id !== SIM_CLIENT.client_id) return fail(c, "invalid_request", "クライアントが見つかりませんでした。");
    if (!isRedirectUri(q.redirect_uri)) return fail(c, "invalid_request", "redirect_uriが不正です。");
    return consentPage(c, "BASE", `アプリに次の権限を許可しますか: ${q.scope ?? "read_users"}`);
  });
  app.post("/1/oauth/authorize", async (c) => {
    const { fields, allowed } = await consentDecision(c);
    if (fields.client_id !== SIM_CLIENT.client_id || !isRedirectUri(fields.redirect_uri)) return fail(c, "invalid_request", "不正なパラメーターです。");
    const st = fields.state ? { state: fields.state } : {};
    if (!allowed) return backTo(c, fields.redirect_uri, { error: "access_denied", ...st });
    const asked = (fields.scope || "read_users").split(/\s+/).filter((s) => ALL_SCOPES.includes(s));
    return backTo(c, fields.redirect_uri, { code: codes.issue(fields.client_id, fields.redirect_uri, { scopes: asked }), ...st });
  });

  app.post("/1/oauth/token", async (c) => {
    const form = await formOf(c);
    const basic = basicAuth(c.req.header("authorization"));
    const clientId = form.client_id ?? basic?.[0], secret = form.client_secret ?? basic?.[1];
    if (!clientId || !secret) return fail(c, "invalid_request", "client_idもしくはclient_secretがありません。");
    if (clientId !== SIM_CLIENT.client_id || secret !== SIM_CLIENT.client_secret)
      return fail(c, "unauthorized_client", "クライアントが見つかりませんでした。");
    if (form.grant_type === "authorization_code") {
      // [verify] BASE's exact wording for a spent, expired or foreign code.
      const taken = codes.take(form.code ?? "", clientId, form.redirect_uri ?? "");
      if (!taken.ok) return fail(c, "invalid_grant", taken.why === "expired" ? "認可コードの有効期限が切れています。" : "不正な認可コードです。");
      return c.json(state.issueTokens(undefined, form.redirect_uri!));
    }
    if (form.grant_type !== "refresh_token") return fail(c, "invalid_request", "不正なgrant_typeです。");
    const rt = form.refresh_token ? state.refreshTokens.get(form.refresh_token) : undefined;
    // [verify] the exact answer to a mismatching redirect_uri on the refresh grant.
    if (!form.refresh_token || (rt && form.redirect_uri !== rt.redirectUri)) return fail(c, "invalid_request", "不正なパラメーターです。");
    if (!rt) return fail(c, "invalid_request", "不正なリフレッシュトークンです。");
    if (rt.exp <= state.nowSec()) return fail(c, "invalid_request", "リフレッシュトークンの有効期限が切れています。");
    return c.json(state.issueTokens(form.refresh_token, rt.redirectUri));
  });
  app.get("/1/oauth/token", (c) => fail(c, "access_denied", "POSTで送信してください。"));

  app.get("/1/users/me", auth("read_users"), (c) =>
    c.json({ user: { shop_id: "kura_demo", shop_name: "Kura デモショップ", shop_url: "https://kura-demo.thebase.in" } }),
  );

  app.get("/1/items", auth("read_items"), (c) => {
    const { limit, offset } = paging(c, 20);
    if (limit == null) return fail(c, "bad_params", "不正なパラメーターです。");
    const rows = [...state.items.values()].sort((a, b) => a.list_order - b.list_order);
    return c.json({ items: rows.slice(offset, offset + limit).map(itemJson) });
  });

  app.get("/1/items/detail/:item_id", auth("read_items"), (c) => {
    const item = state.items.get(Number(c.req.param("item_id")));
    return item ? c.json({ item: itemJson(item) }) : fail(c, "no_item", "商品が見つかりませんでした。");
  });

  app.get("/1/items/edit_stock", auth("write_items"), postOnly);
  app.post("/1/items/edit_stock", auth("write_items"), async (c) => {
    const f = await formOf(c);
    const item = /^\d+$/.test(f.item_id ?? "") ? state.items.get(Number(f.item_id)) : undefined;
    if (!item) return fail(c, "bad_item_id", "不正なitem_idです。");
    const qty = (s: string | undefined) => (s != null && /^\d{1,9}$/.test(s) ? Number(s) : null);
    if (f.variation_id != null && f.variation_id !== "") {
      const v = item.variations.find((x) => String(x.variation_id) === f.variation_id);
      if (!v) return fail(c, "bad_variation_id", "不正なvariation_idです。");
      const q = qty(f.variation_stock);
      if (q == null) return fail(c, f.variation_stock == null ? "bad_params" : "validation_error",
        f.variation_stock == null ? "不正なパラメーターです。" : "バリデーションエラーです。");
      v.variation_stock = q;
      item.stock = item.variations.reduce((n, x) => n + x.variation_stock, 0);
    } else {
      if (f.stock == null) return fail(c, "bad_params", "不正なパラメーターです。");
      const q = qty(f.stock);
      // [verify] a bare `stock` on an item with variations (whose stock is their sum).
      if (q == null || item.variations.length) return fail(c, "validation_error", "バリデーションエラーです。");
      item.stock = q;
    }
    item.modified = state.nowSec();
    return c.json({ item: itemJson(item) });
  });

  app.get("/1/orders", auth("read_orders"), (c) => {
    const { limit, offset } = paging(c, 20);
    const start = ordered(c.req.query("start_ordered"), false), end = ordered(c.req.query("end_ordered"), true);
    if (limit == null || start === undefined || end === undefined) return fail(c, "bad_params", "不正なパラメーターです。");
    const rows = state.orders
      .filter((o) => (start == null || o.ordered >= start) && (end == null || o.ordered <= end))
      .sort((a, b) => b.ordered - a.ordered || (a.unique_key < b.unique_key ? 1 : -1)); // newest first [verify]
    return c.json({ orders: rows.slice(offset, offset + limit).map(summaryJson) });
  });

  app.get("/1/orders/detail/:unique_key", auth("read_orders"), (c) => {
    const o = state.orders.find((x) => x.unique_key === c.req.param("unique_key"));
    if (!o) return fail(c, "no_order", "注文情報が見つかりませんでした。");
    return c.json({ order: { ...summaryJson(o), order_items: o.order_items.map((i) => ({ ...i, shipping_method: null, shipping_fee: 0 })) } });
  });

  return app;
}

/** The response of the next injected fault, or null to answer normally ("slow" only delays). */
async function faulted(c: Context, state: BaseSimState): Promise<Response | null> {
  const f = state.takeFault();
  if (!f) return null;
  const isToken = c.req.path.endsWith("/1/oauth/token");
  switch (f.type) {
    case "5xx":
      return c.html("<html><body>503 Service Temporarily Unavailable</body></html>", 503);
    case "429": // BASE has no 429: its throttle answer is the hourly-limit error
      return fail(c, "hour_api_limit", "1時間のAPIの利用上限を超えました。時間が変わってからもう一度アクセスしてください。");
    case "expired":
      return isToken ? fail(c, "invalid_request", "リフレッシュトークンの有効期限が切れています。") : fail(c, "invalid_request", BAD_TOKEN);
    case "auth":
      return isToken ? fail(c, "unauthorized_client", "クライアントが見つかりませんでした。") : fail(c, "invalid_request", BAD_TOKEN);
    case "timeout":
      return (await waitOrAbort(c.req.raw.signal, f.delayMs ?? 60_000))
        ? new Response(null, { status: 499 }) // nobody is listening any more
        : c.text("Gateway Timeout", 504);
    case "slow":
      return (await waitOrAbort(c.req.raw.signal, f.delayMs ?? 2000)) ? new Response(null, { status: 499 }) : null;
  }
}

function itemJson(i: SimItem) {
  return { item_id: i.item_id, title: i.title, detail: "", price: i.price, proper_price: null, stock: i.stock, visible: i.visible,
    list_order: i.list_order, identifier: i.identifier, modified: i.modified, variations: i.variations.map((v) => ({ ...v })) };
}

function summaryJson(o: SimOrder) {
  return { unique_key: o.unique_key, ordered: o.ordered, cancelled: o.cancelled, dispatched: o.dispatched, payment: o.payment,
    first_name: "太郎", last_name: "山田", total: o.total, delivery_date: null, delivery_time_zone: null,
    terminated: o.order_items.every((i) => i.status !== "ordered"), dispatch_status: o.dispatch_status, modified: o.modified,
    subscription: { unique_key: null, repeat_number: null, repeat_times: null } };
}

/** limit (default, MAX 100) / offset; null limit = invalid [verify: over-100 answer]. */
function paging(c: Context, dflt: number): { limit: number | null; offset: number } {
  const l = c.req.query("limit"), o = c.req.query("offset");
  const limit = l == null ? dflt : /^\d+$/.test(l) && Number(l) >= 1 && Number(l) <= 100 ? Number(l) : null;
  const offset = o != null && /^\d+$/.test(o) ? Number(o) : 0;
  return { limit, offset };
}

/** "yyyy-mm-dd" or "yyyy-mm-dd hh:mm:ss" in JST → epoch s; null = absent; undefined = malformed. */
function ordered(s: string | undefined, endOfDay: boolean): number | null | undefined {
  if (s == null || s === "") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(s);
  if (!m) return undefined;
  const [h, mi, se] = m[4] ? [+m[4], +m[5], +m[6]] : endOfDay ? [23, 59, 59] : [0, 0, 0];
  return Date.UTC(+m[1], +m[2] - 1, +m[3], h - 9, mi, se) / 1000;
}

async function formOf(c: Context): Promise<Record<string, string | undefined>> {
  const body = await c.req.parseBody().catch(() => ({}));
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(body)) if (typeof v === "string") out[k] = v;
  return out;
}

function basicAuth(h: string | undefined): [string, string] | null {
  const m = /^Basic\s+(\S+)$/i.exec(h ?? "");
  if (!m) return null;
  const [id, ...rest] = atob(m[1]).split(":");
  return [id, rest.join(":")];
}

/** Resolves true if the caller gave up (signal aborted), false once `ms` passed. */
function waitOrAbort(signal: AbortSignal | undefined, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve(true)), { once: true });
  });
}
