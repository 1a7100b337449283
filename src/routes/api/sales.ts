import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { getShop } from "../../db/queries/shops";
import { badRequest } from "../../lib/errors";
import { validate } from "../../lib/validate";
import { salesBody } from "../../schemas/api";
import { type IntakeSource, takeInLines } from "../../sync/intake";

export const salesApi = new Hono<AppEnv>();

// A sale reported by an API client (a POS, a warehouse, an ERP): taken in like any mall order.
salesApi.post("/", validate("json", salesBody), async (c) => {
  const body = c.req.valid("json");
  const { accountId } = c.get("principal");
  const db = c.get("db");
  let src: IntakeSource;
  if (/^\d+$/.test(body.source)) {
    const shop = await getShop(db, accountId, Number(body.source));
    if (!shop) throw badRequest(`source ${body.source} is not a shop of this account (use a name for an outside system)`);
    src = { key: `shop:${shop.id}`, label: String(shop.id), shopId: shop.id, cancelPolicy: shop.cancelPolicy };
  } else {
    src = { key: `ext:${body.source}`, label: body.source, shopId: null, cancelPolicy: "restore" };
  }
  const results = await takeInLines(
    c.env,
    db,
    accountId,
    src,
    body.lines.map((l) => ({ orderId: body.orderId, lineId: l.lineId, code: l.code, quantity: l.quantity, kind: body.kind })),
  );
  return c.json({
    lines: results.map((r) => ({
      lineId: r.lineId,
      result: r.result,
      ...(r.onHand !== undefined && { onHand: r.onHand }),
      ...(r.oversold && { oversold: true }),
      ...(r.pending && { pending: true }),
    })),
  });
});
