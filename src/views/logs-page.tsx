import type { MessageKey } from "../lib/i18n";
import type { LogFilters, LogKind, LogRow, LogTable } from "../routes/ui/log-kinds";
import { type Frame, Layout } from "./layout";

export interface LogsProps {
  frame: Frame;
  kind: LogKind;
  table: Pick<LogTable, "title" | "headers" | "results" | "shopFilter">;
  shops: { id: number; name: string }[];
  filters: LogFilters;
  errors: Partial<Record<"from" | "to", MessageKey>>;
  rows: LogRow[];
  /** Query string of the next (older) page, or null on the last page. */
  next: string | null;
  paged: boolean;
  /** The CSV export of these filters, when the user may export (catalog right). */
  csv: string | null;
}

const TABS: { kind: LogKind; key: MessageKey }[] = [
  { kind: "sales", key: "logs.sales" },
  { kind: "mall-updates", key: "logs.mallUpdates" },
  { kind: "operations", key: "logs.operations" },
];

function DateField(props: { frame: Frame; name: "from" | "to"; value: string; error?: MessageKey }) {
  const { t } = props.frame;
  const id = `f-${props.name}`;
  return (
    <label for={id}>
      {t(props.name === "from" ? "logs.filter.from" : "logs.filter.to")}
      <input
        type="date"
        id={id}
        name={props.name}
        value={props.value}
        aria-invalid={props.error ? "true" : undefined}
        aria-describedby={props.error ? `${id}-error` : undefined}
      />
      {props.error ? (
        <span class="field-error" id={`${id}-error`}>
          {t(props.error)}
        </span>
      ) : null}
    </label>
  );
}

export function LogsPage(props: LogsProps) {
  const { t } = props.frame;
  const f = props.filters;
  const base = `/logs/${props.kind}`;
  return (
    <Layout frame={props.frame} title={t(props.table.title)} wide>
      <h1>{t("logs.title")}</h1>
      <nav class="tabs" aria-label={t("logs.title")}>
        {TABS.map((tab) => (
          <a href={`/logs/${tab.kind}`} aria-current={tab.kind === props.kind ? "page" : undefined}>
            {t(tab.key)}
          </a>
        ))}
      </nav>
      <form method="get" action={base} class="filters" role="search">
        <DateField frame={props.frame} name="from" value={f.from} error={props.errors.from} />
        <DateField frame={props.frame} name="to" value={f.to} error={props.errors.to} />
        {props.table.shopFilter ? (
          <label for="f-shop">
            {t("logs.filter.shop")}
            <select id="f-shop" name="shop">
              <option value="">{t("logs.filter.all")}</option>
              {props.shops.map((s) => (
                <option value={String(s.id)} selected={f.shop === s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <label for="f-code">
          {t(props.kind === "operations" ? "logs.filter.target" : "logs.filter.code")}
          <input type="search" id="f-code" name="code" value={f.code} maxlength={64} />
        </label>
        {props.table.results.length ? (
          <label for="f-result">
            {t("logs.filter.result")}
            <select id="f-result" name="result">
              <option value="">{t("logs.filter.all")}</option>
              {props.table.results.map((r) => (
                <option value={r.value} selected={f.result === r.value}>
                  {t(r.key)}
                </option>
              ))}
            </select>
          </label>
        ) : null}
        <button type="submit" class="primary">
          {t("logs.filter.apply")}
        </button>
        <a href={base}>{t("logs.filter.clear")}</a>
        {props.csv ? (
          <>
            <a class="button csv" href={props.csv} download>
              {t("logs.csv")}
            </a>
            <a class="button csv" href={`${props.csv}${props.csv.includes("?") ? "&" : "?"}encoding=shift_jis`} download>
              {t("logs.csvSjis")}
            </a>
          </>
        ) : null}
      </form>
      <p class="muted small">{t("logs.jst")}</p>
      {props.rows.length === 0 ? (
        <p class="empty">{t("logs.empty")}</p>
      ) : (
        <div class="scroll">
          <table class="grid logs">
            <caption class="sr">{t(props.table.title)}</caption>
            <thead>
              <tr>
                {props.table.headers.map((h, i) => (
                  <th scope="col" class={props.rows[0]?.cells[i]?.num ? "num" : undefined}>
                    {t(h)}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.rows.map((r) => (
                <tr>
                  {r.cells.map((cell) => (
                    <td class={[cell.num ? "num" : "", cell.bad ? "negative" : "", cell.wrap ? "wrap" : ""].filter(Boolean).join(" ") || undefined}>{cell.text}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <p class="pager">
        {props.paged ? <a href={`${base}?${filterOnly(f)}`}>{t("logs.newest")}</a> : null}
        {props.next ? <a href={`${base}?${props.next}`}>{t("logs.older")}</a> : null}
      </p>
    </Layout>
  );
}

function filterOnly(f: LogFilters): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(f)) if (v !== undefined && v !== "") q.set(k, String(v));
  return q.toString();
}
