import { type Context, Hono } from "hono";
import { z } from "zod";
import type { Principal } from "../../env";
import { listImports } from "../../db/queries/imports";
import { applyImport, cancelImport, getImportReport, type ImportReport, startImport } from "../../csv/imports";
import { AppError, notFound } from "../../lib/errors";
import type { Lang } from "../../lib/i18n";
import type { UiEnv } from "../../lib/session";
import { ImportFormPage, type ImportFormProps } from "../../views/import-form-page";
import { ImportReportPage } from "../../views/import-page";
import { frame } from "./middleware";

// 取込み (CSV import) in the dashboard: upload → the report (progress, bad rows) → 反映する or
// 取消. Every step is one of the import engine's plain functions (src/csv/imports.ts), the same
// the API calls, so the page and POST /api/v1/imports cannot disagree.

export const productsImport = new Hono<UiEnv>();

const ERRORS_PAGE = 100;

const who = (c: Context<UiEnv>): Principal => {
  const s = c.get("session")!;
  return { accountId: s.account.id, actor: `user:${s.user.id}`, scopes: ["read", "write"] };
};

// A form posted by hand may say anything: what does not parse falls back to the defaults.
const formValues = z.object({
  kind: z.enum(["products", "stock", "mappings"]).catch("products"),
  encoding: z.enum(["auto", "utf-8", "shift_jis"]).catch("auto"),
  stockMode: z.enum(["set", "adjust"]).catch("set"),
});

/** The engine's messages say both languages, "日本語 / English": the page's half of it. */
export function inLang(text: string, lang: Lang): string {
  const at = text.lastIndexOf(" / ");
  if (at < 0) return text;
  return lang === "en" ? text.slice(at + 3) : text.slice(0, text.indexOf(" / "));
}

async function formPage(c: Context<UiEnv>, values: ImportFormProps["values"], error: string | null, status: 200 | 400, errorList: string[] = []) {
  const s = c.get("session")!;
  const db = c.get("db");
  const rows = await listImports(db, s.account.id, 10);
  const recent = await Promise.all(rows.map((r) => getImportReport(db, s.account.id, r.id, { errorsLimit: 0 })));
  return c.html(<ImportFormPage frame={frame(c)} values={values} error={error} errorList={errorList} recent={recent} />, status);
}

productsImport.get("/products/import", (c) => formPage(c, { kind: "products", encoding: "auto", stockMode: "set" }, null, 200));

productsImport.post("/products/import", async (c) => {
  const body = await c.req.parseBody();
  const values = formValues.parse({ kind: body.kind, encoding: body.encoding, stockMode: body.stockMode });
  const file = body.file;
  if (!(file instanceof File) || file.size === 0) return formPage(c, values, c.get("t")("import.noFile"), 400);
  let report: ImportReport;
  try {
    report = await startImport(c.env, c.get("db"), who(c), { bytes: new Uint8Array(await file.arrayBuffer()), ...values, fileName: file.name || undefined });
  } catch (err) {
    // The whole file refused (not a CSV, an unknown column or shop, no rows): said on the form.
    if (err instanceof AppError && err.status === 400) {
      const lang = c.get("lang");
      const listed = Array.isArray(err.extra.errors) ? (err.extra.errors as { message: string; messageEn: string }[]).map((e) => (lang === "en" ? e.messageEn : e.message)) : [];
      return formPage(c, values, listed.length ? c.get("t")("import.badHeader") : inLang(err.detail, lang), 400, listed);
    }
    throw err;
  }
  return c.redirect(`/products/import/${report.id}`, 303);
});

function importId(c: Context<UiEnv>): number {
  const id = c.req.param("id") ?? "";
  if (!/^\d{1,15}$/.test(id)) throw notFound(`no import ${id}`);
  return Number(id);
}

async function reportPage(c: Context<UiEnv>, id: number, notice: { kind: "ok" | "error"; text: string } | null, status: 200 | 409 = 200) {
  const after = Number(c.req.query("after") ?? "0");
  const report = await getImportReport(c.get("db"), c.get("session")!.account.id, id, { errorsAfterLine: Number.isSafeInteger(after) && after > 0 ? after : undefined, errorsLimit: ERRORS_PAGE });
  return c.html(<ImportReportPage frame={frame(c)} report={report} notice={notice} paged={after > 0} />, status);
}

productsImport.get("/products/import/:id", (c) => {
  const t = c.get("t");
  const done = c.req.query("done");
  const notice = done === "apply" ? { kind: "ok" as const, text: t("import.applying") } : done === "cancel" ? { kind: "ok" as const, text: t("import.cancelled") } : null;
  return reportPage(c, importId(c), notice);
});

productsImport.post("/products/import/:id/apply", async (c) => {
  const id = importId(c);
  const choice = (await c.req.parseBody()).onPlanLimit;
  try {
    await applyImport(c.env, c.get("db"), who(c), id, { onPlanLimit: choice === "fit" ? "fit" : "nothing" });
  } catch (err) {
    // 何も登録しない over the plan, or still being checked: nothing was applied; the report says why.
    if (err instanceof AppError && err.status === 409) return reportPage(c, id, { kind: "error", text: inLang(err.detail, c.get("lang")) }, 409);
    throw err;
  }
  return c.redirect(`/products/import/${id}?done=apply`, 303);
});

productsImport.post("/products/import/:id/cancel", async (c) => {
  const id = importId(c);
  try {
    await cancelImport(c.env, c.get("db"), who(c), id);
  } catch (err) {
    if (err instanceof AppError && err.status === 409) return reportPage(c, id, { kind: "error", text: inLang(err.detail, c.get("lang")) }, 409);
    throw err;
  }
  return c.redirect(`/products/import/${id}?done=cancel`, 303);
});
