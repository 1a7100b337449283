import { applyImport, cancelImport, getImportReport, listImportReports, startImport } from "../../csv/imports";
import { badRequest } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import * as r from "./imports-routes";

// CSV imports (issue 10). The handlers only read the request; src/csv/imports.ts does the work
// for the API and the dashboard alike.

export const importsApi = apiRouter();

importsApi.openapi(r.startImportRoute, async (c) => {
  const q = c.req.valid("query");
  const type = c.req.header("content-type") ?? "";
  let bytes: Uint8Array;
  let fields: { kind?: unknown; encoding?: unknown; stockMode?: unknown; fileName?: string } = {};
  if (/^multipart\/form-data/i.test(type)) {
    const form = c.req.valid("form") as Record<string, unknown>;
    const file = form.file;
    if (!(file instanceof File)) throw badRequest("file: the CSV file is missing (multipart field `file`)");
    bytes = new Uint8Array(await file.arrayBuffer());
    fields = { kind: form.kind, encoding: form.encoding, stockMode: form.stockMode, fileName: file.name || undefined };
  } else {
    bytes = new Uint8Array(await c.req.arrayBuffer());
  }
  // Query and form fields say the same things; the form (sent with the file) wins.
  const parsed = r.startQuery.safeParse({ kind: fields.kind ?? q.kind, encoding: fields.encoding ?? q.encoding, stockMode: fields.stockMode ?? q.stockMode });
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  const { kind, encoding, stockMode } = parsed.data;
  if (!kind) throw badRequest("kind: products, stock or mappings is required");
  if (bytes.byteLength === 0) throw badRequest("ファイルが空です / the file is empty");
  const report = await startImport(c.env, c.get("db"), c.get("principal"), { bytes, kind, encoding, stockMode, fileName: fields.fileName });
  c.header("location", `/api/v1/imports/${report.id}`);
  return c.json(report, 202);
});

importsApi.openapi(r.listImportsRoute, async (c) => {
  return c.json({ items: await listImportReports(c.get("db"), c.get("principal").accountId, c.req.valid("query").limit) }, 200);
});

importsApi.openapi(r.getImportRoute, async (c) => {
  const q = c.req.valid("query");
  return c.json(await getImportReport(c.get("db"), c.get("principal").accountId, Number(c.req.valid("param").id), { errorsAfterLine: q.errorsAfterLine, errorsLimit: q.errorsLimit }), 200);
});

importsApi.openapi(r.applyImportRoute, async (c) => {
  const body = c.req.valid("json") as { onPlanLimit?: "fit" | "nothing" };
  return c.json(await applyImport(c.env, c.get("db"), c.get("principal"), Number(c.req.valid("param").id), { onPlanLimit: body.onPlanLimit }), 202);
});

importsApi.openapi(r.cancelImportRoute, async (c) => {
  return c.json(await cancelImport(c.env, c.get("db"), c.get("principal"), Number(c.req.valid("param").id)), 200);
});
