import { CsrfField, type Frame } from "./layout";
import { productHref } from "./product-href";

// The 総在庫数 box of the product page with its 確認 step: the page says the movement a change
// will make (上書き 12 → 15 = +3) before it is made, without any script.

export interface StockBox {
  onHand: number;
  to: string;
  mode: "set" | "adjust";
  error?: boolean;
  preview?: { quantity: number; after: number; delta: number };
  nonce?: string;
}

const fmt = (n: number) => n.toLocaleString("ja-JP");
const signed = (n: number) => `${n >= 0 ? "+" : ""}${fmt(n)}`;

/** The movement a stock change makes, as the grid's script shows it: 上書き 12 → 15 = +3. */
export function movementText(t: Frame["t"], mode: "set" | "adjust", before: number, after: number): string {
  return t(mode === "set" ? "product.move.set" : "product.move.adjust", { before: fmt(before), after: fmt(after), delta: signed(after - before) });
}

export function StockSection(props: { frame: Frame; masterCode: string; stock: StockBox; editable: boolean }) {
  const { t, session } = props.frame;
  const s = props.stock;
  return (
    <section class="stockbox" aria-labelledby="stock-h">
      <h2 id="stock-h">{t("products.onHand")}</h2>
      <p class={`big${s.onHand < 0 ? " negative" : ""}`}>{fmt(s.onHand)}</p>
      {props.editable ? (
        <form method="get" action={productHref(props.masterCode)} class="inline-form">
          <label>
            {t("product.stockMode")}
            <select name="mode">
              <option value="set" selected={s.mode === "set"}>
                {t("product.mode.set")}
              </option>
              <option value="adjust" selected={s.mode === "adjust"}>
                {t("product.mode.adjust")}
              </option>
            </select>
          </label>
          <label>
            {t("product.stockTo")}
            <input type="number" name="to" value={s.to} step={1} required {...(s.error ? { "aria-invalid": "true", "aria-describedby": "err-to" } : {})} />
          </label>
          <button type="submit">{t("product.confirm")}</button>
          {s.error ? (
            <span class="field-error" id="err-to">
              {t("product.err.onHand")}
            </span>
          ) : null}
        </form>
      ) : null}
      {props.editable && s.preview ? (
        <form method="post" action={productHref(props.masterCode, "/stock")} class="preview">
          <CsrfField session={session} />
          <input type="hidden" name="mode" value={s.mode} />
          <input type="hidden" name="quantity" value={String(s.preview.quantity)} />
          <input type="hidden" name="was" value={String(s.onHand)} />
          <input type="hidden" name="nonce" value={s.nonce ?? ""} />
          <p class="move" role="status">
            {movementText(t, s.mode, s.onHand, s.preview.after)}
          </p>
          <button type="submit" class="primary">
            {t("product.commitStock")}
          </button>
          <a href={productHref(props.masterCode)}>{t("product.cancel")}</a>
        </form>
      ) : null}
    </section>
  );
}
