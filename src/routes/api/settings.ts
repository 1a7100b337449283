import { createRoute, z } from "@hono/zod-openapi";
import { and, eq, ne } from "drizzle-orm";
import { getSettings } from "../../db/queries/accounts";
import { ensureInboundToken } from "../../db/queries/inbound-mail";
import { inboundAddress } from "../../mail/address";
import { operationInsert } from "../../db/queries/logs";
import { settings, shops } from "../../db/schema";
import type { Db } from "../../env";
import { badRequest } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { shopChanged } from "../../sync/changes";
import { API_TOKEN, json, jsonBody, problems } from "./openapi-kit";

// The account's settings (SPEC §2): 在庫連動, 在庫反映間隔, the default 在庫少 threshold.

export const settingsApi = apiRouter();

const tags = ["settings"];

const settingsSchema = z
  .object({
    syncEnabled: z.boolean().describe("在庫連動: when off, nothing is imported or pushed for the account"),
    reflectIntervalMinutes: z.number().int().min(3).max(20).describe("在庫反映間隔 in minutes (3–20)"),
    lowStockDefault: z.number().int().min(0).nullable().describe("在庫少 threshold for products without their own; null: none"),
    publicUrl: z.string().nullable().describe("Kura's public origin, where malls deliver webhooks (Shopify: registered by each shop's 接続テスト); null: none, orders come in by polling alone"),
    updatedAt: z.string(),
    inboundEmail: z
      .string()
      .nullable()
      .describe("The account's own address for forwarded order mails of the carts without an order API (Qoo10, SHOPLIST, …); <address>+<shopId> routes to one shop when several share a cart. Read-only"),
  })
  .openapi("Settings");

/** An http(s) origin, perhaps with a path prefix; no query or fragment (a webhook path is appended). */
export const publicUrlSchema = z
  .string()
  .max(200)
  .refine((v) => {
    try {
      const u = new URL(v);
      return (u.protocol === "https:" || u.protocol === "http:") && !u.search && !u.hash && !u.username && !u.password;
    } catch {
      return false;
    }
  }, "an http(s) URL without query, fragment or credentials, e.g. https://kura.example.jp")
  .transform((v) => v.replace(/\/+$/, ""));

const settingsPatch = z
  .object({
    syncEnabled: z.boolean().optional(),
    reflectIntervalMinutes: z.number().int().min(3).max(20).optional(),
    lowStockDefault: z.number().int().min(0).max(1_000_000_000).nullable().optional(),
    publicUrl: publicUrlSchema.nullable().optional(),
  })
  .strict()
  .openapi("SettingsPatch", { description: "Changes exactly the fields sent; turning 在庫連動 back on sends whatever is 未反映" });

const getRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN,
  summary: "The account's settings",
  responses: { 200: json(settingsSchema), ...problems(401) },
});

const patchRoute = createRoute({
  method: "patch", path: "/", tags, security: API_TOKEN,
  summary: "Change the account's settings (exactly the fields sent)",
  request: { body: jsonBody(settingsPatch) },
  responses: { 200: json(settingsSchema), ...problems(400, 401, 403, 415) },
});

type Row = typeof settings.$inferSelect;
const out = (s: Row, inboundEmail: string | null = null) => ({
  syncEnabled: s.syncEnabled,
  reflectIntervalMinutes: s.reflectIntervalMin,
  lowStockDefault: s.lowStockDefault,
  publicUrl: s.publicUrl,
  updatedAt: new Date(s.updatedAt).toISOString(),
  inboundEmail,
});

/** The account's inbound order-mail address; null where the deployment has no inbound domain set. */
export async function inboundEmailOf(env: Env, db: Db, accountId: number): Promise<string | null> {
  const domain: string = env.INBOUND_EMAIL_DOMAIN ?? "";
  const token = domain ? await ensureInboundToken(db, accountId) : null;
  return token ? inboundAddress(token, domain) : null;
}

settingsApi.openapi(getRoute, async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const [s, inbound] = await Promise.all([getSettings(db, accountId), inboundEmailOf(c.env, db, accountId)]);
  return c.json(out(s!, inbound), 200);
});

settingsApi.openapi(patchRoute, async (c) => {
  const body = c.req.valid("json");
  const { accountId, actor } = c.get("principal");
  if (Object.keys(body).length === 0) throw badRequest("nothing to change: send at least one field");
  const db = c.get("db");
  return c.json(out(await changeSettings(c.env, db, accountId, actor, body), await inboundEmailOf(c.env, db, accountId)), 200);
});

/**
 * Changes exactly the fields given, logs them (操作ログ, before → after) and, when 在庫連動 comes
 * back on, wakes every shop taking updates. The API and the システム設定 page both change settings here.
 */
export async function changeSettings(env: Env, db: Db, accountId: number, actor: string, body: z.infer<typeof settingsPatch> & { notifyEmails?: string[] }) {
  const before = (await getSettings(db, accountId))!;
  const change = {
    ...(body.syncEnabled !== undefined && { syncEnabled: body.syncEnabled }),
    ...(body.reflectIntervalMinutes !== undefined && { reflectIntervalMin: body.reflectIntervalMinutes }),
    ...(body.lowStockDefault !== undefined && { lowStockDefault: body.lowStockDefault }),
    ...(body.publicUrl !== undefined && { publicUrl: body.publicUrl }),
    ...(body.notifyEmails !== undefined && { notifyEmails: body.notifyEmails }),
  };
  const after = (await db.update(settings).set({ ...change, updatedAt: Date.now() }).where(eq(settings.accountId, accountId)).returning().get())!;
  const shown = { ...out(before), notifyEmails: before.notifyEmails };
  await operationInsert(db, accountId, {
    actor, action: "settings.update", target: "settings",
    before: Object.fromEntries(Object.keys(body).map((k) => [k, shown[k as keyof typeof shown]])),
    after: body,
  });
  // 在庫連動 back on: what changed while it was off waited in each ShopSync (未反映) and nothing
  // else would wake it; every shop taking updates is marked due in full and kicked.
  if (!before.syncEnabled && after.syncEnabled) {
    const targets = await db
      .select({ id: shops.id })
      .from(shops)
      .where(and(eq(shops.accountId, accountId), eq(shops.updateEnabled, true), ne(shops.status, "stopped")))
      .all();
    await Promise.all(targets.map((s) => shopChanged(env, accountId, s.id)));
  }
  return after;
}
