import { and, eq } from "drizzle-orm";
import { createDb } from "../db/client";
import { getAccount } from "../db/queries/accounts";
import {
  chunkProgress, countErrors, type Import, insertErrors, leaseImport, markChunk, nextChunkToApply, nextChunkToValidate, releaseImport, skipSetlessChunks, updateImport,
} from "../db/queries/imports";
import { operationInsert } from "../db/queries/logs";
import { countProducts } from "../db/queries/products";
import { countShops } from "../db/queries/shops";
import { imports, jobs } from "../db/schema";
import type { Db } from "../env";
import { applyChunk } from "./import-apply";
import { type StepCache, validateChunk, type Verdict } from "./import-validate";
import type { ImportRow } from "./rows";

// The import job: validation, then (when the merchant says so) application, chunk by chunk. A
// step is one queue message on kura-push; it holds the import's lease, works through chunks for
// a few seconds (far from the CPU limit, and each chunk costs a handful of D1 statements and
// StockGroup calls, far from 1000 subrequests), then hands on to a fresh message. Progress is in
// D1 (a chunk's flags), so a lost message or a restarted Worker resumes from the first chunk not
// done (the cron re-enqueues an import that went quiet), and a chunk done twice is harmless.

const STEP_MS = 5_000;
// A Worker invocation may make 1000 subrequests (D1 queries, Durable Object and queue calls).
const STEP_SUBREQUESTS = 700;
const VALIDATE_COST = 10;
const APPLY_COST = 40;
const LEASE_MS = 60_000;
const BREATH_MS = 5;
const MAX_FAILURES = 5;

export interface ImportTask {
  kind: "import";
  accountId: number;
  importId: number;
}

export async function enqueueImport(env: Env, accountId: number, importId: number) {
  await env.PUSH_QUEUE.send({ kind: "import", accountId, importId } satisfies ImportTask);
}

/** One step of the job. Returns whether the import still has work (and was handed on). */
export async function runImportStep(env: Env, accountId: number, importId: number): Promise<boolean> {
  const db = createDb(env.DB);
  const imp = await leaseImport(db, accountId, importId, LEASE_MS);
  if (!imp) return false; // finished, cancelled, or another step holds it
  const end = Date.now() + STEP_MS;
  // An upper estimate of a chunk's subrequests: validating reads a handful of tables; applying
  // also calls the StockGroups (a register and a changeStocks per group touched) and marks the
  // products dirty on every shop (one ShopSync call each).
  const cost = imp.phase === "validating" ? VALIDATE_COST : APPLY_COST + (await countShops(db, accountId));
  let spent = 2 + cost;
  const cache: StepCache = {};
  let more = true;
  try {
    while (more && Date.now() < end && spent + cost <= STEP_SUBREQUESTS) {
      spent += cost;
      // Re-read between chunks: a cancel stops the job at the next chunk.
      const now = await db.select({ phase: imports.phase }).from(imports).where(eq(imports.id, importId)).get();
      if (now?.phase !== imp.phase) break; // cancelled meanwhile
      more = imp.phase === "validating" ? await validateNext(db, imp, cache) : await applyNext(env, db, imp);
      // A breath between chunks: a runtime with one event loop for everything (workerd locally)
      // reads new requests only when it runs out of ready work, and a merchant polling the
      // progress of a 100,000-row job should not wait for the job.
      await new Promise((r) => setTimeout(r, BREATH_MS));
    }
  } catch (err) {
    console.error(JSON.stringify({ msg: "import step failed", importId, phase: imp.phase, attempt: imp.failures + 1, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }));
    const failure = err instanceof Error ? err.message : String(err);
    const failures = imp.failures + 1;
    if (failures < MAX_FAILURES) {
      await updateImport(db, accountId, importId, { failure, failures, leaseUntil: null });
      throw err; // the queue retries the step; the chunk runs again from the start
    }
    // A chunk that fails every time would otherwise be retried forever (the cron hands quiet
    // imports on): the import stops as failed, and what was applied stays applied.
    const at = Date.now();
    await updateImport(db, accountId, importId, { phase: "failed", failure, failures, leaseUntil: null, finishedAt: at });
    await db.update(jobs).set({ status: "cancelled", finishedAt: at }).where(and(eq(jobs.accountId, accountId), eq(jobs.id, imp.jobId)));
    return false;
  }
  await releaseImport(db, accountId, importId);
  more &&= (await db.select({ phase: imports.phase }).from(imports).where(eq(imports.id, importId)).get())?.phase === imp.phase;
  if (more) await enqueueImport(env, accountId, importId);
  return more;
}

async function validateNext(db: Db, imp: Import, cache: StepCache): Promise<boolean> {
  const next = await nextChunkToValidate(db, imp.id);
  if (!next) {
    await finishValidation(db, imp);
    return false;
  }
  const rows = JSON.parse(next.chunk.rows) as ImportRow[];
  const out = await validateChunk(db, imp, rows, next.newBefore, cache);
  // Errors first, the chunk's flag last: a step that dies between them redoes the chunk, and
  // the errors' primary key keeps each once.
  if (out.errors.length) await insertErrors(db, imp.id, out.errors);
  await markChunk(db, imp.id, next.chunk.seq, { verdicts: JSON.stringify(out.verdicts), validRows: out.validRows, newCount: out.newCount, validated: true });
  await updateImport(db, imp.accountId, imp.id, { failures: 0 });
  return true;
}

async function finishValidation(db: Db, imp: Import) {
  const p = await chunkProgress(db, imp.id);
  const account = (await getAccount(db, imp.accountId))!;
  const planRemaining = Math.max(0, account.maxProducts - (await countProducts(db, imp.accountId)));
  const now = Date.now();
  await updateImport(db, imp.accountId, imp.id, {
    phase: "validated", rowsValid: p.validRows, rowsInvalid: imp.rowsTotal - p.validRows, newProducts: p.newProducts, planRemaining, phaseStartedAt: now,
  });
  // The job's part is done; it runs again when the merchant applies.
  await db.update(jobs).set({ status: "done", finishedAt: now }).where(and(eq(jobs.accountId, imp.accountId), eq(jobs.id, imp.jobId)));
}

async function applyNext(env: Env, db: Db, imp: Import): Promise<boolean> {
  for (const pass of ["plain", "sets"] as const) {
    const chunk = await nextChunkToApply(db, imp.id, pass);
    if (!chunk) continue;
    const done = pass === "plain" ? { appliedPlain: true } : { appliedSets: true };
    // Only chunks with sets in them have a second pass to make: the others are done at once.
    if (pass === "sets" && !chunk.hasSets) {
      await skipSetlessChunks(db, imp.id);
      return true;
    }
    const rows = JSON.parse(chunk.rows) as ImportRow[];
    const verdicts = JSON.parse(chunk.verdicts ?? "[]") as Verdict[];
    const out = await applyChunk(env, db, imp, rows, verdicts, pass);
    if (out.errors.length) await insertErrors(db, imp.id, out.errors);
    await markChunk(db, imp.id, chunk.seq, { ...done, appliedRows: pass === "plain" ? out.rows : chunk.appliedRows + out.rows });
    await updateImport(db, imp.accountId, imp.id, { failures: 0 });
    return true;
  }
  await finishApply(db, imp);
  return false;
}

async function finishApply(db: Db, imp: Import) {
  const p = await chunkProgress(db, imp.id);
  const { badRows } = await countErrors(db, imp.id);
  const now = Date.now();
  const newProducts = imp.newProducts ?? 0;
  const created = Math.min(newProducts, imp.newAllowed ?? 0);
  const applied = {
    rows: p.appliedRows,
    created: imp.kind === "products" ? created : 0,
    updated: imp.kind === "products" ? Math.max(0, p.appliedRows - created) : p.appliedRows,
    skippedByPlan: newProducts - created,
    skippedInvalid: imp.rowsInvalid ?? 0,
    failed: Math.max(0, badRows - (imp.rowsInvalid ?? 0)),
  };
  await updateImport(db, imp.accountId, imp.id, { phase: "applied", applied, finishedAt: now });
  await db.batch([
    db.update(jobs).set({ status: "done", finishedAt: now }).where(and(eq(jobs.accountId, imp.accountId), eq(jobs.id, imp.jobId))),
    // One 操作ログ entry per import, with the user who applied it and what it did; its entry key
    // keeps it single however often this last step runs.
    operationInsert(db, imp.accountId, {
      actor: imp.appliedBy ?? imp.createdBy, action: "import.apply", target: `import:${imp.id}`, entryKey: `import:${imp.id}`,
      after: { kind: imp.kind, stockMode: imp.stockMode, encoding: imp.encoding, fileName: imp.fileName, rowsTotal: imp.rowsTotal, rowsValid: imp.rowsValid, rowsInvalid: imp.rowsInvalid, ...applied },
    }, now).onConflictDoNothing(),
  ]);
}
