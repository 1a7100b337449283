import { dictionaries, type MessageKey } from "../lib/i18n";
import { MAIL_KINDS } from "../malls/mail-cart";
import type { MailCartKind, MallKind } from "../malls/types";
import type { shopOut } from "../routes/api/shops";
import type { CredentialField } from "../routes/ui/credential-form";
import { aria, Field, type FieldErrors } from "./form-field";
import { ConnectForm, type ConnectFormState } from "./connect-form";
import { CsrfField, Flash, type Frame, Layout } from "./layout";

// モール設定: the list of shops, the add form of one mall kind (its credential fields generated
// from the mall's schema) and one shop's page. Credentials are never drawn back: only whether
// they are set.

export type ShopView = ReturnType<typeof shopOut>;
export type { FieldErrors };

export interface JobPart {
  id: number;
  status: "running" | "done" | "cancelled";
  total: number;
  done: number;
  sent: number;
  errors: number;
  lastError: string | null;
  etaSeconds: number | null;
}

export function when(iso: string | null, lang: string) {
  return iso === null ? "—" : new Date(iso).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", { timeZone: "Asia/Tokyo", dateStyle: "short", timeStyle: "short" });
}

const key = (k: string) => (k in dictionaries.ja ? (k as MessageKey) : null);
const kindName = (frame: Frame, kind: string) => (key(`shops.kind.${kind}`) ? frame.t(key(`shops.kind.${kind}`)!) : kind);

const describedBy = (id: string, help: boolean, error: boolean) => aria(id, { help, error: error ? "x" : undefined })["aria-describedby"];

function Health(props: { frame: Frame; shop: ShopView }) {
  const cls = props.shop.health === "ok" ? "ok" : props.shop.health === "error" ? "warn" : "bad";
  return <span class={`health ${cls}`}>{props.frame.t(`shops.health.${props.shop.health}`)}</span>;
}

function Expiry(props: { frame: Frame; shop: ShopView }) {
  const { t, lang } = props.frame;
  const w = props.shop.warnings[0];
  if (!props.shop.credentialsExpireAt) return <>—</>;
  return (
    <>
      {when(props.shop.credentialsExpireAt, lang)}
      {w ? <span class={`tag ${w.code === "credentials_expired" ? "bad" : "warn"}`}>{w.code === "credentials_expired" ? t("shops.expired") : t("shops.expiringSoon", { days: w.daysLeft })}</span> : null}
    </>
  );
}

function Lag(props: { frame: Frame; shop: ShopView }) {
  const { p50Ms, p95Ms } = props.shop.lag;
  if (p50Ms === null || p95Ms === null) return <>—</>;
  const s = (ms: number) => (ms / 1000).toFixed(1);
  return <>{props.frame.t("shops.lagValue", { p50: s(p50Ms), p95: s(p95Ms) })}</>;
}

const isMail = (kind: string) => MAIL_KINDS.includes(kind as MailCartKind);

function KindPicker(props: { frame: Frame; kinds: readonly MallKind[]; connectable: readonly string[] }) {
  const { t } = props.frame;
  const links = (kinds: readonly MallKind[]) => (
    <ul class="kinds">
      {kinds.map((k) => (
        <li>
          <a class="button" href={`/shops/new?kind=${k}`}>
            {kindName(props.frame, k)}
          </a>
        </li>
      ))}
    </ul>
  );
  return (
    <section class="card" aria-labelledby="add-shop">
      <h2 id="add-shop">{t("shops.add")}</h2>
      {props.connectable.length ? (
        <>
          <h3 id="connect">{t("connect.title")}</h3>
          <p class="muted small">{t("connect.lead")}</p>
          <div class="connect-list">
            {props.connectable.map((k) => (
              <ConnectForm frame={props.frame} kind={k} mall={kindName(props.frame, k)} />
            ))}
          </div>
          <h3>{t("connect.manual")}</h3>
        </>
      ) : null}
      <p class="muted">{t("shops.addLead")}</p>
      {links(props.kinds.filter((k) => !isMail(k)))}
      <h3>{t("shops.addMail")}</h3>
      <p class="muted small">{t("shops.addMailLead")}</p>
      {links(props.kinds.filter(isMail))}
    </section>
  );
}

/** The list; `shops: null` draws only the mall picker (GET /shops/new without a kind). */
export function ShopsPage(props: { frame: Frame; shops: ShopView[] | null; kinds: readonly MallKind[]; canEdit: boolean; deleted?: string; connectable?: readonly string[] }) {
  const { t, lang } = props.frame;
  return (
    <Layout frame={props.frame} title={t("shops.title")} wide>
      <h1>{t("shops.title")}</h1>
      {props.deleted ? <Flash kind="ok">{t("shops.deleted", { name: props.deleted })}</Flash> : null}
      {props.shops === null ? null : (
        <>
          <p class="muted">{t("shops.lead")}</p>
          {props.shops.length === 0 ? (
            <p>{t("shops.none")}</p>
          ) : (
            <div class="scroll">
              <table class="grid shops">
                <thead>
                  <tr>
                    <th scope="col">{t("shops.name")}</th>
                    <th scope="col">{t("shops.kind")}</th>
                    <th scope="col">{t("shops.status")}</th>
                    <th scope="col">{t("shops.lastImport")}</th>
                    <th scope="col">{t("shops.lastPush")}</th>
                    <th scope="col">{t("shops.lastError")}</th>
                    <th scope="col" class="num">
                      {t("shops.unreflected")}
                    </th>
                    <th scope="col">{t("shops.expiry")}</th>
                    <th scope="col">{t("shops.lag")}</th>
                  </tr>
                </thead>
                <tbody>
                  {props.shops.map((s) => (
                    <tr>
                      <th scope="row">
                        <a href={`/shops/${s.id}`}>{s.name}</a>
                      </th>
                      <td>{kindName(props.frame, s.kind)}</td>
                      <td>
                        <Health frame={props.frame} shop={s} />
                      </td>
                      <td>{when(s.lastImportAt, lang)}</td>
                      <td>{s.intake === "mail" ? t("shops.mailNoPush") : when(s.lastPushAt, lang)}</td>
                      <td class={s.lastError ? "error-text" : undefined}>{s.lastError ?? "—"}</td>
                      <td class="num">{s.unreflected.toLocaleString("ja-JP")}</td>
                      <td>
                        <Expiry frame={props.frame} shop={s} />
                      </td>
                      <td>
                        <Lag frame={props.frame} shop={s} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
      {props.canEdit ? <KindPicker frame={props.frame} kinds={props.kinds} connectable={props.connectable ?? []} /> : null}
    </Layout>
  );
}

/** The credential inputs of one mall kind; `configured` draws the edit variant (「設定済み」, empty inputs). */
function CredentialInputs(props: { frame: Frame; kind: string; fields: CredentialField[]; errors?: FieldErrors; configured?: boolean }) {
  const { t } = props.frame;
  return (
    <>
      {props.fields.map((f) => {
        const id = `cred-${f.key}`;
        const name = `cred.${f.key}`;
        const labelKey = key(`shops.field.${props.kind}.${f.key}`);
        const helpKey = key(`shops.help.${props.kind}.${f.key}`);
        const error = props.errors?.[name];
        const help = helpKey ? t(helpKey) : f.description;
        const label = `${labelKey ? t(labelKey) : f.key}${props.configured ? ` (${t("shops.configured")})` : !f.required ? ` (${t("shops.optional")})` : ""}`;
        const common = {
          id,
          name,
          "aria-describedby": describedBy(id, true, !!error),
          "aria-invalid": error ? "true" : undefined,
          autocomplete: "off",
          required: !props.configured && f.required,
        };
        return (
          <Field id={id} label={label} help={help} error={error}>
            {f.input === "textarea" ? (
              <textarea {...common} rows={4} />
            ) : f.input === "date" ? (
              <input {...common} type="date" />
            ) : (
              <input {...common} type={f.input === "secret" ? "password" : "text"} value={props.configured ? undefined : f.defaultValue} spellcheck={false} />
            )}
          </Field>
        );
      })}
    </>
  );
}

/** `mail`: a cart taken in by e-mail, which has no モール更新 to switch (nor a figure that can drift). */
function Switches(props: { frame: Frame; importEnabled: boolean; updateEnabled: boolean; cancelPolicy: string; driftPolicy?: string; error?: string; mail?: boolean }) {
  const { t } = props.frame;
  return (
    <>
      <fieldset class="checks">
        <label class="check">
          <input type="checkbox" name="importEnabled" checked={props.importEnabled} /> {props.mail ? t("shops.importEnabledMail") : t("shops.importEnabled")}
        </label>
        {props.mail ? null : (
          <label class="check">
            <input type="checkbox" name="updateEnabled" checked={props.updateEnabled} /> {t("shops.updateEnabled")}
          </label>
        )}
      </fieldset>
      <Field id="cancelPolicy" label={t("shops.cancelPolicy")} error={props.error}>
        <select id="cancelPolicy" name="cancelPolicy" {...aria("cancelPolicy", { error: props.error })}>
          <option value="restore" selected={props.cancelPolicy === "restore"}>
            {t("shops.cancel.restore")}
          </option>
          <option value="ignore" selected={props.cancelPolicy === "ignore"}>
            {t("shops.cancel.ignore")}
          </option>
        </select>
      </Field>
      {props.driftPolicy !== undefined ? (
        <Field id="driftPolicy" label={t("shops.driftPolicy")} help={t("shops.driftPolicyHelp")}>
          <select id="driftPolicy" name="driftPolicy" {...aria("driftPolicy", { help: true })}>
            {(["report", "fix", "accept"] as const).map((p) => (
              <option value={p} selected={props.driftPolicy === p}>
                {t(`shops.drift.${p}`)}
              </option>
            ))}
          </select>
        </Field>
      ) : null}
    </>
  );
}

function BaseUrlField(props: { frame: Frame; kind: string; value: string; error?: string }) {
  const { t } = props.frame;
  // Malls that answer only registered source IPs: a Worker needs a fixed-IP relay in front of them.
  const help = props.kind === "yahoo" || props.kind === "aupay" ? `${t("shops.baseUrlHelp")} ${t(`shops.baseUrlHelp.${props.kind}`)}` : t("shops.baseUrlHelp");
  return (
    <Field id="baseUrl" label={`${t("shops.baseUrl")} (${t("shops.optional")})`} help={help} error={props.error}>
      <input id="baseUrl" name="baseUrl" type="url" value={props.value} aria-describedby={describedBy("baseUrl", true, !!props.error)} aria-invalid={props.error ? "true" : undefined} />
    </Field>
  );
}

export function ShopNewPage(props: {
  frame: Frame;
  kind: MallKind;
  fields: CredentialField[];
  errors?: FieldErrors;
  form?: { name: string; baseUrl: string; importEnabled: boolean; updateEnabled: boolean; cancelPolicy: string };
  /** 連携する: offered when the deployment has this mall's app (absent: the mall has no such flow). */
  connect?: ConnectFormState;
}) {
  const { t, session } = props.frame;
  const f = props.form ?? { name: "", baseUrl: "", importEnabled: true, updateEnabled: true, cancelPolicy: "restore" };
  const title = t("shops.newTitle", { mall: kindName(props.frame, props.kind) });
  const errors = props.errors ?? {};
  return (
    <Layout frame={props.frame} title={title}>
      <p>
        <a href="/shops">{t("shops.back")}</a>
      </p>
      <h1>{title}</h1>
      {props.connect ? (
        <section class="card" id="connect" aria-labelledby="connect-h">
          <h2 id="connect-h">{t("connect.title")}</h2>
          {props.connect.available ? (
            <>
              <p class="muted small">{t("connect.lead")}</p>
              <ConnectForm frame={props.frame} kind={props.kind} mall={kindName(props.frame, props.kind)} state={props.connect} withName />
            </>
          ) : (
            <p class="muted small">{t("connect.notConfigured", { mall: kindName(props.frame, props.kind) })}</p>
          )}
        </section>
      ) : null}
      {props.connect ? <h2>{t("connect.manual")}</h2> : null}
      {Object.keys(errors).length ? <Flash kind="error">{errors.form ?? t("shops.fixErrors")}</Flash> : null}
      <form method="post" action="/shops" class="card stack form-narrow">
        <CsrfField session={session} />
        <input type="hidden" name="kind" value={props.kind} />
        <Field id="name" label={t("shops.name")} error={errors.name}>
          <input id="name" name="name" type="text" required maxlength={100} value={f.name} aria-invalid={errors.name ? "true" : undefined} aria-describedby={describedBy("name", false, !!errors.name)} />
        </Field>
        {isMail(props.kind) ? (
          <p class="muted small">{t("shops.mailLead")}</p>
        ) : (
          <>
            <fieldset class="group">
              <legend>{t("shops.credentials")}</legend>
              <p class="muted small">{t("shops.credentialsLead")}</p>
              <CredentialInputs frame={props.frame} kind={props.kind} fields={props.fields} errors={errors} />
            </fieldset>
            <BaseUrlField frame={props.frame} kind={props.kind} value={f.baseUrl} error={errors.baseUrl} />
          </>
        )}
        <Switches frame={props.frame} importEnabled={f.importEnabled} updateEnabled={f.updateEnabled} cancelPolicy={f.cancelPolicy} error={errors.cancelPolicy} mail={isMail(props.kind)} />
        <p>
          <button type="submit" class="primary">
            {t("shops.create")}
          </button>
        </p>
      </form>
    </Layout>
  );
}

export function ShopPage(props: {
  frame: Frame;
  shop: ShopView;
  fields: CredentialField[];
  job: JobPart | null;
  canEdit: boolean;
  notice?: string;
  error?: string;
  errors?: FieldErrors;
  /** A mail shop's inbound addresses: the account's, and this shop's own (+shopId). */
  inbound?: { account: string; shop: string } | null;
  /** 再連携 is offered: the deployment has this mall's app. */
  reconnect?: boolean;
}) {
  const { t, lang, session } = props.frame;
  const s = props.shop;
  const errors = props.errors ?? {};
  const mail = s.intake === "mail";
  return (
    <Layout frame={props.frame} title={`${s.name} — ${t("shops.title")}`}>
      <p>
        <a href="/shops">{t("shops.back")}</a>
      </p>
      <h1>
        {s.name} <span class="tag">{kindName(props.frame, s.kind)}</span>
      </h1>
      {props.notice ? <Flash kind="ok">{props.notice}</Flash> : null}
      {props.error ? <Flash kind="error">{props.error}</Flash> : null}

      <dl class="facts">
        <div>
          <dt>{t("shops.status")}</dt>
          <dd>
            <Health frame={props.frame} shop={s} />
          </dd>
        </div>
        <div>
          <dt>{mail ? t("shops.lastMail") : t("shops.lastImport")}</dt>
          <dd>{when(s.lastImportAt, lang)}</dd>
        </div>
        <div>
          <dt>{t("shops.lastPush")}</dt>
          <dd>{mail ? t("shops.mailNoPush") : when(s.lastPushAt, lang)}</dd>
        </div>
        <div>
          <dt>{t("shops.unreflected")}</dt>
          <dd>{s.unreflected.toLocaleString("ja-JP")}</dd>
        </div>
        <div>
          <dt>{t("shops.expiry")}</dt>
          <dd>
            <Expiry frame={props.frame} shop={s} />
          </dd>
        </div>
        <div>
          <dt>{t("shops.lag")}</dt>
          <dd>
            <Lag frame={props.frame} shop={s} />
          </dd>
        </div>
        <div class="wide">
          <dt>{t("shops.lastError")}</dt>
          <dd class={s.lastError ? "error-text" : undefined}>{s.lastError ?? "—"}</dd>
        </div>
      </dl>
      {s.warnings.map((w) => (
        <Flash kind="error">
          {w.code === "credentials_expired"
            ? t(props.reconnect ? "connect.expiredWarning" : "shops.expiredWarning", { date: when(w.expiresAt, lang) })
            : t(props.reconnect ? "connect.expiringWarning" : "shops.expiringWarning", { days: w.daysLeft, date: when(w.expiresAt, lang) })}
        </Flash>
      ))}

      {mail ? (
        <section class="card" id="mail" aria-labelledby="mail-h">
          <h2 id="mail-h">{t("shops.mailTitle")}</h2>
          <p class="muted small">{t("shops.mailLead")}</p>
          {props.inbound ? (
            <p>
              <code class="secret">{props.inbound.account}</code>
              <br />
              <span class="muted small">{t("shops.mailShopAddress")}</span> <code class="secret">{props.inbound.shop}</code>
            </p>
          ) : (
            <p>{t("settings.inboundPending")}</p>
          )}
        </section>
      ) : null}

      <section class="card" id="test" aria-labelledby="test-h">
        <h2 id="test-h">{t("shops.test")}</h2>
        <p class="test-result" role="status">
          {s.lastTest === null ? (
            t("shops.testNever")
          ) : (
            <>
              <span class={`health ${s.lastTest.ok ? "ok" : "bad"}`}>{s.lastTest.ok ? (mail ? t("shops.testMail") : t("shops.testOk")) : t("shops.testNg", { reason: s.lastTest.reason ?? "NG" })}</span>{" "}
              <span class="muted">{t("shops.testAt", { at: when(s.lastTest.at, lang) })}</span>
            </>
          )}
        </p>
        {props.canEdit ? (
          <form method="post" action={`/shops/${s.id}/test`}>
            <CsrfField session={session} />
            <button type="submit">{t("shops.testRun")}</button>
          </form>
        ) : null}
      </section>

      {props.job ? (
        <section class="card" id="job" aria-labelledby="job-h">
          <h2 id="job-h">
            {t("shops.job")} <span class="tag">{t(`shops.jobStatus.${props.job.status}`)}</span>
          </h2>
          <progress max={Math.max(props.job.total, 1)} value={props.job.total === 0 ? 1 : props.job.done} />
          <p>
            {t("shops.jobProgress", { done: props.job.done, total: props.job.total, sent: props.job.sent, errors: props.job.errors })}
            {props.job.status === "running" && props.job.etaSeconds !== null ? ` · ${t("shops.jobEta", { s: props.job.etaSeconds })}` : ""}
          </p>
          {props.job.lastError ? <p class="error-text">{props.job.lastError}</p> : null}
          {props.job.status === "running" ? (
            <p>
              <a href={`/shops/${s.id}?job=${props.job.id}#job`}>{t("shops.jobReload")}</a>
            </p>
          ) : null}
        </section>
      ) : null}

      {props.canEdit ? (
        <>
          <section class="card" aria-labelledby="settings-h">
            <h2 id="settings-h">{t("shops.settings")}</h2>
            <form method="post" action={`/shops/${s.id}`} class="stack form-narrow">
              <CsrfField session={session} />
              <Field id="name" label={t("shops.name")} error={errors.name}>
                <input id="name" name="name" type="text" required maxlength={100} value={s.name} aria-invalid={errors.name ? "true" : undefined} />
              </Field>
              <Switches frame={props.frame} importEnabled={s.importEnabled} updateEnabled={s.updateEnabled} cancelPolicy={s.cancelPolicy} driftPolicy={mail ? undefined : s.driftPolicy} error={errors.cancelPolicy} mail={mail} />
              <div class="row-form">
                <Field id="ratio" label={t("shops.ratio")} help={t("shops.ratioHelp")} error={errors.ratio}>
                  <input id="ratio" name="ratio" type="number" min={0} max={100} step={1} value={s.ratio ?? ""} aria-describedby={describedBy("ratio", true, !!errors.ratio)} aria-invalid={errors.ratio ? "true" : undefined} />
                </Field>
                <Field id="salesLimit" label={t("shops.salesLimit")} help={t("shops.salesLimitHelp")} error={errors.salesLimit}>
                  <input id="salesLimit" name="salesLimit" type="number" min={0} step={1} value={s.salesLimit ?? ""} aria-describedby={describedBy("salesLimit", true, !!errors.salesLimit)} aria-invalid={errors.salesLimit ? "true" : undefined} />
                </Field>
              </div>
              {mail ? null : <BaseUrlField frame={props.frame} kind={s.kind} value={s.baseUrl ?? ""} error={errors.baseUrl} />}
              <p>
                <button type="submit" class="primary">
                  {t("shops.save")}
                </button>
              </p>
            </form>
          </section>

          {mail ? null : (
          <>
          {props.reconnect ? (
            <section class="card" id="reconnect" aria-labelledby="reconnect-h">
              <h2 id="reconnect-h">{t("connect.reconnect")}</h2>
              <p class="muted small">{t("connect.reconnectLead", { mall: kindName(props.frame, s.kind) })}</p>
              <ConnectForm frame={props.frame} kind={s.kind} mall={kindName(props.frame, s.kind)} shopId={s.id} />
            </section>
          ) : null}
          <section class="card" aria-labelledby="cred-h">
            <h2 id="cred-h">
              {t("shops.credentials")} <span class="tag">{s.credentials.configured ? t("shops.configured") : t("shops.notConfigured")}</span>
            </h2>
            <p class="muted small">
              {t("shops.credentialsLead")} {t("shops.replaceHint")}
            </p>
            <form method="post" action={`/shops/${s.id}/credentials`} class="stack form-narrow">
              <CsrfField session={session} />
              <CredentialInputs frame={props.frame} kind={s.kind} fields={props.fields} errors={errors} configured={s.credentials.configured} />
              <p>
                <button type="submit">{t("shops.replaceCredentials")}</button>
              </p>
            </form>
          </section>

          <section class="card" aria-labelledby="resync-h">
            <h2 id="resync-h">{t("shops.resync")}</h2>
            <p class="muted small">{t("shops.resyncLead")}</p>
            <form method="post" action={`/shops/${s.id}/resync`}>
              <CsrfField session={session} />
              <button type="submit">{t("shops.resyncRun")}</button>
            </form>
          </section>
          </>
          )}

          <section class="card danger-zone" aria-labelledby="delete-h">
            <h2 id="delete-h">{t("shops.delete")}</h2>
            <p class="muted small">{t("shops.deleteLead")}</p>
            <form method="post" action={`/shops/${s.id}/delete`} class="stack">
              <CsrfField session={session} />
              <label class="check">
                <input type="checkbox" name="confirm" value="yes" required aria-invalid={errors.confirm ? "true" : undefined} /> {t("shops.deleteConfirm")}
              </label>
              {errors.confirm ? (
                <p class="field-error" role="alert">
                  {errors.confirm}
                </p>
              ) : null}
              <p>
                <button type="submit" class="danger">
                  {t("shops.delete")}
                </button>
              </p>
            </form>
          </section>
        </>
      ) : null}
    </Layout>
  );
}
