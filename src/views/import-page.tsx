import type { MessageKey } from "../lib/i18n";
import { CsrfField, Flash, type Frame, Layout } from "./layout";

// 取込み (CSV import): the import's report — progress while it is checked or applied, the bad
// rows (行, 列, 理由), new products against the plan, and 反映する / 取消 (the upload form is
// import-form-page.tsx). The report is what src/csv/imports.ts's getImportReport returns; only
// what is drawn is named here.

export type ImportKind = "products" | "stock" | "mappings";
export type ImportPhase = "validating" | "validated" | "applying" | "applied" | "cancelled" | "failed";

export interface ImportReportView {
  id: number;
  kind: ImportKind;
  encoding: "utf-8" | "shift_jis";
  stockMode: "set" | "adjust";
  status: ImportPhase;
  fileName: string | null;
  rows: { total: number; validated: number; valid: number; invalid: number };
  newProducts: number;
  planRemaining: number | null;
  planFits: boolean | null;
  onPlanLimit: "fit" | "nothing" | null;
  errorsTotal: number;
  errors: { line: number; column: string; message: string; messageEn: string }[];
  nextErrorsAfterLine: number | null;
  applied: Record<string, number> | null;
  progress: { rowsDone: number; rowsTotal: number; etaSeconds: number | null };
  failure: string | null;
  createdAt: string;
}

export const KINDS: { value: ImportKind; key: MessageKey }[] = [
  { value: "products", key: "import.kind.products" },
  { value: "stock", key: "import.kind.stock" },
  { value: "mappings", key: "import.kind.mappings" },
];
export const ENCODINGS: { value: string; key: MessageKey }[] = [
  { value: "auto", key: "import.encoding.auto" },
  { value: "shift_jis", key: "import.encoding.sjis" },
  { value: "utf-8", key: "import.encoding.utf8" },
];
export const MODES: { value: "set" | "adjust"; key: MessageKey }[] = [
  { value: "set", key: "import.stockMode.set" },
  { value: "adjust", key: "import.stockMode.adjust" },
];

// What the engine reports having applied; a count it adds later is shown under its own name.
const APPLIED_KEYS = ["rows", "created", "updated", "skippedByPlan", "skippedInvalid", "failed"];

export const fmt = (n: number) => n.toLocaleString("ja-JP");
const running = (p: ImportPhase) => p === "validating" || p === "applying";

export interface ImportReportProps {
  frame: Frame;
  report: ImportReportView;
  /** A refused 反映する / 取消 (e.g. the plan, with 何も登録しない), in the page's language. */
  notice: { kind: "ok" | "error"; text: string } | null;
  /** Whether this page is a later page of bad rows. */
  paged: boolean;
}

export function ImportReportPage(props: ImportReportProps) {
  const { t, lang, session } = props.frame;
  const r = props.report;
  const base = `/products/import/${r.id}`;
  const room = r.planRemaining ?? 0;
  const overPlan = r.planFits === false;
  return (
    <Layout frame={props.frame} title={t("import.reportTitle", { id: r.id })} refresh={running(r.status) ? 2 : undefined}>
      <h1>
        {t("import.reportTitle", { id: r.id })} <span class={`tag${r.status === "failed" ? " bad" : ""}`}>{t(`import.phase.${r.status}`)}</span>
      </h1>
      <p class="muted">
        {[r.fileName, t(KINDS.find((k) => k.value === r.kind)!.key), r.encoding === "shift_jis" ? "Shift_JIS" : "UTF-8", t(MODES.find((m) => m.value === r.stockMode)!.key)].filter(Boolean).join(" · ")}
      </p>
      {props.notice ? <Flash kind={props.notice.kind}>{props.notice.text}</Flash> : null}
      {r.failure ? <Flash kind="error">{t("import.failure", { reason: r.failure })}</Flash> : null}

      <section class="card" aria-labelledby="progress-h">
        <h2 id="progress-h">{t("import.progressTitle")}</h2>
        <progress id="import-progress" max={Math.max(r.progress.rowsTotal, 1)} value={r.progress.rowsDone} />
        <p role="status">
          {t("import.progress", { done: fmt(r.progress.rowsDone), total: fmt(r.progress.rowsTotal) })}
          {running(r.status) && r.progress.etaSeconds !== null ? ` · ${t("import.eta", { s: r.progress.etaSeconds })}` : ""}
        </p>
        {running(r.status) ? <p class="muted small">{t("import.autoRefresh")}</p> : null}
        <dl class="import-counts">
          <dt>{t("import.summary.total")}</dt>
          <dd>{fmt(r.rows.total)}</dd>
          <dt>{t("import.summary.valid")}</dt>
          <dd id="rows-valid">{fmt(r.rows.valid)}</dd>
          <dt>{t("import.summary.invalid")}</dt>
          <dd id="rows-invalid">{fmt(r.rows.invalid)}</dd>
          <dt>{t("import.summary.new")}</dt>
          <dd id="new-products">{fmt(r.newProducts)}</dd>
          {r.planRemaining !== null ? (
            <>
              <dt>{t("import.summary.plan")}</dt>
              <dd id="plan-room">{fmt(r.planRemaining)}</dd>
            </>
          ) : null}
        </dl>
        {r.applied ? (
          <>
            <h3>{t("import.applied")}</h3>
            <dl class="import-counts" id="applied">
              {Object.entries(r.applied).map(([k, v]) => (
                <>
                  <dt>{APPLIED_KEYS.includes(k) ? t(`import.applied.${k}` as MessageKey) : k}</dt>
                  <dd>{fmt(v)}</dd>
                </>
              ))}
            </dl>
          </>
        ) : null}
      </section>

      {r.status === "validated" ? (
        <section class="card" aria-labelledby="apply-h">
          <h2 id="apply-h">{t("import.apply")}</h2>
          <form method="post" action={`${base}/apply`} class="stack">
            <CsrfField session={session} />
            <p>{t("import.applyHint", { n: fmt(r.rows.valid) })}</p>
            {overPlan ? (
              <fieldset class="choices" id="plan-choice">
                <legend>{t("import.overPlan", { n: fmt(r.newProducts), room: fmt(room) })}</legend>
                <label>
                  <input type="radio" name="onPlanLimit" value="fit" checked /> {t("import.plan.fit", { room: fmt(room) })}
                </label>
                <label>
                  <input type="radio" name="onPlanLimit" value="nothing" /> {t("import.plan.nothing")}
                </label>
              </fieldset>
            ) : null}
            <p>
              <button type="submit" class="primary" disabled={r.rows.valid === 0}>
                {t("import.apply")}
              </button>
            </p>
          </form>
        </section>
      ) : null}
      {r.status === "validating" || r.status === "validated" || r.status === "applying" ? (
        <form method="post" action={`${base}/cancel`}>
          <CsrfField session={session} />
          <button type="submit">{t("import.cancel")}</button>
        </form>
      ) : null}

      <section aria-labelledby="errors-h">
        <h2 id="errors-h">
          {t("import.errors")} <span class="muted">({fmt(r.errorsTotal)})</span>
        </h2>
        {r.errors.length === 0 ? (
          <p class="empty">{r.status === "validating" ? t("import.checking") : t("import.noErrors")}</p>
        ) : (
          <div class="scroll">
            <table class="grid import-errors">
              <thead>
                <tr>
                  <th scope="col" class="num">
                    {t("import.col.line")}
                  </th>
                  <th scope="col">{t("import.col.column")}</th>
                  <th scope="col">{t("import.col.reason")}</th>
                </tr>
              </thead>
              <tbody>
                {r.errors.map((e) => (
                  <tr>
                    <td class="num">{e.line}</td>
                    <td>{e.column}</td>
                    <td>{lang === "en" ? e.messageEn : e.message}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
        <nav class="pager">
          {props.paged ? <a href={base}>{t("import.firstErrors")}</a> : null}
          {r.nextErrorsAfterLine !== null ? (
            <a class="button" href={`${base}?after=${r.nextErrorsAfterLine}`} rel="next">
              {t("import.moreErrors")}
            </a>
          ) : null}
        </nav>
      </section>
      <p>
        <a href="/products/import">{t("import.new")}</a> · <a href="/products">{t("import.back")}</a>
      </p>
    </Layout>
  );
}
