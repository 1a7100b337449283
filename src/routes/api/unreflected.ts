import { createRoute, z } from "@hono/zod-openapi";
import { badRequest } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { listUnreflected, sendNow, UNREFLECTED_MAX as MAX } from "../../sync/unreflected";
import { API_TOKEN, json, jsonBody, problems } from "./openapi-kit";

// 未反映変更 (src/sync/unreflected.ts): the list, and a way to send products first.

export const unreflectedApi = apiRouter();

const tags = ["sync"];

const itemSchema = z
  .object({
    masterCode: z.string(),
    name: z.string(),
    shops: z.array(
      z.object({
        shopId: z.number(),
        shopName: z.string(),
        reason: z.enum(["waiting", "error"]).describe("waiting: due to be sent; error: the mall refused the last push"),
        error: z.string().nullable().describe("The mall's error text of the last push"),
      }),
    ),
  })
  .openapi("UnreflectedProduct");

const listRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN,
  summary: "未反映変更: products whose current figure has not reached every shop, with the shops",
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(MAX).default(200) }) },
  responses: { 200: json(z.object({ items: z.array(itemSchema), truncated: z.boolean() })), ...problems(400, 401) },
});

const urgentRoute = createRoute({
  method: "post", path: "/", tags, security: API_TOKEN,
  summary: "Send these products' figures to every shop now, ahead of other work",
  request: { body: jsonBody(z.object({ codes: z.array(z.string().min(1).max(200)).min(1).max(MAX) }).strict().openapi("UnreflectedUrgent")) },
  responses: { 200: json(z.object({ marked: z.array(z.string()), unknown: z.array(z.string()), shops: z.number() })), ...problems(400, 401, 403, 415) },
});

unreflectedApi.openapi(listRoute, async (c) => {
  const { items, truncated } = await listUnreflected(c.env, c.get("db"), c.get("principal").accountId, c.req.valid("query").limit);
  return c.json({ items, truncated }, 200);
});

unreflectedApi.openapi(urgentRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const codes = [...new Set(c.req.valid("json").codes)];
  const { found, shops } = await sendNow(c.env, c.get("db"), accountId, actor, codes);
  if (found.length === 0) throw badRequest("none of these codes is a product of this account", { unknown: codes });
  const known = new Set(found.map((p) => p.masterCode));
  return c.json({ marked: [...known], unknown: codes.filter((k) => !known.has(k)), shops }, 200);
});
