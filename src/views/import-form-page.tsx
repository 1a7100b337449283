import type { MessageKey } from "../lib/i18n";
import { ENCODINGS, fmt, type ImportKind, type ImportReportView, KINDS, MODES } from "./import-page";
import { CsrfField, type Frame, Layout } from "./layout";

// 取込み's upload form: the file kind, the encoding (自動判定 first), 上書き or 加算・減算, the file;
// under it the latest imports, each a link to its report.

export interface ImportFormProps {
  frame: Frame;
  /** What the merchant chose last time (kept when the file is refused). */
  values: { kind: ImportKind; encoding: string; stockMode: "set" | "adjust" };
  /** The whole file refused (no file, an unknown column…): the reason, in the page's language, and what it names. */
  error: string | null;
  errorList?: string[];
  recent: ImportReportView[];
}

function Radios<V extends string>(props: { frame: Frame; name: string; legend: MessageKey; options: { value: V; key: MessageKey }[]; checked: string }) {
  const { t } = props.frame;
  return (
    <fieldset class="choices">
      <legend>{t(props.legend)}</legend>
      {props.options.map((o) => (
        <label>
          <input type="radio" name={props.name} value={o.value} checked={props.checked === o.value} /> {t(o.key)}
        </label>
      ))}
    </fieldset>
  );
}

export function ImportFormPage(props: ImportFormProps) {
  const { t, session } = props.frame;
  return (
    <Layout frame={props.frame} title={t("import.title")}>
      <h1>{t("import.title")}</h1>
      <p class="muted">{t("import.help")}</p>
      {props.error ? (
        <div role="alert" class="flash error">
          <p>{props.error}</p>
          {props.errorList?.length ? (
            <ul class="file-errors">
              {props.errorList.map((e) => (
                <li>{e}</li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : null}
      <form method="post" action="/products/import" enctype="multipart/form-data" class="stack form-narrow">
        <CsrfField session={session} />
        <Radios frame={props.frame} name="kind" legend="import.kind" options={KINDS} checked={props.values.kind} />
        <Radios frame={props.frame} name="encoding" legend="import.encoding" options={ENCODINGS} checked={props.values.encoding} />
        <Radios frame={props.frame} name="stockMode" legend="import.stockMode" options={MODES} checked={props.values.stockMode} />
        <label>
          {t("import.file")}
          <input type="file" name="file" accept=".csv,text/csv" required />
        </label>
        <p>
          <button type="submit" class="primary">
            {t("import.submit")}
          </button>{" "}
          <a href="/products">{t("import.back")}</a>
        </p>
      </form>
      {props.recent.length ? (
        <section aria-labelledby="recent-h">
          <h2 id="recent-h">{t("import.recent")}</h2>
          <table class="grid">
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{t("import.kind")}</th>
                <th scope="col">{t("import.file")}</th>
                <th scope="col">{t("import.status")}</th>
                <th scope="col" class="num">
                  {t("import.summary.total")}
                </th>
                <th scope="col" class="num">
                  {t("import.summary.invalid")}
                </th>
              </tr>
            </thead>
            <tbody>
              {props.recent.map((r) => (
                <tr>
                  <td>
                    <a href={`/products/import/${r.id}`}>{r.id}</a>
                  </td>
                  <td>{t(KINDS.find((k) => k.value === r.kind)!.key)}</td>
                  <td>{r.fileName ?? ""}</td>
                  <td>{t(`import.phase.${r.status}`)}</td>
                  <td class="num">{fmt(r.rows.total)}</td>
                  <td class="num">{fmt(r.rows.invalid)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </Layout>
  );
}

