import { Hono } from "hono";
import { countProductsWithStatus, countUnmatched, salesTakenIn } from "../../db/queries/attention";
import { countProducts } from "../../db/queries/products";
import { failingListingCounts, listShops, shopHealth } from "../../db/queries/shops";
import { DAY_MS, jstDate, jstDayStart } from "../../lib/jst";
import type { UiEnv } from "../../lib/session";
import { shopSync } from "../../sync/shop-sync-client";
import { listUnreflected, UNREFLECTED_MAX } from "../../sync/unreflected";
import type { LagPoint } from "../../views/lag-chart";
import { type AttentionItem, HomePage } from "../../views/home-page";
import { frame } from "./middleware";

// ホーム: what needs attention today (each count links to its list), the sales taken in today
// (JST day) per shop, and the sync lag of the last 24 hours.

export const homePage = new Hono<UiEnv>();

homePage.get("/", async (c) => {
  const s = c.get("session")!;
  const db = c.get("db");
  const accountId = s.account.id;
  const started = performance.now();
  const now = Date.now();
  const today = jstDate(now);
  const dayStart = jstDayStart(today)!;
  const shops = await listShops(db, accountId);
  const [products, negative, low, unmatched, unreflected, failing, sales, lags] = await Promise.all([
    countProducts(db, accountId),
    countProductsWithStatus(db, accountId, "negative"),
    countProductsWithStatus(db, accountId, "low"),
    countUnmatched(db, accountId),
    listUnreflected(c.env, db, accountId, UNREFLECTED_MAX),
    failingListingCounts(db, accountId, shops.map((x) => x.id)),
    salesTakenIn(db, accountId, dayStart, dayStart + DAY_MS - 1),
    Promise.all(shops.map((x) => shopSync(c.env, { accountId, shopId: x.id }).lagHistory({ accountId, shopId: x.id }))),
  ]);

  const health = shops.map((x) => ({ name: x.name, health: shopHealth(x, failing.get(x.id) ?? 0) }));
  const named = (h: string) => health.filter((x) => x.health === h).map((x) => x.name);
  const stopped = named("stopped");
  const errors = named("error");
  const attention: AttentionItem[] = [
    { key: "home.stoppedShops", count: stopped.length, href: "/shops", tone: "bad", names: stopped.slice(0, 5) },
    { key: "home.errorShops", count: errors.length, href: "/shops", tone: "bad", names: errors.slice(0, 5) },
    { key: "home.negative", count: negative, href: "/attention/negative", tone: "bad" },
    { key: "home.unmatched", count: unmatched, href: "/attention/unmatched", tone: "warn" },
    { key: "home.unreflected", count: unreflected.total, more: unreflected.truncated, href: "/attention/unreflected", tone: "warn" },
    { key: "home.lowStock", count: low, href: "/attention/low-stock", tone: "warn" },
  ];

  // Every shop has a row (a shop with no sale today says so); outside sources (POS…) when they sold.
  const shopName = new Map(shops.map((x) => [x.id, x.name]));
  const byShop = new Map(sales.filter((r) => r.shopId !== null).map((r) => [r.shopId!, r]));
  const salesRows = [
    ...shops.map((x) => ({ name: x.name, orders: byShop.get(x.id)?.orders ?? 0, units: byShop.get(x.id)?.units ?? 0 })),
    ...sales.filter((r) => r.shopId === null || !shopName.has(r.shopId)).map((r) => ({ name: r.source, orders: r.orders, units: r.units })),
  ];

  // Per hour, the slowest shop: the chart answers "did any shop fall behind?".
  const hours = new Map<number, LagPoint>();
  for (const h of lags.flat()) {
    const p = hours.get(h.hour);
    hours.set(h.hour, p ? { hour: h.hour, samples: p.samples + h.samples, p50: Math.max(p.p50, h.p50), p95: Math.max(p.p95, h.p95) } : { ...h });
  }

  // The server's time for the page (npm run bench:grid prints it at 100,000 products).
  c.header("Server-Timing", `home;dur=${Math.round(performance.now() - started)}`);
  return c.html(
    <HomePage
      frame={frame(c)}
      products={products}
      maxProducts={s.account.maxProducts}
      shops={shops.length}
      attention={attention}
      today={today}
      sales={salesRows}
      lag={[...hours.values()].sort((a, b) => a.hour - b.hour)}
      now={now}
    />,
  );
});
