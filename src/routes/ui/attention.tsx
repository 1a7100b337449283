import { type Context, Hono } from "hono";
import { z } from "zod";
import { getAccount, getSettings } from "../../db/queries/accounts";
import { getProductByCode, listProducts, projectedOnHand } from "../../db/queries/products";
import { getShop, listShops } from "../../db/queries/shops";
import { getUnmatched, listUnmatched, type UnmatchedLine } from "../../db/queries/unmatched";
import { operationInsert } from "../../db/queries/logs";
import { randomToken } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import { can } from "../../lib/permissions";
import type { UiEnv } from "../../lib/session";
import { applyUnmatched } from "../../sync/apply-unmatched";
import { updateListing } from "../../sync/listing-update";
import { listUnreflected, sendNow } from "../../sync/unreflected";
import { StockListPage, UnmatchedPage, type UnmatchedRow, UnreflectedPage } from "../../views/attention-page";
import { decodeCursor, encodeCursor } from "../api/cursor";
import { frame } from "./middleware";

// Lists that need action, each row with the button that fixes it: 在庫少一覧 and マイナス在庫 (set
// the 総在庫数 through the grid's own 反映 form), 未反映変更 (send now), 未登録コード (map the code
// to a product, then 適用). Every list and every action is scoped to the session's account.

export const attentionPages = new Hono<UiEnv>();

const PAGE = 50;
const UNREFLECTED_SHOWN = 200;

function cursorOf(raw: string | undefined): string | undefined {
  if (!raw || raw.length > 500) return undefined;
  try {
    return decodeCursor(raw);
  } catch {
    return undefined;
  }
}

async function stockList(c: Context<UiEnv>, status: "low" | "negative") {
  const s = c.get("session")!;
  const db = c.get("db");
  const after = cursorOf(c.req.query("after"));
  const [page, settings] = await Promise.all([listProducts(db, s.account.id, { status, after, limit: PAGE + 1 }), getSettings(db, s.account.id)]);
  const list = page.slice(0, PAGE);
  const onHand = await projectedOnHand(db, s.account.id, list);
  const last = list[list.length - 1];
  return c.html(
    <StockListPage
      frame={frame(c)}
      status={status}
      rows={list.map((p) => ({ masterCode: p.masterCode, name: p.name, onHand: onHand.get(p.id) ?? 0, threshold: p.lowStockThreshold ?? settings?.lowStockDefault ?? null }))}
      next={page.length > PAGE && last ? `after=${encodeCursor(last.masterCode)}` : null}
      paged={after !== undefined}
      editable={can(s.user.role, "catalog")}
      nonce={randomToken(12)}
    />,
  );
}

attentionPages.get("/attention/low-stock", (c) => stockList(c, "low"));
attentionPages.get("/attention/negative", (c) => stockList(c, "negative"));

// ---- 未反映変更 ------------------------------------------------------------------------------

attentionPages.get("/attention/unreflected", async (c) => {
  const s = c.get("session")!;
  const t = c.get("t");
  const list = await listUnreflected(c.env, c.get("db"), s.account.id, UNREFLECTED_SHOWN);
  const sent = c.req.query("sent");
  const notice = sent && /^\d+$/.test(sent) ? { kind: "ok" as const, text: t("attention.unreflected.sent", { n: sent }) } : c.req.query("error") === "none" ? { kind: "error" as const, text: t("attention.unreflected.none") } : undefined;
  return c.html(<UnreflectedPage frame={frame(c)} items={list.items} total={list.total} truncated={list.truncated} editable={can(s.user.role, "catalog")} notice={notice} />);
});

attentionPages.post("/attention/unreflected", async (c) => {
  const s = c.get("session")!;
  const form = await c.req.formData();
  const codes = form.getAll("code").filter((v): v is string => typeof v === "string" && v.length > 0 && v.length <= 200).slice(0, 1000);
  if (codes.length === 0) return c.redirect("/attention/unreflected?error=none", 303);
  const { found } = await sendNow(c.env, c.get("db"), s.account.id, `user:${s.user.id}`, codes);
  return c.redirect(`/attention/unreflected?sent=${found.length}`, 303);
});

// ---- 未登録コード ------------------------------------------------------------------------------

async function unmatchedRows(c: Context<UiEnv>, lines: UnmatchedLine[]): Promise<UnmatchedRow[]> {
  const shops = new Map((await listShops(c.get("db"), c.get("session")!.account.id)).map((x) => [x.id, x.name]));
  return lines.map((l) => ({
    id: l.id, at: l.at, shop: l.shopId === null ? l.source : (shops.get(l.shopId) ?? `#${l.shopId}`), mappable: l.shopId !== null,
    orderId: l.orderId, lineId: l.lineId, kind: l.kind, code: l.mallCode ?? "", quantity: l.quantity,
  }));
}

async function unmatchedPage(c: Context<UiEnv>, opts: { error?: { id: number; text: string; masterCode: string }; status?: 200 | 400 } = {}) {
  const s = c.get("session")!;
  const db = c.get("db");
  const t = c.get("t");
  const before = Number(c.req.query("before"));
  const page = await listUnmatched(db, s.account.id, { beforeId: Number.isSafeInteger(before) && before > 0 ? before : undefined, limit: PAGE + 1 });
  const list = page.slice(0, PAGE);
  const account = await getAccount(db, s.account.id);
  const applied = c.req.query("applied");
  const still = c.req.query("still");
  const notices: { kind: "ok" | "error"; text: string }[] = [];
  if (applied && /^\d+$/.test(applied)) notices.push({ kind: "ok", text: t("attention.unmatched.applied", { n: applied }) });
  if (still && /^\d+$/.test(still) && still !== "0") notices.push({ kind: "error", text: t("attention.unmatched.still", { n: still }) });
  return c.html(
    <UnmatchedPage
      frame={frame(c)}
      rows={await unmatchedRows(c, list)}
      next={page.length > PAGE ? `before=${list[list.length - 1].id}` : null}
      paged={c.req.query("before") !== undefined}
      editable={can(s.user.role, "catalog")}
      canMap={!!account?.allowCodeMapping}
      notices={notices}
      error={opts.error}
    />,
    opts.status ?? 200,
  );
}

attentionPages.get("/attention/unmatched", (c) => unmatchedPage(c));

async function ownedLine(c: Context<UiEnv>): Promise<UnmatchedLine> {
  const id = c.req.param("id") ?? "";
  const line = /^\d{1,15}$/.test(id) ? await getUnmatched(c.get("db"), c.get("session")!.account.id, Number(id)) : undefined;
  if (!line) throw notFound(`unmatched line ${id} does not exist or was already applied`);
  return line;
}

/** Takes lines in again through the StockGroups (idempotent by their original keys) and logs who did it. */
async function applyLines(c: Context<UiEnv>, lines: UnmatchedLine[], target: string) {
  const s = c.get("session")!;
  const db = c.get("db");
  const out = await applyUnmatched(c.env, db, s.account.id, lines);
  const still = out.filter((r) => r.result === "unknown_code").length;
  if (out.length > still) {
    await operationInsert(db, s.account.id, { actor: `user:${s.user.id}`, action: "sales.unmatched_apply", target, after: { resolved: out.length - still, stillUnmatched: still } });
  }
  return c.redirect(`/attention/unmatched?applied=${out.length - still}&still=${still}`, 303);
}

attentionPages.post("/attention/unmatched/:id/apply", async (c) => {
  const line = await ownedLine(c);
  return applyLines(c, [line], `sales-log:${line.id}`);
});

attentionPages.post("/attention/unmatched/apply-all", async (c) => {
  const s = c.get("session")!;
  const db = c.get("db");
  const lines: UnmatchedLine[] = [];
  for (let before: number | undefined; ; ) {
    const page = await listUnmatched(db, s.account.id, { beforeId: before, limit: 500 });
    lines.push(...page);
    if (page.length < 500 || lines.length >= 5000) break;
    before = page[page.length - 1].id;
  }
  return applyLines(c, lines.reverse(), "sales-log:unmatched");
});

const masterCodeField = z.string().trim().min(1).max(64);

/** 別品番紐づけ: on the line's shop, this product is known by the line's code; then the line is applied. */
attentionPages.post("/attention/unmatched/:id/map", async (c) => {
  const s = c.get("session")!;
  const db = c.get("db");
  const t = c.get("t");
  const line = await ownedLine(c);
  const raw = (await c.req.formData()).get("masterCode");
  const typed = typeof raw === "string" ? raw.trim() : "";
  const again = (key: "attention.unmatched.needCode" | "attention.unmatched.noProduct" | "attention.unmatched.noShop" | "attention.unmatched.planNoMapping" | "attention.unmatched.taken") =>
    unmatchedPage(c, { error: { id: line.id, text: t(key, { code: typed }), masterCode: typed }, status: 400 });
  const parsed = masterCodeField.safeParse(typed);
  if (!parsed.success) return again("attention.unmatched.needCode");
  const product = await getProductByCode(db, s.account.id, parsed.data);
  if (!product) return again("attention.unmatched.noProduct");
  const shop = line.shopId === null ? undefined : await getShop(db, s.account.id, line.shopId);
  if (!shop) return again("attention.unmatched.noShop");
  try {
    await updateListing(c.env, db, s.account.id, `user:${s.user.id}`, product, shop, { mallCode: line.mallCode ?? "" });
  } catch (err) {
    if (err instanceof AppError && err.status === 403) return again("attention.unmatched.planNoMapping");
    if (err instanceof AppError && err.status === 409) return again("attention.unmatched.taken");
    throw err;
  }
  return applyLines(c, [line], `sales-log:${line.id}`);
});
