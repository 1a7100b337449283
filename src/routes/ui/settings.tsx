import { type Context, Hono } from "hono";
import { z } from "zod";
import { getAccount, getSettings } from "../../db/queries/accounts";
import { countProducts } from "../../db/queries/products";
import type { MessageKey } from "../../lib/i18n";
import { can } from "../../lib/permissions";
import type { UiEnv } from "../../lib/session";
import type { FieldErrors } from "../../views/form-field";
import { SettingsPage } from "../../views/settings-page";
import { getInboundMail, listInboundMail } from "../../db/queries/inbound-mail";
import { operationInsert } from "../../db/queries/logs";
import { notFound } from "../../lib/errors";
import { retryMail } from "../../mail/intake";
import { changeSettings, inboundEmailOf, publicUrlSchema } from "../api/settings";
import { frame } from "./middleware";

// システム設定: 在庫連動 (stopping it needs a ticked confirmation, so it works without JS),
// 在庫反映間隔 and the default 在庫少設定数, the notification addresses, the inbound e-mail
// address and the plan (read-only). Changes go through the API's changeSettings.

export const settingsPages = new Hono<UiEnv>();

const actor = (c: Context<UiEnv>) => `user:${c.get("session")!.user.id}`;
const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");
const MAX_NOTIFY = 10;

const DONE: Record<string, MessageKey> = {
  saved: "settings.saved",
  stopped: "settings.syncStopped",
  started: "settings.syncStarted",
  notify: "settings.notifySaved",
  mailRetried: "settings.mailRetried",
  mailNotRetried: "settings.mailNotRetried",
  publicUrl: "settings.publicUrlSaved",
};

const RECENT_MAILS = 20;

async function page(c: Context<UiEnv>, extra: { errors?: FieldErrors; form?: Record<string, string>; status?: 200 | 400 } = {}) {
  const s = c.get("session")!;
  const db = c.get("db");
  const [settings, account, products, inbound, mails] = await Promise.all([
    getSettings(db, s.account.id),
    getAccount(db, s.account.id),
    countProducts(db, s.account.id),
    inboundEmailOf(c.env, db, s.account.id),
    listInboundMail(db, s.account.id, { limit: RECENT_MAILS }),
  ]);
  const done = DONE[c.req.query("done") ?? ""];
  return c.html(
    <SettingsPage
      frame={frame(c)}
      settings={{ syncEnabled: settings!.syncEnabled, reflectIntervalMin: settings!.reflectIntervalMin, lowStockDefault: settings!.lowStockDefault, notifyEmails: settings!.notifyEmails, publicUrl: settings!.publicUrl }}
      inboundEmail={inbound}
      mails={mails.map((m) => ({ id: m.id, receivedAt: m.receivedAt, subject: m.subject, cart: m.cart, orderId: m.orderId, outcome: m.outcome, reason: m.reason, retryable: (m.outcome === "unparsed" || m.outcome === "held") && m.raw !== null }))}
      plan={{ maxProducts: account!.maxProducts, maxShops: account!.maxShops, allowSets: account!.allowSets, allowCodeMapping: account!.allowCodeMapping, products }}
      canEdit={can(s.user.role, "settings")}
      notice={done ? c.get("t")(done) : undefined}
      errors={extra.errors}
      form={extra.form}
    />,
    extra.status ?? 200,
  );
}

settingsPages.get("/settings", (c) => page(c));

settingsPages.post("/settings", async (c) => {
  const t = c.get("t");
  const body = await c.req.parseBody();
  const form = { reflectIntervalMin: str(body.reflectIntervalMin), lowStockDefault: str(body.lowStockDefault) };
  const errors: FieldErrors = {};
  const interval = /^\d{1,2}$/.test(form.reflectIntervalMin) ? Number(form.reflectIntervalMin) : NaN;
  if (!(interval >= 3 && interval <= 20)) errors.reflectIntervalMin = t("settings.intervalError");
  const low = form.lowStockDefault === "" ? null : /^\d{1,9}$/.test(form.lowStockDefault) ? Number(form.lowStockDefault) : NaN;
  if (Number.isNaN(low)) errors.lowStockDefault = t("settings.lowStockError");
  if (Object.keys(errors).length) return page(c, { errors, form, status: 400 });
  await changeSettings(c.env, c.get("db"), c.get("session")!.account.id, actor(c), { reflectIntervalMinutes: interval, lowStockDefault: low });
  return c.redirect("/settings?done=saved", 303);
});

// 在庫連動 開始/停止. Stopping halts every shop's intake and pushes: the form carries a
// confirmation checkbox, and a stop without it is refused with the reason beside it.
settingsPages.post("/settings/sync", async (c) => {
  const t = c.get("t");
  const body = await c.req.parseBody();
  const action = str(body.action);
  if (action !== "stop" && action !== "start") return page(c, { errors: { sync: t("error.invalid") }, status: 400 });
  if (action === "stop" && body.confirm !== "yes") return page(c, { errors: { confirm: t("settings.syncNeedsConfirm") }, status: 400 });
  await changeSettings(c.env, c.get("db"), c.get("session")!.account.id, actor(c), { syncEnabled: action === "start" });
  return c.redirect(`/settings?done=${action === "stop" ? "stopped" : "started"}`, 303);
});

// Kura's public URL: where malls deliver webhooks (a Shopify shop's 接続テスト subscribes them).
settingsPages.post("/settings/public-url", async (c) => {
  const raw = str((await c.req.parseBody()).publicUrl);
  const parsed = publicUrlSchema.nullable().safeParse(raw === "" ? null : raw);
  if (!parsed.success) return page(c, { errors: { publicUrl: c.get("t")("settings.publicUrlError") }, form: { publicUrl: raw.slice(0, 300) }, status: 400 });
  await changeSettings(c.env, c.get("db"), c.get("session")!.account.id, actor(c), { publicUrl: parsed.data });
  return c.redirect("/settings?done=publicUrl", 303);
});

const email = z.email().max(254);

settingsPages.post("/settings/notifications", async (c) => {
  const t = c.get("t");
  const raw = str((await c.req.parseBody()).notifyEmails);
  const list = [...new Set(raw.split(/[\s,、]+/).filter(Boolean))];
  const bad = list.find((e) => !email.safeParse(e).success);
  const error = bad !== undefined ? t("settings.notifyError", { value: bad.slice(0, 100) }) : list.length > MAX_NOTIFY ? t("settings.notifyTooMany") : null;
  if (error) return page(c, { errors: { notifyEmails: error }, form: { notifyEmails: raw.slice(0, 5000) }, status: 400 });
  await changeSettings(c.env, c.get("db"), c.get("session")!.account.id, actor(c), { notifyEmails: list });
  return c.redirect("/settings?done=notify", 303);
});

// 再取込み of an order mail that was not taken in (after a shop was added or 取込み turned on):
// the same retry as POST /api/v1/mail/{id}/retry.
settingsPages.post("/settings/mail/:id/retry", async (c) => {
  const s = c.get("session")!;
  const db = c.get("db");
  const id = c.req.param("id");
  const mail = /^\d{1,12}$/.test(id) ? await getInboundMail(db, s.account.id, Number(id)) : undefined;
  if (!mail) throw notFound(`mail ${id} does not exist`); // another account's mail is not there either
  if ((mail.outcome !== "unparsed" && mail.outcome !== "held") || mail.raw === null) return c.redirect("/settings?done=mailNotRetried#mail", 303);
  const after = await retryMail(c.env, db, s.account.id, mail);
  await operationInsert(db, s.account.id, { actor: actor(c), action: "mail.retry", target: `mail:${mail.id}`, before: { outcome: mail.outcome, reason: mail.reason }, after: { outcome: after.outcome, reason: after.reason, orderId: after.orderId } });
  return c.redirect("/settings?done=mailRetried#mail", 303);
});
