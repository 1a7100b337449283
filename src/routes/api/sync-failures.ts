import { createRoute, z } from "@hono/zod-openapi";
import { operationInsert } from "../../db/queries/logs";
import { getSyncFailure, listSyncFailures, reopenSyncFailure, resolveSyncFailure, type SyncFailure } from "../../db/queries/sync";
import { conflict, notFound } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { idParam } from "../../schemas/api";
import { syncFailureOut, syncFailuresQuery } from "../../schemas/sync";
import { task } from "../../schemas/tasks";
import { cursorId, idPage } from "./cursor";
import { API_TOKEN, json, problems } from "./openapi-kit";

// Tasks that failed every retry and were read from the dead-letter queues (src/sync/dead-letters.ts):
// the account's own, newest first, and a retry that sends one again on its original queue.

export const syncFailuresApi = apiRouter();

const tags = ["sync"];
const failure = syncFailureOut.openapi("SyncFailure");

const listFailuresRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN,
  summary: "Tasks that failed every retry (read from the dead-letter queues), newest first",
  request: { query: syncFailuresQuery },
  responses: { 200: json(z.object({ items: z.array(failure), nextCursor: z.string().nullable() })), ...problems(400, 401) },
});

const retryFailureRoute = createRoute({
  method: "post", path: "/{id}/retry", tags, security: API_TOKEN,
  summary: "Send a failed task again on its original queue",
  request: { params: z.object({ id: idParam() }) },
  responses: { 200: json(failure), ...problems(401, 403, 404, 409) },
});

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

export const failureOut = (f: SyncFailure) => ({
  id: f.id,
  queue: f.queue,
  kind: f.kind,
  shopId: f.shopId,
  task: f.body,
  attempts: f.attempts,
  enqueuedAt: iso(f.enqueuedAt),
  failedAt: iso(f.createdAt),
  resolvedAt: iso(f.resolvedAt),
});

syncFailuresApi.openapi(listFailuresRoute, async (c) => {
  const q = c.req.valid("query");
  const before = cursorId(q.cursor);
  const rows = await listSyncFailures(c.get("db"), c.get("principal").accountId, {
    status: q.status,
    beforeId: before,
    limit: q.limit + 1,
  });
  return c.json(idPage(rows, q.limit, failureOut), 200);
});

syncFailuresApi.openapi(retryFailureRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const id = c.req.valid("param").id;
  const failure = await getSyncFailure(db, accountId, Number(id));
  if (!failure) throw notFound(`sync failure ${id} does not exist`);
  const parsed = task.safeParse(failure.body);
  if (!parsed.success) throw conflict(`sync failure ${id} cannot be retried: its task is not one Kura can run`);
  const queue = failure.queue === "kura-pull" ? c.env.PULL_QUEUE : c.env.PUSH_QUEUE;
  // Resolved first, so two retries at once send it once; sent second, reopened if sending fails.
  const resolved = await resolveSyncFailure(db, accountId, failure.id, Date.now());
  if (!resolved) throw conflict(`sync failure ${id} was already retried`);
  try {
    await queue.send(parsed.data);
  } catch (err) {
    await reopenSyncFailure(db, accountId, failure.id);
    throw err;
  }
  await operationInsert(db, accountId, { actor, action: "sync.failure_retry", target: `sync-failure:${failure.id}`, after: { queue: failure.queue, task: parsed.data } });
  return c.json(failureOut(resolved), 200);
});
