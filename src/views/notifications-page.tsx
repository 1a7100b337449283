import { jstTime } from "../lib/jst";
import { CsrfField, type Frame, Layout } from "./layout";

// お知らせ: the account's notifications (newest first; unread ones with a 既読にする button) and the
// open drift, each with the mall's and Kura's figures and the likely cause.

export interface NotificationRow {
  id: number;
  cause: string;
  messageJa: string;
  messageEn: string;
  createdAt: number;
  readAt: number | null;
}

export interface DriftRow {
  shopName: string;
  masterCode: string;
  mallCode: string;
  mallFigure: number;
  kuraFigure: number;
  seenAt: number;
  action: "report" | "fix" | "accept";
}

export function NotificationsPage(props: { frame: Frame; rows: NotificationRow[]; drift: DriftRow[]; cause: { ja: string; en: string } }) {
  const { t, session, lang } = props.frame;
  return (
    <Layout frame={props.frame} title={t("notifications.title")}>
      <h1>{t("notifications.title")}</h1>
      <section class="card" aria-labelledby="notes-h">
        <h2 id="notes-h">{t("notifications.list")}</h2>
        {props.rows.length === 0 ? (
          <p class="muted">{t("notifications.none")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("notifications.at")}</th>
                <th scope="col">{t("notifications.message")}</th>
                <th scope="col">{t("notifications.state")}</th>
              </tr>
            </thead>
            <tbody>
              {props.rows.map((n) => (
                <tr class={n.readAt ? "muted" : undefined}>
                  <td>{jstTime(n.createdAt)}</td>
                  <td>{lang === "en" ? n.messageEn : n.messageJa}</td>
                  <td>
                    {n.readAt ? (
                      t("notifications.read")
                    ) : (
                      <form method="post" action={`/notifications/${n.id}/read`}>
                        <CsrfField session={session} />
                        <button type="submit" class="secondary">
                          {t("notifications.markRead")}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section class="card" aria-labelledby="drift-h">
        <h2 id="drift-h">{t("notifications.drift")}</h2>
        <p class="muted small">{lang === "en" ? props.cause.en : props.cause.ja}</p>
        {props.drift.length === 0 ? (
          <p class="muted">{t("notifications.noDrift")}</p>
        ) : (
          <table>
            <thead>
              <tr>
                <th scope="col">{t("notifications.shop")}</th>
                <th scope="col">{t("notifications.code")}</th>
                <th scope="col" class="num">{t("notifications.mallFigure")}</th>
                <th scope="col" class="num">{t("notifications.kuraFigure")}</th>
                <th scope="col">{t("notifications.seenAt")}</th>
                <th scope="col">{t("shops.driftPolicy")}</th>
              </tr>
            </thead>
            <tbody>
              {props.drift.map((d) => (
                <tr>
                  <td>{d.shopName}</td>
                  <td>
                    <code>{d.masterCode}</code>
                  </td>
                  <td class="num">{d.mallFigure}</td>
                  <td class="num">{d.kuraFigure}</td>
                  <td>{jstTime(d.seenAt)}</td>
                  <td>{t(`shops.drift.${d.action}`)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </Layout>
  );
}
