import { type Frame, Layout } from "./layout";

export function HomePage(props: { frame: Frame; products: number; maxProducts: number; shops: number }) {
  const { t, session } = props.frame;
  return (
    <Layout frame={props.frame} title={t("home.title")}>
      <h1>{t("home.title")}</h1>
      <p>{t("home.welcome", { name: session?.user.name || session?.user.email || "" })}</p>
      <dl class="tiles">
        <div>
          <dt>{t("home.products")}</dt>
          <dd>
            {props.products.toLocaleString("ja-JP")} / {props.maxProducts.toLocaleString("ja-JP")}
          </dd>
        </div>
        <div>
          <dt>{t("home.shops")}</dt>
          <dd>{props.shops}</dd>
        </div>
      </dl>
      <p class="muted">{t("home.soon")}</p>
      <p>
        <a class="button primary" href="/products">
          {t("home.openProducts")}
        </a>
      </p>
    </Layout>
  );
}

export function SoonPage(props: { frame: Frame; title: string }) {
  const { t } = props.frame;
  return (
    <Layout frame={props.frame} title={props.title}>
      <h1>{props.title}</h1>
      <p class="muted">{t("soon.body")}</p>
    </Layout>
  );
}
