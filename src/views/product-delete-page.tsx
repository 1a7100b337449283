import { CsrfField, Flash, type Frame, Layout } from "./layout";
import { productHref } from "./product-href";

/** 削除 asks first, and says so when the product cannot go (a set still uses it). */
export function DeleteProductPage(props: { frame: Frame; masterCode: string; name: string; blocked: boolean }) {
  const { t, session } = props.frame;
  return (
    <Layout frame={props.frame} title={t("product.delete")}>
      <h1>{t("product.deleteTitle", { code: props.masterCode })}</h1>
      {props.blocked ? (
        <>
          <Flash kind="error">{t("product.deleteBlocked")}</Flash>
          <p>
            <a href={productHref(props.masterCode)}>{t("product.back")}</a>
          </p>
        </>
      ) : (
        <form method="post" action={productHref(props.masterCode, "/delete")} class="confirm">
          <CsrfField session={session} />
          <p>{t("product.deleteConfirm", { code: props.masterCode, name: props.name })}</p>
          <button type="submit" class="danger">
            {t("product.deleteYes")}
          </button>
          <a href={productHref(props.masterCode)}>{t("product.cancel")}</a>
        </form>
      )}
    </Layout>
  );
}
