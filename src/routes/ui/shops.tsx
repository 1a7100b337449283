import { type Context, Hono } from "hono";
import { z } from "zod";
import { getSettings } from "../../db/queries/accounts";
import { operationInsert } from "../../db/queries/logs";
import type { Shop } from "../../db/queries/shops";
import { listShops } from "../../db/queries/shops";
import { decryptJson } from "../../lib/crypto";
import { AppError } from "../../lib/errors";
import type { MessageKey } from "../../lib/i18n";
import { can } from "../../lib/permissions";
import type { UiEnv } from "../../lib/session";
import { credentialsContext } from "../../malls/context";
import { adapterFor, isMailKind, MALL_KINDS } from "../../malls/registry";
import type { MallKind } from "../../malls/types";
import { createShopBody, patchShopBody } from "../../schemas/api-shops";
import { shopSync } from "../../sync/shop-sync-client";
import { type FieldErrors, ShopNewPage, ShopPage, ShopsPage } from "../../views/shops-page";
import { jobOut } from "../api/jobs";
import { inboundEmailOf } from "../api/settings";
import { createShop, ownedShop, patchShop, removeShop, resyncShop, shopsOut } from "../api/shops";
import { credentialFields, typedCredentials } from "./credential-form";
import { frame } from "./middleware";
import { connectableKinds } from "../../connect/connect";
import { isConnectKind } from "../../connect/types";

// モール設定: the shops with their health, a form per mall kind generated from its credentials
// schema, and each shop's page (settings, credentials, 接続テスト, 一括反映, delete). Every change
// goes through the same functions as the JSON API (src/routes/api/shops.ts). Who may post here
// is the permission table's `shops` right.

export const shopsPages = new Hono<UiEnv>();

const actor = (c: Context<UiEnv>) => `user:${c.get("session")!.user.id}`;
const isKind = (k: string | undefined): k is MallKind => MALL_KINDS.includes(k as MallKind);
const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");

/** A zod issue as a short message in the user's language, next to its field. */
function issueText(c: Context<UiEnv>, issue: z.core.$ZodIssue): string {
  const t = c.get("t");
  // The adapters' own messages are already Japanese (e.g. the Shopify domain format).
  if (c.get("lang") === "ja" && /[\u3040-\u30ff\u4e00-\u9fff]/.test(issue.message)) return issue.message;
  if (issue.code === "invalid_type" || (issue.code === "too_small" && issue.origin === "string")) return t("shops.err.required");
  if (issue.code === "too_small" || issue.code === "too_big") return t("shops.err.range");
  return t("shops.err.format");
}

function fieldErrors(c: Context<UiEnv>, issues: z.core.$ZodIssue[]): FieldErrors {
  const out: FieldErrors = {};
  for (const i of issues) {
    const name = i.path[0] === "credentials" ? `cred.${String(i.path[1] ?? "")}` : String(i.path[0] ?? "");
    out[name] ??= issueText(c, i);
  }
  return out;
}

/** A whole number typed in a form: "" is null (use the group's value), anything else must parse. */
function optionalInt(v: string): number | null | "bad" {
  if (v === "") return null;
  return /^\d{1,9}$/.test(v) ? Number(v) : "bad";
}

shopsPages.get("/shops", async (c) => {
  const s = c.get("session")!;
  const db = c.get("db");
  const shops = await shopsOut(db, s.account.id, await listShops(db, s.account.id), c.env);
  const deleted = c.req.query("deleted");
  return c.html(<ShopsPage frame={frame(c)} shops={shops} kinds={MALL_KINDS} canEdit={can(s.user.role, "shops")} deleted={deleted?.slice(0, 100)} connectable={connectableKinds(c.env)} />);
});

shopsPages.get("/shops/new", (c) => {
  const kind = c.req.query("kind");
  if (!isKind(kind)) return c.html(<ShopsPage frame={frame(c)} shops={null} kinds={MALL_KINDS} canEdit connectable={connectableKinds(c.env)} />);
  return c.html(<ShopNewPage frame={frame(c)} kind={kind} fields={credentialFields(kind)} connect={connectOffer(c.env, kind)} />);
});

/** The 連携する box of a mall that has a connect flow: usable when the deployment has its app. */
function connectOffer(env: Env, kind: string) {
  return isConnectKind(kind) ? { available: connectableKinds(env).includes(kind) } : undefined;
}

shopsPages.post("/shops", async (c) => {
  const s = c.get("session")!;
  const t = c.get("t");
  const body = await c.req.parseBody();
  const kind = str(body.kind);
  if (!isKind(kind)) throw new AppError(400, "Bad Request", t("error.invalid"));
  const baseUrl = str(body.baseUrl);
  const input = {
    kind,
    name: str(body.name),
    credentials: typedCredentials(kind, body),
    ...(baseUrl && { baseUrl }),
    importEnabled: body.importEnabled === "on",
    updateEnabled: body.updateEnabled === "on",
    cancelPolicy: str(body.cancelPolicy) || "restore",
  };
  // Never drawn back: a refused form comes back with every credential field empty.
  const again = (errors: FieldErrors, status: 400 | 403 = 400) =>
    c.html(<ShopNewPage frame={frame(c)} kind={kind} fields={credentialFields(kind)} connect={connectOffer(c.env, kind)} errors={errors} form={{ name: input.name, baseUrl, importEnabled: input.importEnabled, updateEnabled: input.updateEnabled, cancelPolicy: input.cancelPolicy }} />, status);
  const parsed = createShopBody.safeParse(input);
  if (!parsed.success) return again(fieldErrors(c, parsed.error.issues));
  try {
    const shop = await createShop(c.env, c.get("db"), s.account.id, actor(c), parsed.data);
    return c.redirect(`/shops/${shop.id}?done=created`, 303);
  } catch (err) {
    if (err instanceof AppError && err.status === 403) return again({ form: t("shops.err.plan") }, 403);
    throw err;
  }
});

/** The shop page: the API's view of the shop, the credential fields of its kind, a job's progress. */
async function shopPage(c: Context<UiEnv>, shop: Shop, extra: { notice?: string; error?: string; errors?: FieldErrors; status?: 200 | 400 | 409 } = {}) {
  const s = c.get("session")!;
  const db = c.get("db");
  const [out] = await shopsOut(db, s.account.id, [shop], c.env);
  const jobId = c.req.query("job");
  const job = jobId && /^\d{1,12}$/.test(jobId) ? await jobOut(db, s.account.id, Number(jobId)).catch(() => null) : null;
  const part = job?.shops.find((p) => p.shopId === shop.id) ?? null;
  // A mail shop's page says where its order mails go: the account's address, and this shop's own.
  const inbound = isMailKind(shop.kind) ? await inboundEmailOf(c.env, db, s.account.id) : null;
  const mail = inbound ? { account: inbound, shop: inbound.replace("@", `+${shop.id}@`) } : null;
  return c.html(
    <ShopPage frame={frame(c)} shop={out} fields={credentialFields(shop.kind)} job={part ? { id: job!.id, ...part } : null} canEdit={can(s.user.role, "shops")} notice={extra.notice} error={extra.error} errors={extra.errors} inbound={mail} reconnect={isConnectKind(shop.kind) && connectableKinds(c.env).includes(shop.kind)} />,
    extra.status ?? 200,
  );
}

const DONE: Record<string, MessageKey> = {
  created: "shops.created",
  saved: "shops.saved",
  credentials: "shops.credentialsSaved",
  connected: "shops.connected",
  connectedTestNg: "shops.connectedTestNg",
};

shopsPages.get("/shops/:id", async (c) => {
  const s = c.get("session")!;
  const shop = await ownedShop(c.get("db"), s.account.id, c.req.param("id"));
  const done = DONE[c.req.query("done") ?? ""];
  return shopPage(c, shop, { notice: done ? c.get("t")(done) : undefined });
});

shopsPages.post("/shops/:id", async (c) => {
  const s = c.get("session")!;
  const t = c.get("t");
  const db = c.get("db");
  const shop = await ownedShop(db, s.account.id, c.req.param("id"));
  const body = await c.req.parseBody();
  const ratio = optionalInt(str(body.ratio));
  const salesLimit = optionalInt(str(body.salesLimit));
  const errors: FieldErrors = {};
  if (ratio === "bad" || (ratio !== null && ratio > 100)) errors.ratio = t("shops.err.range");
  if (salesLimit === "bad") errors.salesLimit = t("shops.err.format");
  const change = {
    name: str(body.name),
    importEnabled: body.importEnabled === "on",
    updateEnabled: body.updateEnabled === "on",
    cancelPolicy: str(body.cancelPolicy),
    // Absent from an older form: left as it is.
    driftPolicy: str(body.driftPolicy) || undefined,
    ratio: ratio === "bad" ? undefined : ratio,
    salesLimit: salesLimit === "bad" ? undefined : salesLimit,
    baseUrl: str(body.baseUrl) || null,
  };
  const parsed = patchShopBody.safeParse(change);
  if (!parsed.success) Object.assign(errors, fieldErrors(c, parsed.error.issues), errors);
  if (!parsed.success || Object.keys(errors).length) return shopPage(c, shop, { errors, error: t("shops.fixErrors"), status: 400 });
  await patchShop(c.env, db, s.account.id, actor(c), shop, parsed.data);
  return c.redirect(`/shops/${shop.id}?done=saved`, 303);
});

shopsPages.post("/shops/:id/credentials", async (c) => {
  const s = c.get("session")!;
  const t = c.get("t");
  const db = c.get("db");
  const shop = await ownedShop(db, s.account.id, c.req.param("id"));
  const body = await c.req.parseBody();
  // Only what is typed replaces: the rest (and what Kura keeps itself) stays as stored.
  const stored = shop.credentialsEnc ? await decryptJson<Record<string, unknown>>(c.env.CREDENTIALS_KEY, credentialsContext(shop), shop.credentialsEnc) : {};
  const typed = typedCredentials(shop.kind, body);
  const merged = typedCredentials(shop.kind, body, stored);
  if (Object.keys(typed).length === 0) return shopPage(c, shop, { error: t("shops.fixErrors"), status: 400 });
  const parsed = adapterFor(shop.kind).credentialsSchema.safeParse(merged);
  if (!parsed.success) {
    const errors = fieldErrors(c, parsed.error.issues.map((i) => ({ ...i, path: ["credentials", ...i.path] })));
    return shopPage(c, shop, { errors, error: t("shops.fixErrors"), status: 400 });
  }
  await patchShop(c.env, db, s.account.id, actor(c), shop, { credentials: merged });
  return c.redirect(`/shops/${shop.id}?done=credentials`, 303);
});

// 接続テスト: one real call through the shop's ShopSync (which spends its rate budget); the result
// is stored on the shop and the page draws it from there.
shopsPages.post("/shops/:id/test", async (c) => {
  const s = c.get("session")!;
  const db = c.get("db");
  const shop = await ownedShop(db, s.account.id, c.req.param("id"));
  const ref = { accountId: s.account.id, shopId: shop.id };
  const res = await shopSync(c.env, ref).connectionTest(ref);
  await operationInsert(db, s.account.id, { actor: actor(c), action: "shop.test", target: String(shop.id), after: { ok: res?.ok ?? false, reason: res?.reason ?? null } });
  return c.redirect(`/shops/${shop.id}?done=tested#test`, 303);
});

shopsPages.post("/shops/:id/resync", async (c) => {
  const s = c.get("session")!;
  const t = c.get("t");
  const db = c.get("db");
  const shop = await ownedShop(db, s.account.id, c.req.param("id"));
  const settings = await getSettings(db, s.account.id);
  const refused: MessageKey | null =
    settings && !settings.syncEnabled ? "shops.resyncRefused.sync" : !shop.updateEnabled ? "shops.resyncRefused.update" : shop.status === "stopped" ? "shops.resyncRefused.stopped" : null;
  if (refused) return shopPage(c, shop, { error: t(refused), status: 409 });
  const job = await resyncShop(c.env, db, s.account.id, actor(c), shop);
  return c.redirect(`/shops/${shop.id}?job=${job.id}#job`, 303);
});

shopsPages.post("/shops/:id/delete", async (c) => {
  const s = c.get("session")!;
  const t = c.get("t");
  const db = c.get("db");
  const shop = await ownedShop(db, s.account.id, c.req.param("id"));
  const body = await c.req.parseBody();
  if (body.confirm !== "yes") return shopPage(c, shop, { errors: { confirm: t("shops.deleteNeedsConfirm") }, error: t("shops.deleteNeedsConfirm"), status: 400 });
  await removeShop(c.env, db, s.account.id, actor(c), shop);
  return c.redirect(`/shops?deleted=${encodeURIComponent(shop.name)}`, 303);
});
