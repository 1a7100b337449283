import { createRoute, z } from "@hono/zod-openapi";
import { latestInvariantReports } from "../../db/queries/sync";
import { apiRouter } from "../../lib/validate";
import { invariantReportOut, invariantsQuery } from "../../schemas/sync";
import { API_TOKEN, json, problems } from "./openapi-kit";

// The latest invariant check of each of the account's product groups (src/sync/invariant-check.ts):
// by default only the groups where something disagreed.

export const syncInvariantsApi = apiRouter();

const invariantsRoute = createRoute({
  method: "get", path: "/", tags: ["sync"], security: API_TOKEN,
  summary: "The latest invariant check of each product group (on_hand = Σ movements; projection = object)",
  request: { query: invariantsQuery },
  responses: { 200: json(z.object({ items: z.array(invariantReportOut.openapi("InvariantReport")) })), ...problems(400, 401) },
});

syncInvariantsApi.openapi(invariantsRoute, async (c) => {
  const all = c.req.valid("query").all === "true";
  const rows = await latestInvariantReports(c.get("db"), c.get("principal").accountId);
  const items = rows
    .filter(({ report }) => all || !report.ok)
    .map(({ report: r, groupName }) => ({
      groupId: r.groupId,
      group: groupName,
      checkedAt: new Date(r.checkedAt).toISOString(),
      ok: r.ok,
      projectionChecked: r.projectionChecked,
      problems: r.problems as Record<string, unknown>[],
    }));
  return c.json({ items }, 200);
});
