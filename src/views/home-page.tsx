import type { MessageKey } from "../lib/i18n";
import { type LagPoint, LagChart } from "./lag-chart";
import { type Frame, Layout } from "./layout";

export interface AttentionItem {
  key: MessageKey;
  count: number;
  /** Shown as "N 件以上": the count stopped at a limit. */
  more?: boolean;
  href: string;
  /** How bad a non-zero count is: red for what loses sales, yellow for what waits. */
  tone: "bad" | "warn";
  /** Names behind the count (the shops), when there are few. */
  names?: string[];
}

export interface SalesTodayRow {
  name: string;
  orders: number;
  units: number;
}

export interface HomeProps {
  frame: Frame;
  products: number;
  maxProducts: number;
  shops: number;
  attention: AttentionItem[];
  today: string;
  sales: SalesTodayRow[];
  lag: LagPoint[];
  now: number;
}

const fmt = (n: number) => n.toLocaleString("ja-JP");

export function HomePage(props: HomeProps) {
  const { t, session } = props.frame;
  const pending = props.attention.filter((a) => a.count > 0);
  const total = props.sales.reduce((acc, r) => ({ orders: acc.orders + r.orders, units: acc.units + r.units }), { orders: 0, units: 0 });
  return (
    <Layout frame={props.frame} title={t("home.title")} wide>
      <h1>{t("home.title")}</h1>
      <p>{t("home.welcome", { name: session?.user.name || session?.user.email || "" })}</p>
      <dl class="tiles">
        <div>
          <dt>{t("home.products")}</dt>
          <dd>
            {fmt(props.products)} / {fmt(props.maxProducts)}
          </dd>
        </div>
        <div>
          <dt>{t("home.shops")}</dt>
          <dd>{props.shops}</dd>
        </div>
      </dl>

      <section aria-labelledby="attention-h">
        <h2 id="attention-h">{t("home.attention")}</h2>
        {pending.length === 0 ? <p class="flash ok">{t("home.allClear")}</p> : null}
        <ul class="attention">
          {props.attention.map((a) => (
            <li class={a.count > 0 ? a.tone : "clear"}>
              <a href={a.href}>
                <span class="label">{t(a.key)}</span>
                <span class="count" data-count={a.key}>
                  {a.more ? t("home.more", { n: fmt(a.count) }) : fmt(a.count)}
                </span>
              </a>
              {a.names?.length ? <span class="names">{a.names.join("、")}</span> : null}
            </li>
          ))}
        </ul>
      </section>

      <div class="home-cols">
        <section aria-labelledby="sales-h">
          <h2 id="sales-h">{t("home.salesToday", { date: props.today })}</h2>
          {props.sales.length === 0 ? (
            <p class="empty">{t("home.salesNone")}</p>
          ) : (
            <div class="scroll">
              <table class="grid sales-today">
                <thead>
                  <tr>
                    <th scope="col">{t("home.salesShop")}</th>
                    <th scope="col" class="num">{t("home.salesOrders")}</th>
                    <th scope="col" class="num">{t("home.salesUnits")}</th>
                  </tr>
                </thead>
                <tbody>
                  {props.sales.map((r) => (
                    <tr>
                      <th scope="row">{r.name}</th>
                      <td class="num">{fmt(r.orders)}</td>
                      <td class="num">{fmt(r.units)}</td>
                    </tr>
                  ))}
                </tbody>
                <tfoot>
                  <tr>
                    <th scope="row">{t("home.salesTotal")}</th>
                    <td class="num">{fmt(total.orders)}</td>
                    <td class="num">{fmt(total.units)}</td>
                  </tr>
                </tfoot>
              </table>
            </div>
          )}
          <p>
            <a href="/logs/sales">{t("home.logsLink")}</a> ·{" "}
            <a href="/products">{t("home.openProducts")}</a>
          </p>
        </section>
        <section aria-labelledby="lag-h">
          <h2 id="lag-h">{t("home.lagTitle")}</h2>
          <p class="muted small">{t("home.lagLead")}</p>
          <LagChart frame={props.frame} points={props.lag} now={props.now} />
        </section>
      </div>
    </Layout>
  );
}
