import { createRoute, z } from "@hono/zod-openapi";
import { getSettings } from "../../db/queries/accounts";
import { cancelImport, importJobProgress } from "../../csv/imports";
import { getImportByJob } from "../../db/queries/imports";
import { cancelJob, getJob, listJobs } from "../../db/queries/jobs";
import { operationInsert } from "../../db/queries/logs";
import { listShops } from "../../db/queries/shops";
import { conflict, notFound } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { jobView, startResync } from "../../sync/resync";
import type { Db } from "../../env";
import { idParam } from "../../schemas/api";
import { API_TOKEN, json, problems } from "./openapi-kit";

// Jobs (一括反映, CSV imports): start a resync of every shop, follow any job's progress, cancel it.

export const jobsApi = apiRouter();
export const resyncApi = apiRouter();

const iso = z.string().nullable();
const jobShopSchema = z.object({
  shopId: z.number(),
  shopName: z.string().nullable(),
  status: z.enum(["running", "done", "cancelled"]),
  total: z.number().int().describe("Products to go through on this shop"),
  done: z.number().int().describe("Products gone through (sent, refused, or not sent because 対象外 / 停止)"),
  sent: z.number().int().describe("Listings the mall accepted"),
  errors: z.number().int().describe("Listings the mall refused (each is retried like any change)"),
  lastError: z.string().nullable(),
  itemsPerSecond: z.number().nullable(),
  etaSeconds: z.number().int().nullable().describe("Seconds left at the pace so far; null before the first page"),
  startedAt: z.string(),
  finishedAt: iso,
});
export const jobSchema = z
  .object({
    id: z.number(),
    kind: z.enum(["resync", "import"]),
    status: z.enum(["running", "done", "cancelled"]),
    importId: z.number().int().nullable().describe("kind import: the import (GET /api/v1/imports/{id} has its report)"),
    phase: z
      .enum(["validating", "validated", "applying", "applied", "cancelled", "failed"])
      .nullable()
      .describe("kind import: validating → validated (waits for apply or cancel) → applying → applied"),
    rowsDone: z.number().int().nullable().describe("kind import: rows gone through in this phase"),
    rowsTotal: z.number().int().nullable().describe("kind import: rows in the file"),
    createdBy: z.string(),
    createdAt: z.string(),
    finishedAt: iso,
    total: z.number().int(),
    done: z.number().int(),
    sent: z.number().int(),
    errors: z.number().int().describe("resync: listings refused; import: bad rows found so far (one per bad cell)"),
    etaSeconds: z.number().int().nullable().describe("Seconds until the slowest shop (resync) or the phase (import) is through"),
    shops: z.array(jobShopSchema),
  })
  .openapi("Job");

const tags = ["sync"];
const jobId = { params: z.object({ id: idParam() }) };

export async function jobOut(db: Db, accountId: number, id: number) {
  const found = await getJob(db, accountId, id);
  if (!found) throw notFound(`job ${id} does not exist`);
  if (found.job.kind === "import") {
    const imp = await getImportByJob(db, accountId, id);
    const p = imp ? await importJobProgress(db, imp) : null;
    const view = jobView(found.job, [], new Map());
    return { ...view, importId: p?.importId ?? null, phase: p?.phase ?? null, rowsDone: p?.rowsDone ?? null, rowsTotal: p?.rowsTotal ?? null,
      total: p?.rowsTotal ?? 0, done: p?.rowsDone ?? 0, errors: p?.errors ?? 0, etaSeconds: p?.etaSeconds ?? null };
  }
  const names = new Map((await listShops(db, accountId)).map((s) => [s.id, s.name]));
  return { ...jobView(found.job, found.parts, names), importId: null, phase: null, rowsDone: null, rowsTotal: null };
}

/** 409 while 在庫連動 is stopped: pulls, pushes and resyncs by hand wait for it. */
export async function requireSyncOn(db: Db, accountId: number) {
  const settings = await getSettings(db, accountId);
  if (settings && !settings.syncEnabled) throw conflict("在庫連動 is stopped for this account; start it in システム設定 first");
}

const listRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN,
  summary: "The account's latest jobs, newest first",
  request: { query: z.object({ limit: z.coerce.number().int().min(1).max(100).default(20) }) },
  responses: { 200: json(z.object({ items: z.array(jobSchema) })), ...problems(400, 401) },
});

const getRoute = createRoute({
  method: "get", path: "/{id}", tags, security: API_TOKEN,
  summary: "A job's progress: done/total, sent, errors and ETA, per shop",
  request: jobId,
  responses: { 200: json(jobSchema), ...problems(400, 401, 404) },
});

const cancelRoute = createRoute({
  method: "post", path: "/{id}/cancel", tags, security: API_TOKEN,
  summary: "Stop a running job; what was sent stays sent",
  request: jobId,
  responses: { 200: json(jobSchema), ...problems(400, 401, 403, 404) },
});

const resyncAllRoute = createRoute({
  method: "post", path: "/", tags, security: API_TOKEN,
  summary: "一括反映: re-send every managed listing to every shop that takes updates, as a job",
  responses: { 202: json(jobSchema, "Started; poll GET /api/v1/jobs/{id}"), ...problems(401, 403, 409) },
});

jobsApi.openapi(listRoute, async (c) => {
  const { accountId } = c.get("principal");
  const db = c.get("db");
  const rows = await listJobs(db, accountId, c.req.valid("query").limit);
  return c.json({ items: await Promise.all(rows.map((j) => jobOut(db, accountId, j.id))) }, 200);
});

jobsApi.openapi(getRoute, async (c) => {
  const { accountId } = c.get("principal");
  return c.json(await jobOut(c.get("db"), accountId, Number(c.req.valid("param").id)), 200);
});

jobsApi.openapi(cancelRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const id = Number(c.req.valid("param").id);
  const job = await jobOut(db, accountId, id); // 404 for another account's job
  if (job.importId !== null) {
    await cancelImport(c.env, db, c.get("principal"), job.importId);
    return c.json(await jobOut(db, accountId, id), 200);
  }
  await cancelJob(db, accountId, id);
  await operationInsert(db, accountId, { actor, action: "job.cancel", target: `job:${id}` });
  return c.json(await jobOut(db, accountId, id), 200);
});

resyncApi.openapi(resyncAllRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  await requireSyncOn(db, accountId);
  const shops = (await listShops(db, accountId)).filter((s) => s.updateEnabled && s.status !== "stopped");
  if (shops.length === 0) throw conflict("no shop takes updates now (モール更新 off or 停止中)");
  const job = await startResync(c.env, db, accountId, actor, shops);
  c.header("location", `/api/v1/jobs/${job.id}`);
  return c.json(await jobOut(db, accountId, job.id), 202);
});
