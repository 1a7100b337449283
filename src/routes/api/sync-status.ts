import { createRoute, z } from "@hono/zod-openapi";
import { getSettings } from "../../db/queries/accounts";
import { listShops } from "../../db/queries/shops";
import { apiRouter } from "../../lib/validate";
import { API_TOKEN, json, problems } from "./openapi-kit";
import { shopsOut } from "./shops";
import { shopSchema } from "./shops-routes";

// One answer to "is everything reaching the malls?": each shop's health, last import/push, 未反映
// count and lag (from its ShopSync), and the account's totals.

export const syncStatusApi = apiRouter();

const shopStatus = shopSchema
  .pick({ id: true, name: true, kind: true, health: true, healthLabel: true, lastImportAt: true, lastPushAt: true, lastError: true, unreflected: true, lag: true })
  .openapi("ShopSyncStatus");

const statusSchema = z
  .object({
    syncEnabled: z.boolean().describe("在庫連動: when off nothing is imported or pushed, and 未反映 grows"),
    shops: z.array(shopStatus),
    totals: z.object({
      shops: z.number().int(),
      ok: z.number().int().describe("shops 正常"),
      error: z.number().int().describe("shops 一時エラー"),
      stopped: z.number().int().describe("shops 停止中 (need the merchant)"),
      unreflected: z.number().int().describe("Sum of the shops' 未反映 counts (a product waiting on two shops counts twice)"),
      worstP95Ms: z.number().nullable().describe("The slowest shop's p95 lag"),
    }),
  })
  .openapi("SyncStatus");

const statusRoute = createRoute({
  method: "get", path: "/", tags: ["sync"], security: API_TOKEN,
  summary: "Sync status of every shop of the account, with totals",
  responses: { 200: json(statusSchema), ...problems(401) },
});

syncStatusApi.openapi(statusRoute, async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const [list, settings] = await Promise.all([listShops(db, accountId), getSettings(db, accountId)]);
  const full = await shopsOut(db, accountId, list, c.env);
  const shops = full.map((s) => ({
    id: s.id, name: s.name, kind: s.kind, health: s.health, healthLabel: s.healthLabel,
    lastImportAt: s.lastImportAt, lastPushAt: s.lastPushAt, lastError: s.lastError, unreflected: s.unreflected, lag: s.lag,
  }));
  const count = (h: string) => shops.filter((s) => s.health === h).length;
  const p95s = shops.map((s) => s.lag.p95Ms).filter((v): v is number => v !== null);
  return c.json(
    {
      syncEnabled: settings?.syncEnabled ?? true,
      shops,
      totals: {
        shops: shops.length, ok: count("ok"), error: count("error"), stopped: count("stopped"),
        unreflected: shops.reduce((n, s) => n + s.unreflected, 0),
        worstP95Ms: p95s.length ? Math.max(...p95s) : null,
      },
    },
    200,
  );
});
