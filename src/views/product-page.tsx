import type { Child } from "hono/jsx";
import type { FieldErrors, ProductForm } from "../routes/ui/product-form";
import { CsrfField, Flash, type Frame, Layout } from "./layout";
import { productHref } from "./product-href";
import { type StockBox, StockSection } from "./product-stock";

// 商品の登録・編集: one form, drawn again with each error next to its field.

export interface ProductPageProps {
  frame: Frame;
  editable: boolean;
  groups: { id: number; name: string }[];
  shops: { id: number; name: string; defaultCode: string }[];
  /** Set when editing; absent on 新規登録. */
  masterCode?: string;
  isSet?: boolean;
  onHand?: number;
  stock?: StockBox;
  notice?: string;
  errorText?: string;
  errors: FieldErrors;
  form: ProductForm;
}


const fmt = (n: number) => n.toLocaleString("ja-JP");

function Err(props: { frame: Frame; errors: FieldErrors; name: string }) {
  const e = props.errors[props.name];
  return e ? (
    <span class="field-error" id={`err-${props.name}`}>
      {props.frame.t(e.key, e.params)}
    </span>
  ) : null;
}

function Field(props: { frame: Frame; errors: FieldErrors; name: string; label: string; hint?: string; children: Child }) {
  return (
    <div class={`field${props.errors[props.name] ? " invalid" : ""}`}>
      <label for={`f-${props.name}`}>{props.label}</label>
      {props.children}
      {props.hint ? <span class="muted small">{props.hint}</span> : null}
      <Err frame={props.frame} errors={props.errors} name={props.name} />
    </div>
  );
}

const described = (errors: FieldErrors, name: string) => (errors[name] ? { "aria-invalid": "true", "aria-describedby": `err-${name}` } : {});

export function ProductPage(props: ProductPageProps) {
  const { t, session } = props.frame;
  const f = props.form;
  const e = props.errors;
  const isNew = props.masterCode === undefined;
  const title = isNew ? t("product.new") : t("product.title", { code: props.masterCode! });
  const action = isNew ? "/products/new" : productHref(props.masterCode!, "/save");
  const showComponents = isNew || props.isSet;
  return (
    <Layout frame={props.frame} title={title}>
      <p class="crumbs">
        <a href="/products">{t("products.title")}</a>
      </p>
      <h1>{title}</h1>
      {!isNew ? (
        <nav class="subnav" aria-label={t("product.links")}>
          <a href={productHref(props.masterCode!, "/why")}>{t("why.title")}</a>
          <a href={productHref(props.masterCode!, "/history")}>{t("history.title")}</a>
          {props.editable ? (
            <a class="danger" href={productHref(props.masterCode!, "/delete")}>
              {t("product.delete")}
            </a>
          ) : null}
        </nav>
      ) : null}
      {props.notice ? <Flash kind="ok">{props.notice}</Flash> : null}
      {props.errorText ? <Flash kind="error">{props.errorText}</Flash> : null}
      {!isNew && props.stock ? <StockSection frame={props.frame} masterCode={props.masterCode!} stock={props.stock} editable={props.editable} /> : null}
      {!isNew && props.isSet ? (
        <p class="muted">
          {t("product.setStock", { n: fmt(props.onHand ?? 0) })}
        </p>
      ) : null}
      <form method="post" action={action} class="product-form" novalidate>
        <CsrfField session={session} />
        <fieldset disabled={!props.editable}>
          <legend>{t("product.basics")}</legend>
          <Field frame={props.frame} errors={e} name="masterCode" label={t("products.masterCode")} hint={isNew ? t("product.codeHint") : undefined}>
            {isNew ? (
              <input id="f-masterCode" name="masterCode" value={f.masterCode} maxlength={64} required autocomplete="off" {...described(e, "masterCode")} />
            ) : (
              <input id="f-masterCode" value={f.masterCode} readonly />
            )}
          </Field>
          <Field frame={props.frame} errors={e} name="name" label={t("products.name")}>
            <input id="f-name" name="name" value={f.name} maxlength={255} required {...described(e, "name")} />
          </Field>
          <Field frame={props.frame} errors={e} name="group" label={t("products.group")}>
            <select id="f-group" name="group" {...described(e, "group")}>
              {props.groups.map((g) => (
                <option value={String(g.id)} selected={f.groupId === String(g.id)}>
                  {g.name}
                </option>
              ))}
            </select>
          </Field>
          {isNew ? (
            <Field frame={props.frame} errors={e} name="onHand" label={t("product.initialOnHand")} hint={t("product.initialHint")}>
              <input id="f-onHand" type="number" name="onHand" value={f.onHand} step={1} {...described(e, "onHand")} />
            </Field>
          ) : null}
          <Field frame={props.frame} errors={e} name="reserved" label={t("products.reserved")} hint={t("product.reservedHint")}>
            <input id="f-reserved" type="number" name="reserved" value={f.reserved} min={0} step={1} {...described(e, "reserved")} />
          </Field>
          <Field frame={props.frame} errors={e} name="lowStockThreshold" label={t("product.low")} hint={t("product.lowHint")}>
            <input id="f-lowStockThreshold" type="number" name="lowStockThreshold" value={f.lowStockThreshold} min={0} step={1} {...described(e, "lowStockThreshold")} />
          </Field>
          <fieldset class={`radios${e.syncMode ? " invalid" : ""}`}>
            <legend>{t("product.syncMode")}</legend>
            {(["auto", "manual", "stopped"] as const).map((m) => (
              <label>
                <input type="radio" name="syncMode" value={m} checked={f.syncMode === m} /> {t(`product.sync.${m}`)}
              </label>
            ))}
            <Err frame={props.frame} errors={e} name="syncMode" />
          </fieldset>
        </fieldset>
        {showComponents ? (
          <fieldset disabled={!props.editable} class="components">
            <legend>{t("product.components")}</legend>
            <p class="muted small">{isNew ? t("product.componentsHintNew") : t("product.componentsHint")}</p>
            <table class="grid">
              <thead>
                <tr>
                  <th scope="col">{t("product.componentCode")}</th>
                  <th scope="col">{t("product.componentQty")}</th>
                </tr>
              </thead>
              <tbody>
                {f.components.map((row, i) => (
                  <tr>
                    <td class={e[`comp.code.${i}`] ? "invalid" : undefined}>
                      <input name={`comp.code.${i}`} value={row.code} maxlength={64} aria-label={t("product.componentCodeN", { n: i + 1 })} {...described(e, `comp.code.${i}`)} />
                      <Err frame={props.frame} errors={e} name={`comp.code.${i}`} />
                    </td>
                    <td class={e[`comp.qty.${i}`] ? "invalid" : undefined}>
                      <input type="number" name={`comp.qty.${i}`} value={row.qty} min={1} max={999} step={1} aria-label={t("product.componentQtyN", { n: i + 1 })} {...described(e, `comp.qty.${i}`)} />
                      <Err frame={props.frame} errors={e} name={`comp.qty.${i}`} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </fieldset>
        ) : null}
        {props.shops.length ? (
          <fieldset disabled={!props.editable} class="per-shop">
            <legend>{t("product.perShop")}</legend>
            <div class="scroll">
              <table class="grid">
                <thead>
                  <tr>
                    <th scope="col">{t("product.shop")}</th>
                    <th scope="col">{t("product.managed")}</th>
                    <th scope="col">{t("product.mallCode")}</th>
                    <th scope="col">{t("product.manual")}</th>
                    {isNew ? null : <th scope="col">{t("why.title")}</th>}
                  </tr>
                </thead>
                <tbody>
                  {props.shops.map((shop) => {
                    const row = f.shops.find((x) => x.shopId === shop.id) ?? { managed: true, mallCode: "", manual: "" };
                    const n = (k: string) => `shop.${shop.id}.${k}`;
                    return (
                      <tr>
                        <th scope="row">
                          {shop.name}
                          <input type="hidden" name={n("shown")} value="1" />
                        </th>
                        <td data-label={t("product.managed")}>
                          <label>
                            <input type="checkbox" name={n("managed")} value="1" checked={row.managed} /> {t("product.managedYes")}
                          </label>
                        </td>
                        <td class={e[n("mallCode")] ? "invalid" : undefined} data-label={t("product.mallCode")}>
                          <input name={n("mallCode")} value={row.mallCode} maxlength={200} placeholder={shop.defaultCode || undefined} aria-label={t("product.mallCodeOf", { shop: shop.name })} {...described(e, n("mallCode"))} />
                          <Err frame={props.frame} errors={e} name={n("mallCode")} />
                        </td>
                        <td class={e[n("manual")] ? "invalid" : undefined} data-label={t("product.manual")}>
                          <input type="number" name={n("manual")} value={row.manual} min={0} step={1} aria-label={t("product.manualOf", { shop: shop.name })} {...described(e, n("manual"))} />
                          <Err frame={props.frame} errors={e} name={n("manual")} />
                        </td>
                        {isNew ? null : (
                          <td>
                            <a href={productHref(props.masterCode!, `/why?shop=${shop.id}`)}>{t("why.link")}</a>
                          </td>
                        )}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </div>
            <p class="muted small">{t("product.perShopHint")}</p>
          </fieldset>
        ) : null}
        {props.editable ? (
          <p class="actions">
            <button type="submit" class="primary">
              {isNew ? t("product.register") : t("product.save")}
            </button>
          </p>
        ) : null}
      </form>
    </Layout>
  );
}
