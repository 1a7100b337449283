import { and, eq, sql } from "drizzle-orm";
import type { Db, Principal } from "../env";
import { getAccount } from "../db/queries/accounts";
import { chunkProgress, countErrors, getImport, type Import, insertChunks, listErrors, listImports } from "../db/queries/imports";
import { operationInsert } from "../db/queries/logs";
import { countProducts } from "../db/queries/products";
import { listShops } from "../db/queries/shops";
import { imports, jobs } from "../db/schema";
import { badRequest, conflict, notFound } from "../lib/errors";
import type { CsvKind } from "./columns";
import { decodeCsv, type EncodingChoice } from "./decode";
import { enqueueImport } from "./import-job";
import { parseCsvText, resolveHeader, type RowError } from "./read";
import { checkFile, type ImportRow, toRow } from "./rows";

// CSV import, as the API and the dashboard's 取込み page both use it. Four plain functions:
//
//   startImport(env, db, who, { bytes, kind, encoding?, stockMode?, fileName? }) → ImportReport
//       decodes and parses the file, checks its header (a 400 naming every bad column), stores
//       its rows in chunks and starts validation as a job. Phase "validating".
//   getImportReport(db, accountId, id, { errorsAfterLine?, errorsLimit? }?) → ImportReport
//       the report: phase, counts, plan, every bad row (line, column, reason JP/EN), what apply did.
//   applyImport(env, db, who, id, { onPlanLimit?: "fit" | "nothing" }?) → ImportReport
//       applies the valid rows as a job (phase "applying", then "applied"); bad rows are skipped.
//       "nothing" (default) refuses (409) when the new products exceed the plan; "fit" registers
//       the first new products, in file order, that fit. Applying an applied import changes nothing.
//   cancelImport(env, db, who, id) → ImportReport
//       stops it (phase "cancelled"): before apply nothing changes; during apply the chunks done stay done.
//   listImportReports(db, accountId, limit?) → ImportReport[]   (newest first, without error rows)
//
// `who` is the Principal (accountId, actor "user:<id>" or "token:<id>"); errors are AppErrors
// (400/404/409) that the API turns into problem+json and a page into a message.

// Rows per chunk: one D1 row of ~150 KB JSON (a row may hold 2 MB), one StockGroup call per
// group for its stock, and few enough subrequests that a step gets through ~17 chunks.
export const CHUNK_ROWS = 1000;
/** The largest file one import takes: twice the largest plan, and far below a Worker's memory. */
export const MAX_ROWS = 200_000;
export const MAX_BYTES = 40_000_000;
export type StockMode = "set" | "adjust";
export type OnPlanLimit = "fit" | "nothing";

export interface StartImportInput {
  bytes: Uint8Array;
  kind: CsvKind;
  /** "auto" (default): UTF-8 BOM → UTF-8; valid UTF-8 → UTF-8; else Shift_JIS (CP932). */
  encoding?: EncodingChoice;
  /** 総在庫数 is 上書き ("set", default) or 加算・減算 ("adjust", signed numbers). */
  stockMode?: StockMode;
  fileName?: string;
}

export interface ImportReport {
  id: number;
  jobId: number;
  kind: CsvKind;
  encoding: "utf-8" | "shift_jis";
  stockMode: StockMode;
  status: Import["phase"];
  fileName: string | null;
  rows: { total: number; validated: number; valid: number; invalid: number };
  /** Valid rows for products not yet registered, and how many more the plan took when validation ended. */
  newProducts: number;
  planRemaining: number | null;
  /** False when applying with onPlanLimit "nothing" would be refused. */
  planFits: boolean | null;
  onPlanLimit: OnPlanLimit | null;
  errorsTotal: number;
  errors: RowError[];
  /** Pass as errorsAfterLine for the next page of errors; null when there are no more. */
  nextErrorsAfterLine: number | null;
  applied: Record<string, number> | null;
  progress: { rowsDone: number; rowsTotal: number; etaSeconds: number | null };
  failure: string | null;
  createdBy: string;
  appliedBy: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export async function startImport(env: Env, db: Db, who: Principal, input: StartImportInput): Promise<ImportReport> {
  const accountId = who.accountId;
  const stockMode = input.stockMode ?? "set";
  // The whole file is decoded and parsed in one request: bounded well inside a Worker's 128 MB.
  if (input.bytes.byteLength > MAX_BYTES) throw badRequest(`ファイルが大きすぎます (上限 ${MAX_BYTES / 1e6} MB) / the file is larger than ${MAX_BYTES / 1e6} MB; split it`);
  const { text, encoding } = decodeCsv(input.bytes, input.encoding ?? "auto");
  const { header, records } = parseCsvText(text);
  const shops = new Map((await listShops(db, accountId)).map((s) => [s.name.trim(), s.id]));
  const columns = resolveHeader(input.kind, header, shops);
  if (records.length === 0) throw badRequest("データの行がありません (見出し行だけです) / the file has a header but no rows");
  if (records.length > MAX_ROWS) throw badRequest(`行が多すぎます (上限 ${MAX_ROWS.toLocaleString()} 行) / more than ${MAX_ROWS.toLocaleString()} rows; split the file`);
  const ctx = { kind: input.kind, stockMode, columns, shops };
  const rows = records.map((r) => toRow(r, ctx));
  checkFile(rows, ctx);
  const chunks: { rows: ImportRow[]; hasSets: boolean }[] = [];
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    const part = rows.slice(i, i + CHUNK_ROWS);
    chunks.push({ rows: part, hasSets: part.some((r) => r.components !== undefined) });
  }

  const now = Date.now();
  const [job] = await db.insert(jobs).values({ accountId, kind: "import", status: "running", createdBy: who.actor, createdAt: now }).returning();
  const [imp] = await db
    .insert(imports)
    .values({
      accountId, jobId: job.id, kind: input.kind, encoding, stockMode, phase: "validating", createdBy: who.actor, fileName: input.fileName ?? null,
      columns, rowsTotal: rows.length, chunksTotal: chunks.length, phaseStartedAt: now, createdAt: now, updatedAt: now,
    })
    .returning();
  try {
    await insertChunks(db, accountId, imp.id, chunks);
  } catch (err) {
    // Half a file must not be validated as if it were the whole: nothing of it is kept.
    await db.delete(imports).where(eq(imports.id, imp.id));
    await db.delete(jobs).where(eq(jobs.id, job.id));
    throw err;
  }
  await enqueueImport(env, accountId, imp.id);
  return getImportReport(db, accountId, imp.id);
}

export async function getImportReport(db: Db, accountId: number, id: number, opts: { errorsAfterLine?: number; errorsLimit?: number } = {}): Promise<ImportReport> {
  const imp = await getImport(db, accountId, id);
  if (!imp) throw notFound(`import ${id} does not exist`);
  const limit = opts.errorsLimit ?? 1000;
  const [p, counts, errs] = await Promise.all([chunkProgress(db, id), countErrors(db, id), listErrors(db, id, opts.errorsAfterLine ?? 0, limit + 1)]);
  const more = errs.length > limit && limit > 0;
  const errors = errs.slice(0, limit);
  const validating = imp.phase === "validating";
  const newProducts = imp.newProducts ?? p.newProducts;
  return {
    id: imp.id,
    jobId: imp.jobId,
    kind: imp.kind,
    encoding: imp.encoding,
    stockMode: imp.stockMode,
    status: imp.phase,
    fileName: imp.fileName,
    rows: {
      total: imp.rowsTotal,
      validated: p.validatedRows,
      valid: imp.rowsValid ?? p.validRows,
      invalid: imp.rowsInvalid ?? (validating ? p.validatedRows - p.validRows : 0),
    },
    newProducts,
    planRemaining: imp.planRemaining,
    planFits: imp.planRemaining === null ? null : newProducts <= imp.planRemaining,
    onPlanLimit: imp.onPlanLimit,
    errorsTotal: counts.errors,
    errors,
    nextErrorsAfterLine: more ? errors[errors.length - 1].line : null,
    applied: imp.applied ?? null,
    progress: progressOf(imp, p),
    failure: imp.failure,
    createdBy: imp.createdBy,
    appliedBy: imp.appliedBy,
    createdAt: new Date(imp.createdAt).toISOString(),
    finishedAt: imp.finishedAt === null ? null : new Date(imp.finishedAt).toISOString(),
  };
}

/** Rows gone through in the current phase and the seconds left at the pace so far. */
export function progressOf(imp: Import, p: { validatedRows: number; passedRows: number }, now = Date.now()) {
  const rowsTotal = imp.rowsTotal;
  const rowsDone = imp.phase === "validating" ? p.validatedRows : imp.phase === "applying" ? p.passedRows : ["applied", "validated"].includes(imp.phase) ? rowsTotal : imp.phase === "cancelled" ? p.passedRows || p.validatedRows : 0;
  const running = imp.phase === "validating" || imp.phase === "applying";
  const secs = (now - imp.phaseStartedAt) / 1000;
  const etaSeconds = !running ? 0 : rowsDone > 0 && secs > 0 ? Math.ceil((rowsTotal - rowsDone) / (rowsDone / secs)) : null;
  return { rowsDone, rowsTotal, etaSeconds };
}

export async function applyImport(env: Env, db: Db, who: Principal, id: number, opts: { onPlanLimit?: OnPlanLimit } = {}): Promise<ImportReport> {
  const accountId = who.accountId;
  const imp = await getImport(db, accountId, id);
  if (!imp) throw notFound(`import ${id} does not exist`);
  // Applying again is not an error and changes nothing: the merchant may press twice.
  if (imp.phase === "applying" || imp.phase === "applied") return getImportReport(db, accountId, id);
  if (imp.phase === "validating") throw conflict("検証中です。検証が終わってから反映してください / the import is still being validated; apply it when validation is done");
  if (imp.phase !== "validated") throw conflict(`この取込みは${imp.phase === "cancelled" ? "取り消されました" : "失敗しました"} / the import is ${imp.phase}`);

  const onPlanLimit = opts.onPlanLimit ?? "nothing";
  const account = (await getAccount(db, accountId))!;
  const remaining = Math.max(0, account.maxProducts - (await countProducts(db, accountId)));
  const newProducts = imp.newProducts ?? 0;
  if (newProducts > remaining && onPlanLimit === "nothing") {
    throw conflict(
      `新しい商品 ${newProducts} 件のうちプランの上限 (${account.maxProducts}) に収まるのは ${remaining} 件です。何も反映していません (収まる分だけ登録するには onPlanLimit=fit) / ${newProducts} new products, but the plan (${account.maxProducts}) has room for ${remaining}; nothing was applied (onPlanLimit "fit" registers what fits)`,
      { newProducts, planRemaining: remaining, maxProducts: account.maxProducts },
    );
  }
  const now = Date.now();
  const [taken] = await db
    .update(imports)
    .set({ phase: "applying", appliedBy: who.actor, onPlanLimit, newAllowed: Math.min(newProducts, remaining), planRemaining: remaining, phaseStartedAt: now, updatedAt: now })
    .where(and(eq(imports.accountId, accountId), eq(imports.id, id), eq(imports.phase, "validated")))
    .returning();
  if (taken) {
    await db.update(jobs).set({ status: "running", finishedAt: null }).where(and(eq(jobs.accountId, accountId), eq(jobs.id, imp.jobId)));
    await enqueueImport(env, accountId, id);
  }
  return getImportReport(db, accountId, id);
}

export async function cancelImport(env: Env, db: Db, who: Principal, id: number): Promise<ImportReport> {
  const accountId = who.accountId;
  const imp = await getImport(db, accountId, id);
  if (!imp) throw notFound(`import ${id} does not exist`);
  if (imp.phase === "cancelled") return getImportReport(db, accountId, id);
  if (imp.phase === "applied" || imp.phase === "failed") throw conflict(`この取込みは${imp.phase === "applied" ? "反映済み" : "失敗"}です / the import is already ${imp.phase}`);
  const now = Date.now();
  const [taken] = await db
    .update(imports)
    .set({ phase: "cancelled", finishedAt: now, updatedAt: now })
    .where(and(eq(imports.accountId, accountId), eq(imports.id, id), sql`${imports.phase} IN ('validating', 'validated', 'applying')`))
    .returning();
  if (taken) {
    const p = await chunkProgress(db, id);
    await db.batch([
      db.update(jobs).set({ status: "cancelled", finishedAt: now }).where(and(eq(jobs.accountId, accountId), eq(jobs.id, imp.jobId))),
      operationInsert(db, accountId, {
        actor: who.actor, action: "import.cancel", target: `import:${id}`, entryKey: `import:${id}`,
        before: { phase: imp.phase }, after: { kind: imp.kind, fileName: imp.fileName, rowsTotal: imp.rowsTotal, rowsApplied: p.appliedRows },
      }, now).onConflictDoNothing(),
    ]);
  }
  return getImportReport(db, accountId, id);
}

/** The account's latest imports, newest first, as reports without their error rows (a list page). */
export async function listImportReports(db: Db, accountId: number, limit = 20): Promise<ImportReport[]> {
  const rows = await listImports(db, accountId, limit);
  return Promise.all(rows.map((i) => getImportReport(db, accountId, i.id, { errorsLimit: 0 })));
}

/** For GET /jobs/{id}: an import job's phase and progress. */
export async function importJobProgress(db: Db, imp: Import) {
  const p = await chunkProgress(db, imp.id);
  const { errors } = await countErrors(db, imp.id);
  return { importId: imp.id, phase: imp.phase, errors, ...progressOf(imp, p) };
}

