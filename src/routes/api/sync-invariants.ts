import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { latestInvariantReports } from "../../db/queries/sync";
import { validate } from "../../lib/validate";
import { invariantsQuery } from "../../schemas/sync";

// The latest invariant check of each of the account's product groups (src/sync/invariant-check.ts):
// by default only the groups where something disagreed.

export const syncInvariantsApi = new Hono<AppEnv>();

syncInvariantsApi.get("/", validate("query", invariantsQuery), async (c) => {
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
      problems: r.problems,
    }));
  return c.json({ items });
});
