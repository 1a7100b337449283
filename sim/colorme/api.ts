import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { syncStocks, type ColormeSimState, type SimProduct, type SimSale } from "./state";
import { logCalls } from "../shared/control";

// カラーミーショップ API v1 (https://api.shop-pro.jp/v1/{resource}.json) as documented in
// pepabo/colormeshop-ruby and colormeshop-mcp tools.json: Bearer token, JSON bodies, every error
// {"errors":[{code, message, status}]}. The 120 requests/minute guideline is not enforced by the
// real shop (MALLS-MORE §2); a 429 is only what a test injects, with a Retry-After.

const fail = (c: Context, status: number, code: number, message: string) =>
  c.json({ errors: [{ code, message, status }] }, status as ContentfulStatusCode);
const JST_SEC = 9 * 3600;

export function apiRoutes(state: ColormeSimState): Hono {
  const app = new Hono();

  // Call log + injected faults, for every API call.
  app.use("/v1/*", logCalls(() => state.calls, (c) => faulted(c, state)));

  const auth = (scope: string): MiddlewareHandler => async (c, next) => {
    const m = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "");
    const tok = m ? state.tokens.get(m[1]) : undefined;
    if (!tok) return fail(c, 401, 401000, "認証に失敗しました。アクセストークンが無効です");
    if (!tok.scopes.includes(scope)) return fail(c, 403, 403000, `このアクセストークンには ${scope} の権限がありません`);
    await next();
  };

  app.get("/v1/shop.json", auth("read_products"), (c) =>
    c.json({ shop: { id: "PA01234567", login_id: "kura-demo", title: "Kura デモショップ", url: "https://kura-demo.shop-pro.jp", make_date: 1_700_000_000 } }),
  );

  // Hono reads "/v1/products/:file" so both "123.json" and the variants path are seen here.
  app.get("/v1/products/:file", auth("read_products"), (c) => {
    const p = productOf(state, c.req.param("file"));
    return p ? c.json({ product: productJson(p) }) : notFound(c);
  });

  app.get("/v1/products/:id/variants", auth("read_products"), (c) => variants(c, state));
  app.get("/v1/products/:id/variants.json", auth("read_products"), (c) => variants(c, state));

  app.put("/v1/products/:file", auth("write_products"), async (c) => {
    const p = productOf(state, c.req.param("file"));
    if (!p) return notFound(c);
    const body = (await c.req.json().catch(() => null)) as { product?: { stocks?: unknown; variants?: unknown } } | null;
    const upd = body?.product;
    if (!upd || typeof upd !== "object") return fail(c, 400, 400000, "product を指定してください");
    const now = state.nowSec();
    // All of the request is checked before anything is written: a refused request writes nothing.
    const writes: (() => void)[] = [];
    if (upd.stocks !== undefined && p.variants.length === 0 && p.stock_managed) {
      const next = stockValue(upd.stocks, p.stocks ?? 0);
      if (next === null) return fail(c, 400, 400100, "在庫数が不正です");
      writes.push(() => (p.stocks = next));
    }
    // On a product kept per option, `stocks` is ignored (tools.json updateProduct).
    if (upd.variants !== undefined) {
      if (!Array.isArray(upd.variants)) return fail(c, 400, 400000, "variants は配列で指定してください");
      for (const raw of upd.variants as { option1_value?: unknown; option2_value?: unknown; stocks?: unknown }[]) {
        const v = state.variant(p, str(raw?.option1_value), str(raw?.option2_value));
        if (!v) {
          if (state.behaviour.unknownOption === "error") return fail(c, 400, 400200, "指定されたオプションが存在しません");
          continue;
        }
        if (raw.stocks === undefined) continue;
        const next = stockValue(raw.stocks, v.stocks);
        if (next === null) return fail(c, 400, 400100, "在庫数が不正です");
        writes.push(() => ((v.stocks = next), (v.update_date = now)));
      }
    }
    for (const w of writes) w();
    syncStocks(p);
    p.update_date = now;
    return c.json({ product: productJson(p) });
  });

  app.get("/v1/stocks.json", auth("read_products"), (c) => {
    const page = paging(c, 10, 50);
    if (!page) return fail(c, 400, 400000, "limit は 50 以下で指定してください");
    const ids = idsOf(c.req.query("ids"));
    const model = c.req.query("model_number");
    const rows = [...state.products.values()]
      .filter((p) => p.stock_managed && (!ids || ids.has(p.id)))
      .sort((a, b) => a.id - b.id)
      .flatMap((p) =>
        p.variants.length
          ? p.variants.map((v) => ({ ...stockRow(p), option1_value: v.option1_value, option2_value: v.option2_value, stocks: v.stocks, variant_model_number: v.model_number }))
          : [stockRow(p)],
      )
      .filter((r) => !model || r.model_number.includes(model) || (r.variant_model_number ?? "").includes(model));
    return c.json({ stocks: rows.slice(page.offset, page.offset + page.limit), meta: { total: rows.length, limit: page.limit, offset: page.offset } });
  });

  app.get("/v1/sales.json", auth("read_sales"), (c) => {
    const page = paging(c, 10, 100);
    if (!page) return fail(c, 400, 400000, "limit は 100 以下で指定してください");
    const q = (k: string) => c.req.query(k);
    const dates = { after: date(q("after") ?? q("make_date_min")), before: date(q("before") ?? q("make_date_max")), umin: date(q("update_date_min")), umax: date(q("update_date_max")) };
    if (Object.values(dates).some((d) => d === undefined)) return fail(c, 400, 400000, "日時の形式が不正です");
    // Without `after`: sales made since 00:00 (JST) seven days before `before`, or before now.
    const after = dates.after ?? jstMidnight((dates.before ?? state.nowSec()) - 7 * 86_400);
    const ids = idsOf(q("ids"));
    const canceled = q("canceled");
    const rows = state.sales
      .filter((s) => s.make_date >= after && (dates.before == null || s.make_date <= dates.before!))
      .filter((s) => (dates.umin == null || s.update_date >= dates.umin) && (dates.umax == null || s.update_date <= dates.umax))
      .filter((s) => (!ids || ids.has(s.id)) && (canceled == null || String(s.canceled) === canceled))
      .sort((a, b) => b.id - a.id); // newest first [verify: the documented default order]
    return c.json({ sales: rows.slice(page.offset, page.offset + page.limit).map(saleJson), meta: { total: rows.length, limit: page.limit, offset: page.offset } });
  });

  app.get("/v1/sales/:file", auth("read_sales"), (c) => {
    const s = state.sales.find((x) => `${x.id}.json` === c.req.param("file"));
    return s ? c.json({ sale: saleJson(s) }) : fail(c, 404, 404200, "受注が存在しません");
  });

  // cancelSale: restock (default false [verify]) puts the stock back; product_num becomes 0.
  app.put("/v1/sales/:id/cancel.json", auth("write_sales"), async (c) => {
    const s = state.sales.find((x) => String(x.id) === c.req.param("id"));
    if (!s) return fail(c, 404, 404200, "受注が存在しません");
    const body = (await c.req.json().catch(() => ({}))) as { restock?: boolean };
    return c.json({ sale: saleJson(state.cancelOrder(String(s.id), { restock: body.restock === true })) });
  });

  return app;
}

function notFound(c: Context) {
  return fail(c, 404, 404100, "商品が存在しません");
}

function productOf(state: ColormeSimState, file: string): SimProduct | undefined {
  const m = /^(\d+)\.json$/.exec(file);
  return m ? state.products.get(Number(m[1])) : undefined;
}

function variants(c: Context, state: ColormeSimState) {
  const p = state.products.get(Number(c.req.param("id")));
  if (!p) return notFound(c);
  const page = paging(c, 10, 50);
  if (!page) return fail(c, 400, 400000, "limit は 50 以下で指定してください");
  const rows = p.variants.map((v) => variantJson(p, v));
  return c.json({ variants: rows.slice(page.offset, page.offset + page.limit), meta: { total: rows.length, limit: page.limit, offset: page.offset } });
}

/** An absolute figure (≥ 0) or {"increment": n}; null when invalid or when it would go below 0 [verify]. */
function stockValue(v: unknown, current: number): number | null {
  if (typeof v === "number") return Number.isInteger(v) && v >= 0 ? v : null;
  if (v && typeof v === "object" && "increment" in v) {
    const n = (v as { increment: unknown }).increment;
    return typeof n === "number" && Number.isInteger(n) && current + n >= 0 ? current + n : null;
  }
  return null;
}

const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : null);

function variantJson(p: SimProduct, v: SimProduct["variants"][number]) {
  return {
    product_id: p.id, account_id: "PA01234567", option1_value: v.option1_value, option2_value: v.option2_value,
    title: [v.option1_value, v.option2_value].filter(Boolean).join("　x　"), stocks: v.stocks, few_num: 0, model_number: v.model_number,
    option_price: p.sales_price, make_date: v.make_date, update_date: v.update_date,
  };
}

function productJson(p: SimProduct) {
  return {
    id: p.id, account_id: "PA01234567", name: p.name, stock_managed: p.stock_managed, stocks: p.stock_managed ? p.stocks : null,
    few_num: 0, model_number: p.model_number, sales_price: p.sales_price, make_date: p.make_date, update_date: p.update_date,
    variants: p.variants.map((v) => variantJson(p, v)),
  };
}

function stockRow(p: SimProduct) {
  return {
    account_id: "PA01234567", product_id: p.id, name: p.name, option1_value: null as string | null, option2_value: null as string | null,
    stocks: p.stocks, few_num: 0, model_number: p.model_number, variant_model_number: null as string | null, sales_price: p.sales_price,
    make_date: p.make_date, update_date: p.update_date,
  };
}

function saleJson(s: SimSale) {
  return { ...s, details: s.details.map((d) => ({ ...d })) };
}

function paging(c: Context, dflt: number, max: number): { limit: number; offset: number } | null {
  const l = c.req.query("limit"), o = c.req.query("offset");
  const limit = l == null ? dflt : /^\d+$/.test(l) && Number(l) >= 1 && Number(l) <= max ? Number(l) : null;
  if (limit === null) return null;
  return { limit, offset: o != null && /^\d+$/.test(o) ? Number(o) : 0 };
}

function idsOf(s: string | undefined): Set<number> | null {
  return s ? new Set(s.split(",").map((x) => Number(x.trim())).filter(Number.isFinite)) : null;
}

/** "YYYY-MM-DD[ HH:MM:SS]" in JST → epoch s; null = absent; undefined = malformed [verify: format]. */
function date(s: string | undefined): number | null | undefined {
  if (s == null || s === "") return null;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2}):(\d{2}))?$/.exec(s);
  if (!m) return undefined;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +(m[4] ?? 0), +(m[5] ?? 0), +(m[6] ?? 0)) / 1000 - JST_SEC;
}

function jstMidnight(sec: number): number {
  return Math.floor((sec + JST_SEC) / 86_400) * 86_400 - JST_SEC;
}

/** The response of the next injected fault, or null to answer normally ("slow" only delays). */
async function faulted(c: Context, state: ColormeSimState): Promise<Response | null> {
  const f = state.takeFault();
  if (!f) return null;
  switch (f.type) {
    case "5xx":
      return c.html("<html><body>503 Service Temporarily Unavailable</body></html>", 503);
    case "429": {
      const res = fail(c, 429, 429000, "リクエスト数が上限を超えました");
      res.headers.set("Retry-After", String(f.retryAfter ?? 1));
      return res;
    }
    case "expired": // the token has no expiry: "expired" and "auth" both read as a revoked token
    case "auth":
      return fail(c, 401, 401000, "認証に失敗しました。アクセストークンが無効です");
    case "timeout":
      return (await waitOrAbort(c.req.raw.signal, f.delayMs ?? 60_000)) ? new Response(null, { status: 499 }) : c.text("Gateway Timeout", 504);
    case "slow":
      return (await waitOrAbort(c.req.raw.signal, f.delayMs ?? 2000)) ? new Response(null, { status: 499 }) : null;
  }
}

function waitOrAbort(signal: AbortSignal | undefined, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve(true);
    const t = setTimeout(() => resolve(false), ms);
    signal?.addEventListener("abort", () => (clearTimeout(t), resolve(true)), { once: true });
  });
}
