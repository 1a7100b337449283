import { createRoute, z } from "@hono/zod-openapi";
import { operationInsert } from "../../db/queries/logs";
import { getUnmatched, listUnmatched, type UnmatchedLine } from "../../db/queries/unmatched";
import { notFound } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { idParam, lineResult } from "../../schemas/api";
import { applyUnmatched } from "../../sync/apply-unmatched";
import { cursorId, idPage } from "./cursor";
import { API_TOKEN, json, problems } from "./openapi-kit";

// 未登録コード (SPEC §5.4): sale lines whose code matched no product, listed until a mapping or
// product makes them resolve; applying one takes it in under its original idempotency key.

export const unmatchedApi = apiRouter();

const tags = ["sales"];
const iso = (ms: number) => new Date(ms).toISOString();

const unmatchedSchema = z
  .object({
    id: z.number(),
    at: z.string().describe("When Kura took the line in"),
    source: z.string().describe("The shop id or the outside system's name"),
    shopId: z.number().nullable(),
    orderId: z.string(),
    lineId: z.string(),
    kind: z.enum(["sale", "cancel"]),
    code: z.string().describe("The code as the line carried it (mall code or master code)"),
    quantity: z.number(),
  })
  .openapi("UnmatchedLine", { description: "A sale line whose code matched no product (未登録コード)" });

const appliedSchema = z
  .object({ id: z.number(), result: lineResult, onHand: z.number().optional() })
  .openapi("AppliedUnmatchedLine", { description: "`unknown_code`: still matches nothing, so it stays in the list" });

const applyOut = z.object({ lines: z.array(appliedSchema), resolved: z.number(), stillUnmatched: z.array(z.number()) });

const listRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN,
  summary: "未登録コード: sale lines whose code matches no product, not yet applied (newest first)",
  request: { query: z.object({ cursor: z.string().max(500).optional(), limit: z.coerce.number().int().min(1).max(500).default(50) }) },
  responses: { 200: json(z.object({ items: z.array(unmatchedSchema), nextCursor: z.string().nullable() })), ...problems(400, 401) },
});

const applyOneRoute = createRoute({
  method: "post", path: "/{id}/apply", tags, security: API_TOKEN,
  summary: "Take a 未登録コード line in again, now that its code may be mapped (changes stock once however often applied)",
  request: { params: z.object({ id: idParam() }) },
  responses: { 200: json(applyOut), ...problems(401, 403, 404) },
});

const applyAllRoute = createRoute({
  method: "post", path: "/apply-all", tags, security: API_TOKEN,
  summary: "Take every 未登録コード line in again; those still matching nothing stay listed",
  responses: { 200: json(applyOut), ...problems(401, 403) },
});

const lineOut = (l: UnmatchedLine) => ({
  id: l.id, at: iso(l.at), source: l.source, shopId: l.shopId, orderId: l.orderId, lineId: l.lineId, kind: l.kind, code: l.mallCode ?? "", quantity: l.quantity,
});

unmatchedApi.openapi(listRoute, async (c) => {
  const q = c.req.valid("query");
  const before = cursorId(q.cursor);
  const rows = await listUnmatched(c.get("db"), c.get("principal").accountId, { beforeId: before, limit: q.limit + 1 });
  return c.json(idPage(rows, q.limit, lineOut), 200);
});

async function applyAndLog(env: Env, c: { get: any }, lines: UnmatchedLine[], target: string) {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const out = await applyUnmatched(env, db, accountId, lines);
  const still = out.filter((r) => r.result === "unknown_code").map((r) => r.id);
  if (out.length > still.length) {
    await operationInsert(db, accountId, { actor, action: "sales.unmatched_apply", target, after: { resolved: out.length - still.length, stillUnmatched: still.length } });
  }
  return { lines: out, resolved: out.length - still.length, stillUnmatched: still };
}

unmatchedApi.openapi(applyOneRoute, async (c) => {
  const id = Number(c.req.valid("param").id);
  const line = await getUnmatched(c.get("db"), c.get("principal").accountId, id);
  if (!line) throw notFound(`unmatched line ${id} does not exist or was already applied`);
  return c.json(await applyAndLog(c.env, c, [line], `sales-log:${id}`), 200);
});

unmatchedApi.openapi(applyAllRoute, async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const lines: UnmatchedLine[] = [];
  for (let before: number | undefined; ; ) {
    const page = await listUnmatched(db, accountId, { beforeId: before, limit: 500 });
    lines.push(...page);
    if (page.length < 500 || lines.length >= 5000) break;
    before = page[page.length - 1].id;
  }
  return c.json(await applyAndLog(c.env, c, lines.reverse(), "sales-log:unmatched"), 200);
});
