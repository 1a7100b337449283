import type { MessageKey } from "../lib/i18n";
import { jstTime } from "../lib/jst";
import type { UnreflectedProduct } from "../sync/unreflected";
import { CsrfField, Flash, type Frame, Layout } from "./layout";

// The lists that need action. Each row carries the form that fixes it; a row's form is drawn
// outside the table and reached with the `form` attribute (a form may not sit inside a <tr>).

const fmt = (n: number) => n.toLocaleString("ja-JP");

function Pager(props: { frame: Frame; base: string; next: string | null; paged: boolean }) {
  const { t } = props.frame;
  if (!props.next && !props.paged) return null;
  return (
    <p class="pager">
      {props.paged ? <a href={props.base}>{t("attention.first")}</a> : null}
      {props.next ? <a href={`${props.base}?${props.next}`}>{t("attention.next")}</a> : null}
    </p>
  );
}

function Back(props: { frame: Frame }) {
  return (
    <p class="crumbs">
      <a href="/">{props.frame.t("attention.backHome")}</a>
    </p>
  );
}

// ---- 在庫少一覧 / マイナス在庫 ---------------------------------------------------------------------

export interface StockRow {
  masterCode: string;
  name: string;
  onHand: number;
  threshold: number | null;
}

export function StockListPage(props: { frame: Frame; status: "low" | "negative"; rows: StockRow[]; next: string | null; paged: boolean; editable: boolean; nonce: string }) {
  const { t, session } = props.frame;
  const low = props.status === "low";
  const title = t(low ? "attention.low.title" : "attention.negative.title");
  const base = low ? "/attention/low-stock" : "/attention/negative";
  return (
    <Layout frame={props.frame} title={title} wide>
      <Back frame={props.frame} />
      <h1>{title}</h1>
      <p class="muted">{t(low ? "attention.low.lead" : "attention.negative.lead")}</p>
      {props.rows.length === 0 ? (
        <p class="empty">{t(low ? "attention.low.empty" : "attention.negative.empty")}</p>
      ) : (
        <form method="post" action="/products/stock">
          <CsrfField session={session} />
          <input type="hidden" name="nonce" value={props.nonce} />
          <input type="hidden" name="back" value={`status=${props.status}`} />
          <div class="scroll">
            <table class="grid">
              <thead>
                <tr>
                  <th scope="col">{t("logs.col.masterCode")}</th>
                  <th scope="col">{t("attention.col.name")}</th>
                  <th scope="col" class="num">{t("attention.col.onHand")}</th>
                  {low ? <th scope="col" class="num">{t("attention.col.threshold")}</th> : null}
                  {props.editable ? <th scope="col">{t("attention.col.fix")}</th> : null}
                </tr>
              </thead>
              <tbody>
                {props.rows.map((r) => (
                  <tr>
                    <th scope="row">
                      <a href={`/products?q=${encodeURIComponent(r.masterCode)}`}>
                        <code>{r.masterCode}</code>
                      </a>
                    </th>
                    <td class="name">{r.name}</td>
                    <td class={`num${r.onHand < 0 ? " negative" : ""}`}>{fmt(r.onHand)}</td>
                    {low ? <td class="num">{r.threshold === null ? "" : fmt(r.threshold)}</td> : null}
                    {props.editable ? (
                      <td>
                        <input type="hidden" name={`was:${r.masterCode}`} value={String(r.onHand)} />
                        <label class="inline-field">
                          <span class="sr">{t("products.stockOf", { code: r.masterCode })}</span>
                          <input class="stock" type="number" inputmode="numeric" name={`q:${r.masterCode}`} value={String(r.onHand)} />
                        </label>{" "}
                        <button type="submit" name="only" value={r.masterCode} aria-label={t("products.applyOne", { code: r.masterCode })}>
                          {t("products.apply")}
                        </button>
                      </td>
                    ) : null}
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </form>
      )}
      <Pager frame={props.frame} base={base} next={props.next} paged={props.paged} />
    </Layout>
  );
}

// ---- 未反映変更 ------------------------------------------------------------------------------

export function UnreflectedPage(props: {
  frame: Frame;
  items: UnreflectedProduct[];
  total: number;
  truncated: boolean;
  editable: boolean;
  notice?: { kind: "ok" | "error"; text: string };
}) {
  const { t, session } = props.frame;
  const formId = (code: string) => `send-${code.replace(/[^A-Za-z0-9_-]/g, (ch) => `_${ch.codePointAt(0)}`)}`;
  return (
    <Layout frame={props.frame} title={t("attention.unreflected.title")} wide>
      <Back frame={props.frame} />
      <h1>{t("attention.unreflected.title")}</h1>
      <p class="muted">{t("attention.unreflected.lead")}</p>
      {props.notice ? <Flash kind={props.notice.kind}>{props.notice.text}</Flash> : null}
      {props.items.length === 0 ? (
        <p class="empty">{t("attention.unreflected.empty")}</p>
      ) : (
        <>
          <form method="post" action="/attention/unreflected" id="send-selected">
            <CsrfField session={session} />
            {props.editable ? (
              <p class="applybar">
                <span>{props.truncated ? t("attention.unreflected.truncated", { n: props.items.length }) : t("attention.count", { n: props.total })}</span>
                <button type="submit" class="primary">
                  {t("attention.unreflected.sendSelected")}
                </button>
              </p>
            ) : null}
            <div class="scroll">
              <table class="grid">
                <thead>
                  <tr>
                    {props.editable ? <th scope="col">{t("attention.col.select")}</th> : null}
                    <th scope="col">{t("logs.col.masterCode")}</th>
                    <th scope="col">{t("attention.col.name")}</th>
                    <th scope="col">{t("attention.col.shops")}</th>
                    {props.editable ? <th scope="col">{t("attention.col.fix")}</th> : null}
                  </tr>
                </thead>
                <tbody>
                  {props.items.map((p) => (
                    <tr>
                      {props.editable ? (
                        <td>
                          <label class="check">
                            <input type="checkbox" name="code" value={p.masterCode} />
                            <span class="sr">{t("attention.unreflected.select", { code: p.masterCode })}</span>
                          </label>
                        </td>
                      ) : null}
                      <th scope="row">
                        <code>{p.masterCode}</code>
                      </th>
                      <td class="name">{p.name}</td>
                      <td class="name">
                        {p.shops.map((s) => (
                          <span class={`tag ${s.reason === "error" ? "bad" : "warn"}`} title={s.error ?? undefined}>
                            {s.shopName}: {s.reason === "error" ? t("attention.unreflected.error", { error: s.error ?? "" }) : t("attention.unreflected.waiting")}
                          </span>
                        ))}
                      </td>
                      {props.editable ? (
                        <td>
                          <button type="submit" form={formId(p.masterCode)} aria-label={t("attention.unreflected.sendOneLabel", { code: p.masterCode })}>
                            {t("attention.unreflected.sendOne")}
                          </button>
                        </td>
                      ) : null}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </form>
          {props.editable
            ? props.items.map((p) => (
                <form method="post" action="/attention/unreflected" id={formId(p.masterCode)} hidden>
                  <CsrfField session={session} />
                  <input type="hidden" name="code" value={p.masterCode} />
                </form>
              ))
            : null}
        </>
      )}
    </Layout>
  );
}

// ---- 未登録コード ------------------------------------------------------------------------------

export interface UnmatchedRow {
  id: number;
  at: number;
  shop: string;
  /** A line from a shop can be mapped (別品番紐づけ on that shop); an outside system's cannot. */
  mappable: boolean;
  orderId: string;
  lineId: string;
  kind: "sale" | "cancel";
  code: string;
  quantity: number;
}

export function UnmatchedPage(props: {
  frame: Frame;
  rows: UnmatchedRow[];
  next: string | null;
  paged: boolean;
  editable: boolean;
  canMap: boolean;
  notices: { kind: "ok" | "error"; text: string }[];
  error?: { id: number; text: string; masterCode: string };
}) {
  const { t, session } = props.frame;
  const kindKey: Record<UnmatchedRow["kind"], MessageKey> = { sale: "logs.kind.sale", cancel: "logs.kind.cancel" };
  return (
    <Layout frame={props.frame} title={t("attention.unmatched.title")} wide>
      <Back frame={props.frame} />
      <h1>{t("attention.unmatched.title")}</h1>
      <p class="muted">{t("attention.unmatched.lead")}</p>
      {props.notices.map((n) => (
        <Flash kind={n.kind}>{n.text}</Flash>
      ))}
      {props.rows.length === 0 ? (
        <p class="empty">{t("attention.unmatched.empty")}</p>
      ) : (
        <>
          {props.editable ? (
            <form method="post" action="/attention/unmatched/apply-all" class="applybar">
              <CsrfField session={session} />
              <span>{t("attention.unmatched.applyAllHint")}</span>
              <button type="submit" class="primary">
                {t("attention.unmatched.applyAll")}
              </button>
            </form>
          ) : null}
          <div class="scroll">
            <table class="grid">
              <thead>
                <tr>
                  <th scope="col">{t("attention.col.code")}</th>
                  <th scope="col" class="num">{t("logs.col.qty")}</th>
                  {props.editable ? <th scope="col">{t("attention.col.fix")}</th> : null}
                  <th scope="col">{t("logs.col.shop")}</th>
                  <th scope="col">{t("logs.col.order")}</th>
                  <th scope="col">{t("logs.col.kind")}</th>
                  <th scope="col">{t("logs.col.at")}</th>
                </tr>
              </thead>
              <tbody>
                {props.rows.map((r) => {
                  const err = props.error?.id === r.id ? props.error : undefined;
                  const fieldId = `map-${r.id}-code`;
                  return (
                    <tr class={err ? "staged" : undefined}>
                      <th scope="row">
                        <code>{r.code}</code>
                      </th>
                      <td class="num">{fmt(r.quantity)}</td>
                      {props.editable ? (
                        <td class="fix">
                          {r.mappable && props.canMap ? (
                            <span class="map-field">
                              <label for={fieldId}>{t("attention.unmatched.mapTo")}</label>
                              <input
                                id={fieldId}
                                form={`map-${r.id}`}
                                name="masterCode"
                                value={err?.masterCode ?? ""}
                                maxlength={64}
                                required
                                aria-invalid={err ? "true" : undefined}
                                aria-describedby={err ? `${fieldId}-error` : undefined}
                              />
                              <button type="submit" form={`map-${r.id}`} class="primary">
                                {t("attention.unmatched.mapApply")}
                              </button>
                              {err ? (
                                <span class="field-error" id={`${fieldId}-error`}>
                                  {err.text}
                                </span>
                              ) : null}
                            </span>
                          ) : (
                            <span class="muted small">{t(r.mappable ? "attention.unmatched.planNoMapping" : "attention.unmatched.registerHint", { code: r.code })}</span>
                          )}{" "}
                          <a href={`/products/new?code=${encodeURIComponent(r.code)}`}>{t("attention.unmatched.register")}</a>{" "}
                          <button type="submit" form={`apply-${r.id}`} aria-label={t("attention.unmatched.applyOneLabel", { code: r.code })}>
                            {t("attention.unmatched.applyOne")}
                          </button>
                        </td>
                      ) : null}
                      <td>{r.shop}</td>
                      <td>
                        {r.orderId} / {r.lineId}
                      </td>
                      <td>{t(kindKey[r.kind])}</td>
                      <td>{jstTime(r.at)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {props.editable
            ? props.rows.map((r) => (
                <>
                  <form method="post" action={`/attention/unmatched/${r.id}/map`} id={`map-${r.id}`} hidden>
                    <CsrfField session={session} />
                  </form>
                  <form method="post" action={`/attention/unmatched/${r.id}/apply`} id={`apply-${r.id}`} hidden>
                    <CsrfField session={session} />
                  </form>
                </>
              ))
            : null}
        </>
      )}
      <Pager frame={props.frame} base="/attention/unmatched" next={props.next} paged={props.paged} />
    </Layout>
  );
}
