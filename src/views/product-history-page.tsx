import type { Movement } from "../stock/types";
import { type Frame, Layout } from "./layout";
import { productHref } from "./product-href";

// 在庫履歴: the product's ledger movements, newest first, with who or what caused each.

export interface HistoryRow {
  id: number;
  at: number;
  reason: Movement["reason"];
  delta: number;
  onHandAfter: number;
  who: string;
  note: string;
}

const fmt = (n: number) => n.toLocaleString("ja-JP");

function when(ms: number, lang: Frame["lang"]) {
  return new Date(ms).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", { timeZone: "Asia/Tokyo", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

export function HistoryPage(props: { frame: Frame; masterCode: string; name: string; isSet: boolean; rows: HistoryRow[]; next: number | null; paged: boolean }) {
  const { t, lang } = props.frame;
  return (
    <Layout frame={props.frame} title={`${t("history.title")} ${props.masterCode}`}>
      <p class="crumbs">
        <a href="/products">{t("products.title")}</a> › <a href={productHref(props.masterCode)}>{props.masterCode}</a>
      </p>
      <h1>
        {t("history.title")} <code>{props.masterCode}</code> {props.name}
      </h1>
      {props.isSet ? <p class="muted">{t("history.set")}</p> : null}
      <div class="scroll">
        <table class="grid history">
          <thead>
            <tr>
              <th scope="col">{t("history.at")}</th>
              <th scope="col">{t("history.kind")}</th>
              <th scope="col" class="num">
                {t("history.delta")}
              </th>
              <th scope="col" class="num">
                {t("history.after")}
              </th>
              <th scope="col">{t("history.who")}</th>
              <th scope="col">{t("history.note")}</th>
            </tr>
          </thead>
          <tbody>
            {props.rows.length === 0 ? (
              <tr>
                <td colspan={6} class="muted">
                  {t("history.empty")}
                </td>
              </tr>
            ) : (
              props.rows.map((r) => (
                <tr>
                  <td>
                    <time datetime={new Date(r.at).toISOString()}>{when(r.at, lang)}</time>
                  </td>
                  <td>{t(`history.reason.${r.reason}`)}</td>
                  <td class={`num${r.delta < 0 ? " minus" : ""}`}>{`${r.delta > 0 ? "+" : ""}${fmt(r.delta)}`}</td>
                  <td class={`num${r.onHandAfter < 0 ? " negative" : ""}`}>{fmt(r.onHandAfter)}</td>
                  <td>{r.who}</td>
                  <td>{r.note}</td>
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label={t("products.next")}>
        {props.paged ? <a href={productHref(props.masterCode, "/history")}>{t("history.newest")}</a> : null}
        {props.next !== null ? (
          <a class="button" rel="next" href={productHref(props.masterCode, `/history?before=${props.next}`)}>
            {t("history.older")}
          </a>
        ) : null}
      </nav>
    </Layout>
  );
}
