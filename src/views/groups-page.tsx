import type { Group } from "../db/queries/groups";
import { aria, Field, type FieldErrors } from "./form-field";
import { CsrfField, Flash, type Frame, Layout } from "./layout";

// 商品グループ: the list with each group's rules and product count, the create form, and one
// group's page (edit its rules, move a product into it, the first products in it).

type GroupRow = Group & { products: number };

const fmt = (n: number | null, unset: string) => (n === null ? unset : n.toLocaleString("ja-JP"));

function RuleFields(props: { frame: Frame; values: Record<string, string>; errors: FieldErrors; prefix: string }) {
  const { t } = props.frame;
  const id = (f: string) => `${props.prefix}${f}`;
  return (
    <>
      <Field id={id("name")} label={t("groups.name")} error={props.errors.name}>
        <input id={id("name")} name="name" type="text" required maxlength={100} value={props.values.name ?? ""} {...aria(id("name"), { error: props.errors.name })} />
      </Field>
      <div class="row-form">
        <Field id={id("reserved")} label={t("groups.reserved")} help={t("groups.reservedHelp")} error={props.errors.reserved}>
          <input id={id("reserved")} name="reserved" type="number" min={0} step={1} value={props.values.reserved ?? ""} {...aria(id("reserved"), { help: true, error: props.errors.reserved })} />
        </Field>
        <Field id={id("ratio")} label={t("groups.ratio")} help={t("groups.ratioHelp")} error={props.errors.ratio}>
          <input id={id("ratio")} name="ratio" type="number" min={0} max={100} step={1} value={props.values.ratio ?? ""} {...aria(id("ratio"), { help: true, error: props.errors.ratio })} />
        </Field>
        <Field id={id("salesLimit")} label={t("groups.salesLimit")} help={t("groups.salesLimitHelp")} error={props.errors.salesLimit}>
          <input id={id("salesLimit")} name="salesLimit" type="number" min={0} step={1} value={props.values.salesLimit ?? ""} {...aria(id("salesLimit"), { help: true, error: props.errors.salesLimit })} />
        </Field>
      </div>
    </>
  );
}

const asForm = (g: Group) => ({ name: g.name, reserved: g.reserved?.toString() ?? "", ratio: g.ratio?.toString() ?? "", salesLimit: g.salesLimit?.toString() ?? "" });

export function GroupsPage(props: { frame: Frame; groups: GroupRow[]; canEdit: boolean; notice?: string; errors?: FieldErrors; form?: Record<string, string> }) {
  const { t, session } = props.frame;
  const errors = props.errors ?? {};
  const unset = t("groups.unset");
  return (
    <Layout frame={props.frame} title={t("groups.title")}>
      <h1>{t("groups.title")}</h1>
      <p class="muted">{t("groups.lead")}</p>
      {props.notice ? <Flash kind="ok">{props.notice}</Flash> : null}
      {Object.keys(errors).length ? <Flash kind="error">{Object.values(errors)[0]}</Flash> : null}
      <div class="scroll">
        <table class="grid">
          <thead>
            <tr>
              <th scope="col">{t("groups.name")}</th>
              <th scope="col" class="num">
                {t("groups.reserved")}
              </th>
              <th scope="col" class="num">
                {t("groups.ratio")}
              </th>
              <th scope="col" class="num">
                {t("groups.salesLimit")}
              </th>
              <th scope="col" class="num">
                {t("groups.products")}
              </th>
            </tr>
          </thead>
          <tbody>
            {props.groups.map((g) => (
              <tr>
                <th scope="row">
                  <a href={`/groups/${g.id}`}>{g.name}</a>
                  {g.isDefault ? <span class="tag">{t("groups.default")}</span> : null}
                </th>
                <td class="num">{fmt(g.reserved, unset)}</td>
                <td class="num">{fmt(g.ratio, unset)}</td>
                <td class="num">{fmt(g.salesLimit, unset)}</td>
                <td class="num">{fmt(g.products, unset)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {props.canEdit ? (
        <section class="card" aria-labelledby="create-h">
          <h2 id="create-h">{t("groups.create")}</h2>
          <form method="post" action="/groups" class="stack form-narrow">
            <CsrfField session={session} />
            <RuleFields frame={props.frame} values={props.form ?? {}} errors={errors} prefix="new-" />
            <p>
              <button type="submit" class="primary">
                {t("groups.create")}
              </button>
            </p>
          </form>
        </section>
      ) : null}
    </Layout>
  );
}

export function GroupPage(props: {
  frame: Frame;
  group: GroupRow;
  products: { masterCode: string; name: string; isSet: boolean }[];
  canEdit: boolean;
  notice?: string;
  error?: string;
  errors?: FieldErrors;
  form?: Record<string, string>;
}) {
  const { t, session } = props.frame;
  const g = props.group;
  const errors = props.errors ?? {};
  const ruleErrors = errors.masterCode ? {} : errors;
  return (
    <Layout frame={props.frame} title={`${g.name} — ${t("groups.title")}`}>
      <p>
        <a href="/groups">{t("groups.back")}</a>
      </p>
      <h1>
        {g.name} {g.isDefault ? <span class="tag">{t("groups.default")}</span> : null}
      </h1>
      {props.notice ? <Flash kind="ok">{props.notice}</Flash> : null}
      {props.error ? <Flash kind="error">{props.error}</Flash> : null}
      {Object.keys(errors).length ? <Flash kind="error">{Object.values(errors)[0]}</Flash> : null}
      <dl class="facts">
        <div>
          <dt>{t("groups.reserved")}</dt>
          <dd>{fmt(g.reserved, t("groups.unset"))}</dd>
        </div>
        <div>
          <dt>{t("groups.ratio")}</dt>
          <dd>{fmt(g.ratio, t("groups.unset"))}</dd>
        </div>
        <div>
          <dt>{t("groups.salesLimit")}</dt>
          <dd>{fmt(g.salesLimit, t("groups.unset"))}</dd>
        </div>
        <div>
          <dt>{t("groups.products")}</dt>
          <dd>{fmt(g.products, "0")}</dd>
        </div>
      </dl>
      {props.canEdit ? (
        <>
          <section class="card" aria-labelledby="edit-h">
            <h2 id="edit-h">{t("groups.edit")}</h2>
            <form method="post" action={`/groups/${g.id}`} class="stack form-narrow">
              <CsrfField session={session} />
              <RuleFields frame={props.frame} values={errors.masterCode || !props.form ? asForm(g) : props.form} errors={ruleErrors} prefix="" />
              <p>
                <button type="submit" class="primary">
                  {t("groups.save")}
                </button>
              </p>
            </form>
          </section>
          <section class="card" aria-labelledby="move-h">
            <h2 id="move-h">{t("groups.move")}</h2>
            <p class="muted small">{t("groups.moveLead")}</p>
            <form method="post" action={`/groups/${g.id}/move`} class="row-form">
              <CsrfField session={session} />
              <Field id="masterCode" label={t("groups.moveCode")} error={errors.masterCode}>
                <input id="masterCode" name="masterCode" type="text" required maxlength={200} spellcheck={false} value={errors.masterCode ? (props.form?.masterCode ?? "") : ""} {...aria("masterCode", { error: errors.masterCode })} />
              </Field>
              <button type="submit">{t("groups.moveRun")}</button>
            </form>
          </section>
        </>
      ) : null}
      <section class="card" aria-labelledby="in-h">
        <h2 id="in-h">{t("groups.productsIn")}</h2>
        {props.products.length === 0 ? (
          <p class="muted">—</p>
        ) : (
          <ul class="group-products">
            {props.products.map((p) => (
              <li>
                <code>{p.masterCode}</code> {p.name}
                {p.isSet ? <span class="tag">{t("products.set")}</span> : null}
              </li>
            ))}
          </ul>
        )}
        {g.products > props.products.length ? <p class="muted small">{t("groups.moreProducts", { n: g.products - props.products.length })}</p> : null}
      </section>
    </Layout>
  );
}
