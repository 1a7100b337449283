import { createRoute, z } from "@hono/zod-openapi";
import { operationInsert } from "../../db/queries/logs";
import { getProductsByCodes, getProductsByIds } from "../../db/queries/products";
import { failingListings, listShops } from "../../db/queries/shops";
import { badRequest } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { shopSync } from "../../sync/shop-sync-client";
import { API_TOKEN, json, jsonBody, problems } from "./openapi-kit";

// 未反映変更: products some shop has not been sent the current figure of — waiting in the shop's
// ShopSync, or refused by the mall on the last push — and a way to send them first.

export const unreflectedApi = apiRouter();

const tags = ["sync"];
const MAX = 1000;

const itemSchema = z
  .object({
    masterCode: z.string(),
    name: z.string(),
    shops: z.array(
      z.object({
        shopId: z.number(),
        shopName: z.string(),
        reason: z.enum(["waiting", "error"]).describe("waiting: due to be sent; error: the mall refused the last push"),
        error: z.string().nullable().describe("The mall's error text of the last push"),
      }),
    ),
  })
  .openapi("UnreflectedProduct");

const listRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN,
  summary: "未反映変更: products whose current figure has not reached every shop, with the shops",
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(MAX).default(200) }) },
  responses: { 200: json(z.object({ items: z.array(itemSchema), truncated: z.boolean() })), ...problems(400, 401) },
});

const urgentRoute = createRoute({
  method: "post", path: "/", tags, security: API_TOKEN,
  summary: "Send these products' figures to every shop now, ahead of other work",
  request: { body: jsonBody(z.object({ codes: z.array(z.string().min(1).max(200)).min(1).max(MAX) }).strict().openapi("UnreflectedUrgent")) },
  responses: { 200: json(z.object({ marked: z.array(z.string()), unknown: z.array(z.string()), shops: z.number() })), ...problems(400, 401, 403, 415) },
});

unreflectedApi.openapi(listRoute, async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const limit = c.req.valid("query").limit;
  const [shops, failing] = await Promise.all([listShops(db, accountId), failingListings(db, accountId, MAX)]);
  const waiting = await Promise.all(shops.map((s) => shopSync(c.env, { accountId, shopId: s.id }).pending({ accountId, shopId: s.id }, MAX)));
  const byProduct = new Map<number, Map<number, { reason: "waiting" | "error"; error: string | null }>>();
  const note = (productId: number, shopId: number, v: { reason: "waiting" | "error"; error: string | null }) => {
    if (!byProduct.has(productId)) byProduct.set(productId, new Map());
    const m = byProduct.get(productId)!;
    if (!m.has(shopId) || v.reason === "error") m.set(shopId, v); // a refused push says more than "waiting"
  };
  shops.forEach((s, i) => waiting[i].forEach((id) => note(id, s.id, { reason: "waiting", error: null })));
  failing.forEach((f) => note(f.productId, f.shopId, { reason: "error", error: f.lastResult }));
  const products = (await getProductsByIds(db, accountId, [...byProduct.keys()])).sort((a, b) => (a.masterCode < b.masterCode ? -1 : 1));
  const shopName = new Map(shops.map((s) => [s.id, s.name]));
  const items = products.slice(0, limit).map((p) => ({
    masterCode: p.masterCode,
    name: p.name,
    shops: [...byProduct.get(p.id)!].filter(([id]) => shopName.has(id)).map(([shopId, v]) => ({ shopId, shopName: shopName.get(shopId)!, ...v })),
  }));
  const truncated = products.length > limit || failing.length >= MAX || waiting.some((w) => w.length >= MAX);
  return c.json({ items, truncated }, 200);
});

unreflectedApi.openapi(urgentRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const codes = [...new Set(c.req.valid("json").codes)];
  const found = await getProductsByCodes(db, accountId, codes);
  if (found.length === 0) throw badRequest("none of these codes is a product of this account", { unknown: codes });
  const known = new Set(found.map((p) => p.masterCode));
  const ids = found.map((p) => p.id);
  const shops = (await listShops(db, accountId)).filter((s) => s.updateEnabled && s.status !== "stopped");
  await Promise.all(shops.map((s) => shopSync(c.env, { accountId, shopId: s.id }).markDirty({ accountId, shopId: s.id }, ids, { urgent: ids })));
  await operationInsert(db, accountId, { actor, action: "sync.urgent", target: "unreflected", after: { codes: [...known] } });
  return c.json({ marked: [...known], unknown: codes.filter((k) => !known.has(k)), shops: shops.length }, 200);
});
