import { and, asc, desc, eq, gt, sql } from "drizzle-orm";
import type { Db } from "../../env";
import { importChunks, importErrors, imports } from "../schema";

// CSV imports, their chunks of parsed rows and their bad rows. Rows travel as one JSON parameter
// per statement (json_each), which keeps every statement far below D1's 100 bound parameters.

export type Import = typeof imports.$inferSelect;
export type ImportChunk = typeof importChunks.$inferSelect;
export type ImportPhase = Import["phase"];

export async function getImport(db: Db, accountId: number, id: number): Promise<Import | undefined> {
  return db.select().from(imports).where(and(eq(imports.accountId, accountId), eq(imports.id, id))).get();
}

export async function getImportByJob(db: Db, accountId: number, jobId: number): Promise<Import | undefined> {
  return db.select().from(imports).where(and(eq(imports.accountId, accountId), eq(imports.jobId, jobId))).get();
}

export async function listImports(db: Db, accountId: number, limit: number): Promise<Import[]> {
  return db.select().from(imports).where(eq(imports.accountId, accountId)).orderBy(desc(imports.id)).limit(limit).all();
}

export async function updateImport(db: Db, accountId: number, id: number, values: Partial<Omit<Import, "id" | "accountId">>) {
  await db.update(imports).set({ ...values, updatedAt: Date.now() }).where(and(eq(imports.accountId, accountId), eq(imports.id, id)));
}

/** Takes the import for one worker for `ms` (unless another holds it); the row as taken, or nothing. */
export async function leaseImport(db: Db, accountId: number, id: number, ms: number, now = Date.now()): Promise<Import | undefined> {
  const [row] = await db
    .update(imports)
    .set({ leaseUntil: now + ms, updatedAt: now })
    .where(and(eq(imports.accountId, accountId), eq(imports.id, id), sql`${imports.phase} IN ('validating', 'applying')`, sql`(${imports.leaseUntil} IS NULL OR ${imports.leaseUntil} < ${now})`))
    .returning();
  return row;
}

export async function releaseImport(db: Db, accountId: number, id: number) {
  await db.update(imports).set({ leaseUntil: null }).where(and(eq(imports.accountId, accountId), eq(imports.id, id)));
}

/** Stores the chunks, a few statements per D1 batch (each chunk is one row of JSON text). */
export async function insertChunks(db: Db, accountId: number, importId: number, chunks: { rows: unknown[]; hasSets: boolean }[]) {
  const stmts = chunks.map((c, seq) => db.insert(importChunks).values({ importId, seq, accountId, rowCount: c.rows.length, hasSets: c.hasSets, rows: JSON.stringify(c.rows) }));
  for (let i = 0; i < stmts.length; i += 10) {
    const part = stmts.slice(i, i + 10);
    await db.batch(part as [(typeof part)[0], ...typeof part]);
  }
}

/** The next chunk still to validate, with the new products counted in the chunks before it. */
export async function nextChunkToValidate(db: Db, importId: number): Promise<{ chunk: ImportChunk; newBefore: number } | undefined> {
  const chunk = await db.select().from(importChunks).where(and(eq(importChunks.importId, importId), eq(importChunks.validated, false))).orderBy(asc(importChunks.seq)).limit(1).get();
  if (!chunk) return undefined;
  const row = await db
    .select({ n: sql<number>`COALESCE(SUM(${importChunks.newCount}), 0)` })
    .from(importChunks)
    .where(and(eq(importChunks.importId, importId), sql`${importChunks.seq} < ${chunk.seq}`))
    .get();
  return { chunk, newBefore: row?.n ?? 0 };
}

export async function nextChunkToApply(db: Db, importId: number, pass: "plain" | "sets"): Promise<ImportChunk | undefined> {
  const cond = pass === "plain" ? eq(importChunks.appliedPlain, false) : eq(importChunks.appliedSets, false);
  return db.select().from(importChunks).where(and(eq(importChunks.importId, importId), cond)).orderBy(asc(importChunks.seq)).limit(1).get();
}

export function markChunk(db: Db, importId: number, seq: number, values: Partial<Pick<ImportChunk, "verdicts" | "validRows" | "newCount" | "validated" | "appliedPlain" | "appliedSets" | "appliedRows">>) {
  return db.update(importChunks).set(values).where(and(eq(importChunks.importId, importId), eq(importChunks.seq, seq)));
}

/** The second (sets) pass of every chunk without a set in it, in one statement. */
export async function skipSetlessChunks(db: Db, importId: number) {
  await db.update(importChunks).set({ appliedSets: true }).where(and(eq(importChunks.importId, importId), eq(importChunks.hasSets, false), eq(importChunks.appliedSets, false)));
}

export function insertErrors(db: Db, importId: number, errors: { line: number; column: string; message: string; messageEn: string }[]) {
  return db.run(sql`
    INSERT INTO import_errors (import_id, line, "column", message, message_en)
    SELECT ${importId}, json_extract(value, '$.line'), json_extract(value, '$.column'), json_extract(value, '$.message'), json_extract(value, '$.messageEn')
    FROM json_each(${JSON.stringify(errors)}) WHERE true
    ON CONFLICT DO NOTHING`);
}

/** Rows gone through so far: validated (while validating) or applied (while applying). */
export async function chunkProgress(db: Db, importId: number) {
  const row = await db
    .select({
      validatedRows: sql<number>`COALESCE(SUM(CASE WHEN ${importChunks.validated} THEN ${importChunks.rowCount} ELSE 0 END), 0)`,
      validRows: sql<number>`COALESCE(SUM(${importChunks.validRows}), 0)`,
      newProducts: sql<number>`COALESCE(SUM(${importChunks.newCount}), 0)`,
      appliedRows: sql<number>`COALESCE(SUM(${importChunks.appliedRows}), 0)`,
      // Rows the apply has gone through (first pass; a second pass for sets is short).
      passedRows: sql<number>`COALESCE(SUM(CASE WHEN ${importChunks.appliedPlain} THEN ${importChunks.rowCount} ELSE 0 END), 0)`,
    })
    .from(importChunks)
    .where(eq(importChunks.importId, importId))
    .get();
  return row ?? { validatedRows: 0, validRows: 0, newProducts: 0, appliedRows: 0, passedRows: 0 };
}

export async function countErrors(db: Db, importId: number): Promise<{ errors: number; badRows: number }> {
  const row = await db
    .select({ errors: sql<number>`COUNT(*)`, badRows: sql<number>`COUNT(DISTINCT ${importErrors.line})` })
    .from(importErrors)
    .where(eq(importErrors.importId, importId))
    .get();
  return row ?? { errors: 0, badRows: 0 };
}

export async function listErrors(db: Db, importId: number, afterLine: number, limit: number) {
  return db
    .select({ line: importErrors.line, column: importErrors.column, message: importErrors.message, messageEn: importErrors.messageEn })
    .from(importErrors)
    .where(and(eq(importErrors.importId, importId), gt(importErrors.line, afterLine)))
    .orderBy(asc(importErrors.line), asc(importErrors.column))
    .limit(limit)
    .all();
}

/** Imports whose worker went quiet (a restart, a lost message): the cron hands them on again. */
export async function stalledImports(db: Db, now = Date.now(), quietMs = 60_000) {
  return db
    .select({ id: imports.id, accountId: imports.accountId })
    .from(imports)
    .where(and(sql`${imports.phase} IN ('validating', 'applying')`, sql`${imports.updatedAt} < ${now - quietMs}`, sql`(${imports.leaseUntil} IS NULL OR ${imports.leaseUntil} < ${now})`))
    .limit(100)
    .all();
}
