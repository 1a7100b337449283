import { createRoute, z } from "@hono/zod-openapi";
import { getShop } from "../../db/queries/shops";
import { badRequest } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { lineResult, salesBody } from "../../schemas/api";
import { type IntakeSource, takeInLines } from "../../sync/intake";
import { API_TOKEN, json, jsonBody, problems } from "./openapi-kit";

export const salesApi = apiRouter();

const lineOut = z.object({
  lineId: z.string(),
  result: lineResult,
  onHand: z.number().optional(),
  oversold: z.boolean().optional(),
  pending: z.boolean().optional(),
});

export const reportSalesRoute = createRoute({
  method: "post",
  path: "/",
  tags: ["sales"],
  security: API_TOKEN,
  summary: "Report sale or cancel lines (idempotent per source + order + line)",
  description:
    "A cancel line's quantity is the total of the line cancelled so far, so re-sending it is harmless. `unmatched`: a cancel of a line never taken in (recorded, changes nothing). `ignored`: the shop's cancel policy is 戻さない.",
  request: { body: jsonBody(salesBody) },
  responses: { 200: json(z.object({ lines: z.array(lineOut) })), ...problems(400, 401, 403, 415) },
});

// A sale reported by an API client (a POS, a warehouse, an ERP): taken in like any mall order.
salesApi.openapi(reportSalesRoute, async (c) => {
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
  return c.json(
    {
      lines: results.map((r) => ({
        lineId: r.lineId,
        result: r.result,
        ...(r.onHand !== undefined && { onHand: r.onHand }),
        ...(r.oversold && { oversold: true }),
        ...(r.pending && { pending: true }),
      })),
    },
    200,
  );
});
