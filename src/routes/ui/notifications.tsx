import { Hono } from "hono";
import { and, desc, eq, isNull } from "drizzle-orm";
import { drift, notifications, shops } from "../../db/schema";
import type { UiEnv } from "../../lib/session";
import { DRIFT_CAUSE } from "../../sync/drift";
import { NotificationsPage } from "../../views/notifications-page";
import { frame } from "./middleware";

// お知らせ: the latest notifications and the open drift of the session's account; 既読にする.

export const notificationsPages = new Hono<UiEnv>();

const SHOWN = 100;

notificationsPages.get("/notifications", async (c) => {
  const accountId = c.get("session")!.account.id;
  const db = c.get("db");
  const [rows, open] = await Promise.all([
    db.select().from(notifications).where(eq(notifications.accountId, accountId)).orderBy(desc(notifications.id)).limit(SHOWN).all(),
    db
      .select({ d: drift, shopName: shops.name })
      .from(drift)
      .innerJoin(shops, eq(shops.id, drift.shopId))
      .where(and(eq(drift.accountId, accountId), isNull(drift.resolvedAt)))
      .orderBy(desc(drift.id))
      .limit(SHOWN)
      .all(),
  ]);
  return c.html(
    <NotificationsPage
      frame={frame(c)}
      rows={rows}
      drift={open.map(({ d, shopName }) => ({ shopName, masterCode: d.masterCode, mallCode: d.mallCode, mallFigure: d.mallFigure, kuraFigure: d.kuraFigure, seenAt: d.seenAt, action: d.action }))}
      cause={DRIFT_CAUSE}
    />,
  );
});

notificationsPages.post("/notifications/:id/read", async (c) => {
  const accountId = c.get("session")!.account.id;
  const id = c.req.param("id");
  if (!/^[0-9]{1,15}$/.test(id)) return c.redirect("/notifications", 303);
  await c
    .get("db")
    .update(notifications)
    .set({ readAt: Date.now() })
    .where(and(eq(notifications.id, Number(id)), eq(notifications.accountId, accountId), isNull(notifications.readAt)));
  return c.redirect("/notifications", 303);
});
