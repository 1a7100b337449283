import { Hono } from "hono";
import { z } from "zod";
import { getSettings } from "../../db/queries/accounts";
import { listGroups } from "../../db/queries/groups";
import { GRID_SORTS, type GridCursor, gridProducts, listingsOf } from "../../db/queries/product-grid";
import { countProducts } from "../../db/queries/products";
import { listShops } from "../../db/queries/shops";
import { projection, setComponentStock } from "../../db/queries/stock";
import { randomToken } from "../../lib/crypto";
import { can } from "../../lib/permissions";
import type { UiEnv } from "../../lib/session";
import { setBase } from "../../stock/figure";
import { liveStockAcross } from "../../stock/live";
import { gridCell, reservedShown } from "../../stock/grid";
import { type GridRow, ProductsPage } from "../../views/products-page";
import { decodeCursor, encodeCursor } from "../api/cursor";
import { frame } from "./middleware";

// 商品管理: one keyset page of products with, per shop, the figure SPEC §3.2 sends it — from the
// D1 projection (at most about a second behind the StockGroups), so a page costs a handful of
// index-bound queries and no Durable Object call.

export const productsPage = new Hono<UiEnv>();

const PAGE = 50;

// A query string typed by hand may say anything: what does not parse is ignored, not an error.
const gridParams = z.object({
  q: z.string().max(200).catch(""),
  group: z.coerce.number().int().positive().optional().catch(undefined),
  status: z.enum(["low", "negative", "unsynced", "error"]).optional().catch(undefined),
  sort: z.enum(GRID_SORTS).catch("code"),
  after: z.string().max(2000).optional().catch(undefined),
});

function readCursor(raw: string | undefined): GridCursor | undefined {
  if (!raw) return undefined;
  try {
    const v = JSON.parse(decodeCursor(raw) ?? "");
    return typeof v?.c === "string" && (v.n === undefined || typeof v.n === "string") ? { code: v.c, name: v.n } : undefined;
  } catch {
    return undefined;
  }
}

productsPage.get("/products", async (c) => {
  const started = performance.now();
  const s = c.get("session")!;
  const accountId = s.account.id;
  const db = c.get("db");
  const p = gridParams.parse({ ...c.req.query(), group: c.req.query("group") || undefined, status: c.req.query("status") || undefined });
  const after = readCursor(p.after);
  const pageOf = (groupId: number | undefined) => gridProducts(db, accountId, { query: p.q.trim() || undefined, groupId, status: p.status, sort: p.sort, after, limit: PAGE + 1 });
  // The page is read beside the account's groups, shops and settings (one round trip less): the
  // query is scoped to the account anyway, and a group id that is not one of its groups is ignored,
  // so in that rare case the page is read again without it.
  // Each part's own time goes into Server-Timing too (npm run bench:grid prints them).
  const timed = <T,>(name: string, work: Promise<T>) => {
    const t0 = performance.now();
    return work.then((v) => (parts.push(`${name};dur=${Math.round(performance.now() - t0)}`), v));
  };
  const parts: string[] = [];
  const [groups, shops, settings, total, guessed] = await Promise.all([
    listGroups(db, accountId),
    listShops(db, accountId),
    getSettings(db, accountId),
    timed("count", countProducts(db, accountId)),
    timed("products", pageOf(p.group)),
  ]);
  const groupId = groups.some((g) => g.id === p.group) ? p.group : undefined;
  const page = groupId === p.group ? guessed : await pageOf(groupId);
  const list = page.slice(0, PAGE);
  // Right after a 反映 the page must show what was just committed: the projection may still be a
  // drain behind, so that one page reads its rows from the StockGroups (one call per group).
  const onHandOf = c.req.query("saved") ? liveStockAcross(c.env, db, accountId, new Map(list.map((x) => [x.id, x.groupId]))) : projection(db, accountId);
  const [listings, onHand, components] = await Promise.all([
    listingsOf(db, accountId, list.map((x) => x.id)),
    onHandOf(list.filter((x) => !x.isSet).map((x) => x.id)),
    setComponentStock(db, accountId, list.filter((x) => x.isSet).map((x) => x.id), onHandOf),
  ]);

  const groupById = new Map(groups.map((g) => [g.id, g]));
  const syncEnabled = settings?.syncEnabled ?? true;
  const rows: GridRow[] = list.map((prod) => {
    const g = groupById.get(prod.groupId);
    const rules = { reserved: g?.reserved ?? null, ratio: g?.ratio ?? null, salesLimit: g?.salesLimit ?? null };
    const comps = components.get(prod.id) ?? [];
    const stock = prod.isSet ? setBase(comps) : (onHand.get(prod.id) ?? 0);
    const threshold = prod.lowStockThreshold ?? settings?.lowStockDefault ?? null;
    const base = { syncEnabled, product: { syncMode: prod.syncMode, reserved: prod.reserved, onHand: stock, isSet: prod.isSet }, group: rules, components: comps };
    return {
      masterCode: prod.masterCode,
      name: prod.name,
      groupName: g?.name ?? "",
      isSet: prod.isSet,
      onHand: stock,
      reserved: reservedShown(prod.reserved, rules),
      low: !prod.isSet && threshold !== null && stock <= threshold,
      cells: shops.map((shop) => gridCell(base, shop, listings.find((l) => l.productId === prod.id && l.shopId === shop.id) ?? null)),
    };
  });

  const last = list[list.length - 1];
  const keep = { q: p.q, group: groupId ? String(groupId) : "", status: p.status ?? "", sort: p.sort };
  const next =
    page.length > PAGE && last
      ? new URLSearchParams({ ...keep, after: encodeCursor(JSON.stringify(p.sort.endsWith("name") ? { c: last.masterCode, n: last.name } : { c: last.masterCode })) }).toString()
      : null;
  const t = c.get("t");
  const notices: { kind: "ok" | "error"; text: string }[] = [];
  const saved = c.req.query("saved");
  if (saved && /^\d+$/.test(saved)) notices.push({ kind: "ok", text: t("products.saved", { n: saved }) });
  const deleted = c.req.query("deleted");
  if (deleted) notices.push({ kind: "ok", text: t("products.deleted", { code: deleted }) });
  const stale = c.req.query("stale");
  if (stale) notices.push({ kind: "error", text: t("products.stale", { codes: stale }) });
  const invalid = c.req.query("invalid");
  if (invalid) notices.push({ kind: "error", text: t("products.invalid", { codes: invalid }) });
  const here = new URL(c.req.url).searchParams;
  for (const k of ["saved", "stale", "invalid", "deleted", "lang"]) here.delete(k);
  const serverMs = Math.round(performance.now() - started);
  c.header("Server-Timing", [`grid;dur=${serverMs}`, ...parts].join(", "));
  return c.html(
    <ProductsPage
      frame={frame(c)}
      total={total}
      maxProducts={s.account.maxProducts}
      shops={shops.map((x) => ({ id: x.id, name: x.name, kind: x.kind }))}
      groups={groups.map((g) => ({ id: g.id, name: g.name }))}
      filters={{ q: p.q, group: groupId, status: p.status, sort: p.sort }}
      rows={rows}
      next={next}
      paged={!!after}
      serverMs={serverMs}
      editable={can(s.user.role, "catalog")}
      nonce={randomToken(12)}
      back={here.toString()}
      notices={notices}
    />,
  );
});
