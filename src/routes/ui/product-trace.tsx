import { type Context, Hono } from "hono";
import { getProductByCode, type Product } from "../../db/queries/products";
import { listShops } from "../../db/queries/shops";
import { listApiTokens } from "../../db/queries/tokens";
import { listUsers } from "../../db/queries/users";
import { notFound } from "../../lib/errors";
import type { UiEnv } from "../../lib/session";
import { stockGroup } from "../../stock/client";
import { figuresFor } from "../../stock/figures";
import { movementSource } from "../../stock/movement-source";
import { HistoryPage, type HistoryRow } from "../../views/product-history-page";
import { WhyPage } from "../../views/product-why-page";
import { frame } from "./middleware";

// なぜこの数? (the SPEC §3.2 trace of every shop, from the same figuresFor the API answers with)
// and 在庫履歴 (the product's ledger, newest first, one keyset page at a time). Both read only.

export const productTrace = new Hono<UiEnv>();

const PAGE = 50;

async function owned(c: Context<UiEnv>): Promise<Product> {
  const p = await getProductByCode(c.get("db"), c.get("session")!.account.id, c.req.param("code") ?? "");
  if (!p) throw notFound("no such product");
  return p;
}

productTrace.get("/products/:code/why", async (c) => {
  const p = await owned(c);
  const all = await figuresFor(c.env, c.get("db"), p.accountId, p);
  const only = Number(c.req.query("shop"));
  const shops = all.some((s) => s.shopId === only) ? all.filter((s) => s.shopId === only) : all;
  return c.html(<WhyPage frame={frame(c)} masterCode={p.masterCode} name={p.name} shops={shops} filtered={shops.length !== all.length} />);
});

productTrace.get("/products/:code/history", async (c) => {
  const p = await owned(c);
  const db = c.get("db");
  const before = /^\d{1,15}$/.test(c.req.query("before") ?? "") ? Number(c.req.query("before")) : null;
  const ref = { accountId: p.accountId, groupId: p.groupId };
  const [moves, users, shops, tokens] = await Promise.all([
    stockGroup(c.env, ref).getMovements(ref, p.id, before, PAGE + 1),
    listUsers(db, p.accountId),
    listShops(db, p.accountId),
    listApiTokens(db, p.accountId),
  ]);
  const t = c.get("t");
  const rows: HistoryRow[] = moves.slice(0, PAGE).map((m) => {
    const src = movementSource(m);
    let who: string;
    let note = "";
    if (src.by === "shop") {
      who = shops.find((s) => s.id === src.shopId)?.name ?? t("history.goneShop", { id: src.shopId });
      note = t("history.order", { order: src.orderId });
    } else if (src.by === "external") {
      who = t("history.external", { source: src.source });
      note = t("history.order", { order: src.orderId });
    } else {
      if (src.by === "user") {
        const u = users.find((x) => x.id === src.userId);
        who = u ? u.name || u.email : t("history.goneUser", { id: src.userId });
      } else if (src.by === "token") {
        who = t("history.token", { name: tokens.find((x) => x.id === src.tokenId)?.name ?? `#${src.tokenId}` });
      } else {
        who = src.actor === "system" ? t("history.system") : src.actor === "operator" ? t("history.operator") : src.actor;
      }
      note = [src.created ? t("history.created") : "", src.note].filter(Boolean).join(" · ");
    }
    return { id: m.id, at: m.at, reason: m.reason, delta: m.delta, onHandAfter: m.onHandAfter, who, note };
  });
  const next = moves.length > PAGE ? rows[rows.length - 1].id : null;
  return c.html(<HistoryPage frame={frame(c)} masterCode={p.masterCode} name={p.name} isSet={p.isSet} rows={rows} next={next} paged={before !== null} />);
});
