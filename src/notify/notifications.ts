import { and, eq } from "drizzle-orm";
import type { Db } from "../env";
import { getSettings } from "../db/queries/accounts";
import { notifications } from "../db/schema";
import { jstDate } from "../lib/jst";

// What the merchant must hear about: 在庫少, マイナス在庫, drift, a 停止中 shop, expiring
// credentials. One row per cause, subject and JST day (the unique dedupe key): a product selling
// ten times below its threshold in a day is one notification, not ten. A new row is mailed to the
// account's notification addresses through the send_email binding; where the deployment has no
// sender (NOTIFY_FROM unset: locally, in tests) the mail is logged instead, and nothing leaves.

export type NotificationCause = (typeof notifications.$inferSelect)["cause"];

export interface NewNotification {
  cause: NotificationCause;
  /** What it is about: a master code, a shop id. */
  subject: string;
  messageJa: string;
  messageEn: string;
}

/** Records the notification unless this cause and subject already have one today; true when new. */
export async function notify(env: Env, db: Db, accountId: number, n: NewNotification, now = Date.now()): Promise<boolean> {
  const dedupeKey = `${n.cause}:${n.subject}:${jstDate(now)}`;
  const [row] = await db
    .insert(notifications)
    .values({ accountId, cause: n.cause, dedupeKey, subject: n.subject, messageJa: n.messageJa, messageEn: n.messageEn, createdAt: now })
    .onConflictDoNothing()
    .returning({ id: notifications.id });
  if (!row) return false;
  const conf = await getSettings(db, accountId);
  const to = conf?.notifyEmails ?? [];
  if (to.length > 0) {
    try {
      const sent = await sendMail(env, to, `[Kura] ${n.messageJa}`, `${n.messageJa}\n\n${n.messageEn}\n`);
      if (sent) await db.update(notifications).set({ emailedAt: Date.now() }).where(and(eq(notifications.id, row.id), eq(notifications.accountId, accountId)));
    } catch (err) {
      // The row stays (unmailed, emailed_at null): the dashboard and the API still show it.
      console.error(JSON.stringify({ msg: "notification mail failed", accountId, cause: n.cause, error: err instanceof Error ? err.message : String(err) }));
    }
  }
  return true;
}

/** True when handed to the send_email binding; false when only logged (no sender configured). */
async function sendMail(env: Env, to: string[], subject: string, text: string): Promise<boolean> {
  const from = env.NOTIFY_FROM;
  if (!from || !env.NOTIFY_EMAIL) {
    console.log(JSON.stringify({ msg: "notification mail (logged: NOTIFY_FROM is not set)", to, subject }));
    return false;
  }
  await env.NOTIFY_EMAIL.send({ from, to, subject, text });
  return true;
}
