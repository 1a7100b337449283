import type { GridSort } from "../db/queries/product-grid";
import type { ProductStatus } from "../db/queries/products";
import type { GridCell } from "../stock/grid";
import { CsrfField, Flash, type Frame, Layout } from "./layout";
import { productHref } from "./product-href";

export interface GridRow {
  masterCode: string;
  name: string;
  groupName: string;
  isSet: boolean;
  onHand: number;
  reserved: { value: number; fromGroup: boolean };
  low: boolean;
  cells: GridCell[];
}

export interface GridProps {
  frame: Frame;
  total: number;
  maxProducts: number;
  shops: { id: number; name: string; kind: string }[];
  groups: { id: number; name: string }[];
  filters: { q: string; group?: number; status?: ProductStatus; sort: GridSort };
  rows: GridRow[];
  /** Query string of the next page, or null on the last page. */
  next: string | null;
  /** Whether this is a later page (a link back to the first one is shown). */
  paged: boolean;
  serverMs: number;
  /** Whether the user may change stock here (the catalog right): draws the inputs and 反映 buttons. */
  editable: boolean;
  /** One per drawn form: a resent form changes stock once. */
  nonce: string;
  /** This page's query string, to come back to after 反映. */
  back: string;
  notices: { kind: "ok" | "error"; text: string }[];
}

const STATUSES: ProductStatus[] = ["low", "negative", "unsynced", "error"];
const SORTS: { value: GridSort; key: "products.sort.code" | "products.sort.codeDesc" | "products.sort.name" | "products.sort.nameDesc" }[] = [
  { value: "code", key: "products.sort.code" },
  { value: "-code", key: "products.sort.codeDesc" },
  { value: "name", key: "products.sort.name" },
  { value: "-name", key: "products.sort.nameDesc" },
];

function fmt(n: number) {
  return n.toLocaleString("ja-JP");
}

function Cell(props: { frame: Frame; cell: GridCell; masterCode: string; shopName: string }) {
  const { t } = props.frame;
  const c = props.cell;
  // Each figure opens its なぜこの数? trace for that shop.
  const why = productHref(props.masterCode, `/why?shop=${c.shopId}`);
  const whyLabel = t("products.whyOf", { shop: props.shopName });
  if (c.state === "excluded") {
    return (
      <td class="num cell-excluded" title={t("products.cell.excluded")}>
        <a href={why} aria-label={whyLabel}>
          —
        </a>
      </td>
    );
  }
  const title =
    c.state === "error"
      ? t("products.cell.error", { error: c.error ?? "" })
      : c.state === "unsynced"
        ? c.showing === null
          ? t("products.cell.unsyncedNever")
          : t("products.cell.unsynced", { shown: c.showing })
        : undefined;
  return (
    <td class={`num${c.state === "ok" ? "" : ` cell-${c.state}`}`} title={title}>
      <a href={why} class="why" aria-label={`${fmt(c.figure ?? 0)} — ${whyLabel}`}>
        {fmt(c.figure ?? 0)}
      </a>
      {title ? <span class="sr"> ({title})</span> : null}
    </td>
  );
}

const CSV_FILES = [
  { kind: "products", key: "csv.products" },
  { kind: "stock", key: "csv.stock" },
  { kind: "mappings", key: "csv.mappings" },
] as const;

/**
 * 商品CSV / 在庫CSV / 別品番CSV of what the grid shows (its search, group and 状態), without
 * JavaScript: one GET form, each button its own file (formaction). Shift_JIS is chosen first:
 * Excel in Japan opens it as is.
 */
function CsvMenu(props: { frame: Frame; filters: GridProps["filters"] }) {
  const { t } = props.frame;
  const f = props.filters;
  return (
    <details class="csv-menu">
      <summary class="button">{t("csv.menu")}</summary>
      <form method="get" action="/products/export/products.csv" class="csv-form">
        {f.q ? <input type="hidden" name="q" value={f.q} /> : null}
        {f.group ? <input type="hidden" name="group" value={String(f.group)} /> : null}
        {f.status ? <input type="hidden" name="status" value={f.status} /> : null}
        <fieldset>
          <legend>{t("csv.encoding")}</legend>
          <label>
            <input type="radio" name="encoding" value="shift_jis" checked /> {t("csv.sjis")}
          </label>
          <label>
            <input type="radio" name="encoding" value="utf-8" /> {t("csv.utf8")}
          </label>
        </fieldset>
        <p class="muted small">{f.q || f.group || f.status ? t("csv.filtered") : t("csv.all")}</p>
        <p class="muted small">{t("csv.sjisNote")}</p>
        <div class="csv-buttons">
          {CSV_FILES.map((x) => (
            <button type="submit" formaction={`/products/export/${x.kind}.csv`}>
              {t(x.key)}
            </button>
          ))}
        </div>
        <p>
          <a href="/products/import">{t("csv.import")}</a>
        </p>
      </form>
    </details>
  );
}

export function ProductsPage(props: GridProps) {
  const { t } = props.frame;
  const f = props.filters;
  const sortedBy = (col: "code" | "name") => (f.sort === col ? "ascending" : f.sort === `-${col}` ? "descending" : undefined);
  return (
    <Layout frame={props.frame} title={t("products.title")} wide script={props.editable ? "/grid.js" : undefined}>
      <div class="grid-head">
        <h1>{t("products.title")}</h1>
        <p class="count" id="product-count">
          {t("products.count", { n: fmt(props.total), max: fmt(props.maxProducts) })}
        </p>
        {props.editable ? (
          <a class="button primary" href="/products/new">
            {t("products.new")}
          </a>
        ) : null}
        {props.editable ? <CsvMenu frame={props.frame} filters={f} /> : null}
      </div>
      <form method="get" action="/products" class="filters" role="search">
        <label>
          {t("products.search")}
          <input type="search" name="q" value={f.q} maxlength={200} />
        </label>
        <label>
          {t("products.group")}
          <select name="group">
            <option value="">{t("products.allGroups")}</option>
            {props.groups.map((g) => (
              <option value={String(g.id)} selected={f.group === g.id}>
                {g.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("products.status")}
          <select name="status">
            <option value="">{t("products.allStatus")}</option>
            {STATUSES.map((s) => (
              <option value={s} selected={f.status === s}>
                {t(`products.status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("products.sort")}
          <select name="sort">
            {SORTS.map((s) => (
              <option value={s.value} selected={f.sort === s.value}>
                {t(s.key)}
              </option>
            ))}
          </select>
        </label>
        <button type="submit" class="primary">
          {t("products.filter")}
        </button>
        <a href="/products">{t("products.clear")}</a>
      </form>
      {props.notices.map((n) => (
        <Flash kind={n.kind}>{n.text}</Flash>
      ))}
      {props.editable ? (
        <form id="stock-form" method="post" action="/products/stock" class="applybar">
          <CsrfField session={props.frame.session} />
          <input type="hidden" name="nonce" value={props.nonce} />
          <input type="hidden" name="back" value={props.back} />
          <p class="muted small">{t("products.applyHint")}</p>
          <button type="submit" class="primary" id="apply-all">
            {t("products.applyAll")}
          </button>
        </form>
      ) : null}
      <div class="scroll">
        <table class="grid products" aria-describedby="product-count">
          <thead>
            <tr>
              <th scope="col" aria-sort={sortedBy("code")}>
                {t("products.masterCode")}
              </th>
              <th scope="col" aria-sort={sortedBy("name")}>
                {t("products.name")}
              </th>
              <th scope="col">{t("products.group")}</th>
              <th scope="col" class="num">
                {t("products.onHand")}
              </th>
              <th scope="col" class="num">
                {t("products.reserved")}
              </th>
              {props.shops.map((s) => (
                <th scope="col" class="num">
                  {s.name}
                </th>
              ))}
              {props.editable ? (
                <th scope="col">
                  <span class="sr">{t("products.apply")}</span>
                </th>
              ) : null}
            </tr>
          </thead>
          <tbody>
            {props.rows.length === 0 ? (
              <tr>
                <td colspan={5 + props.shops.length + (props.editable ? 1 : 0)} class="muted">
                  {t("products.empty")}
                </td>
              </tr>
            ) : (
              props.rows.map((r) => (
                <tr>
                  <th scope="row">
                    <a href={productHref(r.masterCode)}>
                      <code>{r.masterCode}</code>
                    </a>
                    {r.isSet ? <span class="tag">{t("products.set")}</span> : null}
                  </th>
                  <td class="name">{r.name}</td>
                  <td>{r.groupName}</td>
                  <td class={`num${r.onHand < 0 ? " negative" : ""}`}>
                    {props.editable && !r.isSet ? (
                      <>
                        <input type="hidden" form="stock-form" name={`was:${r.masterCode}`} value={String(r.onHand)} />
                        <input
                          type="number"
                          form="stock-form"
                          class="stock"
                          name={`q:${r.masterCode}`}
                          value={String(r.onHand)}
                          data-was={String(r.onHand)}
                          step={1}
                          min={-9999999}
                          max={9999999}
                          aria-label={t("products.stockOf", { code: r.masterCode })}
                        />
                      </>
                    ) : (
                      fmt(r.onHand)
                    )}
                    {r.onHand < 0 ? <span class="tag bad">{t("products.status.negative")}</span> : r.low ? <span class="tag warn">{t("products.status.low")}</span> : null}
                  </td>
                  <td class="num" title={r.reserved.fromGroup ? t("products.groupDefault") : undefined}>
                    {r.reserved.fromGroup ? <span class="muted">{fmt(r.reserved.value)}</span> : fmt(r.reserved.value)}
                  </td>
                  {r.cells.map((cell, i) => (
                    <Cell frame={props.frame} cell={cell} masterCode={r.masterCode} shopName={props.shops[i]?.name ?? ""} />
                  ))}
                  {props.editable ? (
                    <td>
                      {r.isSet ? null : (
                        <button type="submit" form="stock-form" name="only" value={r.masterCode} aria-label={t("products.applyOne", { code: r.masterCode })}>
                          {t("products.apply")}
                        </button>
                      )}
                    </td>
                  ) : null}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
      <nav class="pager" aria-label={t("products.next")}>
        {props.paged ? <a href={`/products?${new URLSearchParams({ q: f.q, group: f.group ? String(f.group) : "", status: f.status ?? "", sort: f.sort })}`}>{t("products.first")}</a> : null}
        {props.next ? (
          <a class="button" href={`/products?${props.next}`} rel="next">
            {t("products.next")}
          </a>
        ) : null}
      </nav>
      <ul class="legend" aria-label={t("products.legend")}>
        <li>
          <span class="cell-excluded">—</span> {t("products.legend.excluded")}
        </li>
        <li>
          <span class="cell-unsynced">12</span> {t("products.legend.unsynced")}
        </li>
        <li>
          <span class="cell-error">12</span> {t("products.legend.error")}
        </li>
        <li>
          <span class="negative">-3</span> {t("products.legend.negative")}
        </li>
      </ul>
      <p class="muted small">{t("products.serverTime", { ms: props.serverMs })}</p>
    </Layout>
  );
}
