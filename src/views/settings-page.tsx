import { aria, Field, type FieldErrors } from "./form-field";
import { CsrfField, Flash, type Frame, Layout } from "./layout";

// システム設定: 在庫連動, the sync settings, notification addresses, the inbound address and the
// plan. Without the settings right the page is read-only (no forms drawn; the routes refuse anyway).

export interface SettingsProps {
  frame: Frame;
  settings: { syncEnabled: boolean; reflectIntervalMin: number; lowStockDefault: number | null; notifyEmails: string[]; publicUrl: string | null };
  inboundEmail: string | null;
  /** The latest order mails received at the inbound address, newest first. */
  mails: RecentMail[];
  plan: { maxProducts: number; maxShops: number; allowSets: boolean; allowCodeMapping: boolean; products: number };
  canEdit: boolean;
  notice?: string;
  errors?: FieldErrors;
  /** What was typed, when a form comes back refused. */
  form?: Record<string, string>;
}

export interface RecentMail {
  id: number;
  receivedAt: number;
  subject: string | null;
  cart: string | null;
  orderId: string | null;
  outcome: "applied" | "duplicate" | "unknown_code" | "unparsed" | "held";
  reason: string | null;
  retryable: boolean;
}

const fmt = (n: number) => n.toLocaleString("ja-JP");
const OUTCOME_CLASS = { applied: "ok", duplicate: "ok", unknown_code: "warn", unparsed: "bad", held: "warn" } as const;

export function SettingsPage(props: SettingsProps) {
  const { t, session } = props.frame;
  const st = props.settings;
  const errors = props.errors ?? {};
  const form = props.form ?? {};
  const value = (name: string, fallback: string) => form[name] ?? fallback;
  return (
    <Layout frame={props.frame} title={t("settings.title")}>
      <h1>{t("settings.title")}</h1>
      {props.notice ? <Flash kind="ok">{props.notice}</Flash> : null}
      {Object.keys(errors).length ? <Flash kind="error">{Object.values(errors)[0]}</Flash> : null}

      <section class="card" id="sync" aria-labelledby="sync-h">
        <h2 id="sync-h">
          {t("settings.sync")} <span class={`health ${st.syncEnabled ? "ok" : "bad"}`}>{st.syncEnabled ? t("settings.syncBadgeOn") : t("settings.syncBadgeOff")}</span>
        </h2>
        <p>{st.syncEnabled ? t("settings.syncOn") : t("settings.syncOff")}</p>
        {props.canEdit ? (
          <form method="post" action="/settings/sync" class="stack">
            <CsrfField session={session} />
            <input type="hidden" name="action" value={st.syncEnabled ? "stop" : "start"} />
            {st.syncEnabled ? (
              <div class={`confirm-box${errors.confirm ? " invalid" : ""}`}>
                <label class="check">
                  <input type="checkbox" name="confirm" value="yes" required {...aria("sync-confirm", { error: errors.confirm })} /> {t("settings.syncStopConfirm")}
                </label>
                {errors.confirm ? (
                  <p class="field-error" id="sync-confirm-error" role="alert">
                    {errors.confirm}
                  </p>
                ) : null}
              </div>
            ) : null}
            <p>
              <button type="submit" class={st.syncEnabled ? "danger" : "primary"}>
                {st.syncEnabled ? t("settings.syncStop") : t("settings.syncStart")}
              </button>
            </p>
          </form>
        ) : null}
      </section>

      <section class="card" aria-labelledby="general-h">
        <h2 id="general-h">{t("settings.general")}</h2>
        <form method="post" action="/settings" class="stack form-narrow">
          <CsrfField session={session} />
          <Field id="reflectIntervalMin" label={t("settings.interval")} help={t("settings.intervalHelp")} error={errors.reflectIntervalMin}>
            <input
              id="reflectIntervalMin"
              name="reflectIntervalMin"
              type="number"
              min={3}
              max={20}
              step={1}
              required
              disabled={!props.canEdit}
              value={value("reflectIntervalMin", String(st.reflectIntervalMin))}
              {...aria("reflectIntervalMin", { help: true, error: errors.reflectIntervalMin })}
            />
          </Field>
          <Field id="lowStockDefault" label={t("settings.lowStock")} help={t("settings.lowStockHelp")} error={errors.lowStockDefault}>
            <input
              id="lowStockDefault"
              name="lowStockDefault"
              type="number"
              min={0}
              step={1}
              disabled={!props.canEdit}
              value={value("lowStockDefault", st.lowStockDefault === null ? "" : String(st.lowStockDefault))}
              {...aria("lowStockDefault", { help: true, error: errors.lowStockDefault })}
            />
          </Field>
          {props.canEdit ? (
            <p>
              <button type="submit" class="primary">
                {t("settings.save")}
              </button>
            </p>
          ) : null}
        </form>
      </section>

      <section class="card" aria-labelledby="notify-h">
        <h2 id="notify-h">{t("settings.notify")}</h2>
        <form method="post" action="/settings/notifications" class="stack form-narrow">
          <CsrfField session={session} />
          <Field id="notifyEmails" label={t("settings.notify")} help={t("settings.notifyHelp")} error={errors.notifyEmails}>
            <textarea id="notifyEmails" name="notifyEmails" rows={4} class="notify-list" disabled={!props.canEdit} autocomplete="off" {...aria("notifyEmails", { help: true, error: errors.notifyEmails })}>
              {value("notifyEmails", st.notifyEmails.join("\n"))}
            </textarea>
          </Field>
          {props.canEdit ? (
            <p>
              <button type="submit">{t("settings.save")}</button>
            </p>
          ) : null}
        </form>
      </section>

      <section class="card" aria-labelledby="public-h">
        <h2 id="public-h">{t("settings.publicUrl")}</h2>
        <form method="post" action="/settings/public-url" class="stack form-narrow">
          <CsrfField session={session} />
          <Field id="publicUrl" label={t("settings.publicUrl")} help={t("settings.publicUrlHelp")} error={errors.publicUrl}>
            <input id="publicUrl" name="publicUrl" type="url" maxlength={200} placeholder="https://kura.example.jp" value={value("publicUrl", st.publicUrl ?? "")} disabled={!props.canEdit} {...aria("publicUrl", { help: true, error: errors.publicUrl })} />
          </Field>
          {st.publicUrl ? (
            <p class="muted small">
              {t("settings.publicUrlHooks")} <code>{`${st.publicUrl}/webhooks/shopify/{id}`}</code>
            </p>
          ) : null}
          {props.canEdit ? (
            <p>
              <button type="submit">{t("settings.save")}</button>
            </p>
          ) : null}
        </form>
        <p>
          <a href="/notifications">{t("notifications.title")}</a>
        </p>
      </section>

      <section class="card" aria-labelledby="inbound-h">
        <h2 id="inbound-h">{t("settings.inbound")}</h2>
        <p class="muted small">{t("settings.inboundLead")}</p>
        <p>{props.inboundEmail ? <code class="secret">{props.inboundEmail}</code> : t("settings.inboundPending")}</p>
        <h3 id="mail">{t("settings.mailRecent")}</h3>
        {props.mails.length === 0 ? (
          <p class="muted">{t("settings.mailNone")}</p>
        ) : (
          <div class="scroll">
            <table class="grid">
              <thead>
                <tr>
                  <th scope="col">{t("settings.mail.at")}</th>
                  <th scope="col">{t("settings.mail.subject")}</th>
                  <th scope="col">{t("settings.mail.order")}</th>
                  <th scope="col">{t("settings.mail.outcome")}</th>
                  {props.canEdit ? <th scope="col" /> : null}
                </tr>
              </thead>
              <tbody>
                {props.mails.map((m) => (
                  <tr>
                    <td>{new Date(m.receivedAt).toLocaleString(props.frame.lang === "ja" ? "ja-JP" : "en-GB", { timeZone: "Asia/Tokyo", dateStyle: "short", timeStyle: "short" })}</td>
                    <td>{m.subject ?? "—"}</td>
                    <td>{m.orderId ? `${m.cart ?? ""} ${m.orderId}` : (m.cart ?? "—")}</td>
                    <td>
                      <span class={`health ${OUTCOME_CLASS[m.outcome]}`}>{t(`settings.mail.${m.outcome}`)}</span>
                      {m.reason ? <span class="muted small"> {m.reason}</span> : null}
                    </td>
                    {props.canEdit ? (
                      <td>
                        {m.retryable ? (
                          <form method="post" action={`/settings/mail/${m.id}/retry`}>
                            <CsrfField session={session} />
                            <button type="submit">{t("settings.mailRetry")}</button>
                          </form>
                        ) : null}
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>

      <section class="card" aria-labelledby="plan-h">
        <h2 id="plan-h">{t("settings.plan")}</h2>
        <dl class="facts">
          <div>
            <dt>{t("settings.planProducts")}</dt>
            <dd>{t("settings.planProductsValue", { n: fmt(props.plan.products), max: fmt(props.plan.maxProducts) })}</dd>
          </div>
          <div>
            <dt>{t("settings.planShops")}</dt>
            <dd>{fmt(props.plan.maxShops)}</dd>
          </div>
          <div>
            <dt>{t("settings.planSets")}</dt>
            <dd>{props.plan.allowSets ? t("settings.planIncluded") : t("settings.planExcluded")}</dd>
          </div>
          <div>
            <dt>{t("settings.planMapping")}</dt>
            <dd>{props.plan.allowCodeMapping ? t("settings.planIncluded") : t("settings.planExcluded")}</dd>
          </div>
        </dl>
        <p class="muted small">{t("settings.planNote")}</p>
      </section>

      <p>
        <a href="/groups">{t("settings.groupsLink")}</a>
      </p>
    </Layout>
  );
}
