import type { ShopFigure } from "../stock/figures";
import type { TraceStep } from "../stock/figure";
import { type Frame, Layout } from "./layout";
import { productHref } from "./product-href";

// なぜこの数? — SPEC §3.2 step by step for each shop, in the user's language: the trace comes
// from the same rule a push uses (src/stock/figure.ts); this page only words it.

const fmt = (n: number) => n.toLocaleString("ja-JP");

function when(ms: string | null, lang: Frame["lang"]) {
  return ms === null ? "—" : new Date(ms).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", { timeZone: "Asia/Tokyo", dateStyle: "short", timeStyle: "short" });
}

function stepText(t: Frame["t"], s: TraceStep): { label: string; how: string } {
  const a = s.args ?? {};
  const from = (k: unknown) => t(`why.from.${String(k)}` as Parameters<Frame["t"]>[0]);
  switch (s.step) {
    case "switches":
      return { label: t("why.step.switches"), how: t(`why.cause.${String(a.cause)}` as Parameters<Frame["t"]>[0]) };
    case "manual":
      return { label: t("why.step.manual"), how: t("why.manual") };
    case "base":
      return a.set !== undefined
        ? { label: t("why.step.setBase"), how: t("why.setBase", { set: String(a.set) || "—" }) }
        : { label: t("products.onHand"), how: t("why.onHand") };
    case "reserved":
      return { label: t("products.reserved"), how: t("why.reserved", { amount: fmt(Number(a.amount)), from: from(a.from) }) };
    case "ratio":
      return { label: t("why.step.ratio"), how: t("why.ratio", { percent: Number(a.percent), from: from(a.from) }) };
    case "limit":
      return { label: t("why.step.limit"), how: t("why.limit", { limit: fmt(Number(a.limit)), from: from(a.from) }) };
    case "clamp":
      return { label: t("why.step.clamp"), how: Number(a.before) < 0 ? t("why.clampNegative", { before: fmt(Number(a.before)) }) : t("why.clampOk") };
    default:
      return { label: s.label, how: s.note };
  }
}

export function WhyPage(props: { frame: Frame; masterCode: string; name: string; shops: ShopFigure[]; filtered: boolean }) {
  const { t, lang } = props.frame;
  return (
    <Layout frame={props.frame} title={`${t("why.title")} ${props.masterCode}`}>
      <p class="crumbs">
        <a href="/products">{t("products.title")}</a> › <a href={productHref(props.masterCode)}>{props.masterCode}</a>
      </p>
      <h1>
        {t("why.title")} <code>{props.masterCode}</code> {props.name}
      </h1>
      <p class="muted">{t("why.lead")}</p>
      {props.filtered ? (
        <p>
          <a href={productHref(props.masterCode, "/why")}>{t("why.allShops")}</a>
        </p>
      ) : null}
      {props.shops.length === 0 ? <p class="muted">{t("why.noShops")}</p> : null}
      {props.shops.map((s) => (
        <section class="why" id={`shop-${s.shopId}`} aria-labelledby={`why-${s.shopId}`}>
          <h2 id={`why-${s.shopId}`}>{s.shopName}</h2>
          <p class="final">
            {s.figure === null ? t("why.notSent") : t("why.final", { n: fmt(s.figure) })}
          </p>
          <table class="grid trace">
            <thead>
              <tr>
                <th scope="col">{t("why.col.step")}</th>
                <th scope="col">{t("why.col.how")}</th>
                <th scope="col" class="num">
                  {t("why.col.value")}
                </th>
              </tr>
            </thead>
            <tbody>
              {s.trace.map((step, i) => {
                const w = stepText(t, step);
                return (
                  <tr>
                    <th scope="row">
                      {i + 1}. {w.label}
                    </th>
                    <td>{w.how}</td>
                    <td class="num">{step.value === null ? "—" : fmt(step.value)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <p class="muted small">
            {s.lastSentFigure === null ? t("why.neverSent") : t("why.lastSent", { n: fmt(s.lastSentFigure), at: when(s.lastSentAt, lang) })}
          </p>
        </section>
      ))}
    </Layout>
  );
}
