import type { z } from "zod";
import { MallError, type MallContext, type PushItem, type PushResult, type StockReading } from "../types";
import { ShopifySession } from "./client";
import type { ShopifyCredentials } from "./credentials";
import { SET_QUANTITIES_DOC } from "./documents";
import { readLevels, resolveLocation, resolveSkus } from "./lookup";
import { setQuantitiesData, type SetUserError } from "./schemas";

type Ctx = MallContext<ShopifyCredentials>;

/** Global GraphQL input-array limit (MALLS.md §1 Batch size). */
export const MAX_ROWS = 250;
/** Retries of one batch after per-row userErrors removed the rejected rows. */
const MAX_ATTEMPTS = 4;
/**
 * Resends of one attempt, under the same idempotency key, after its answer was lost (timeout,
 * network, 5xx) or Shopify was still working on it (IDEMPOTENCY_CONCURRENT_REQUEST).
 */
const SAME_KEY_RESENDS = 1;
const RESEND_DELAY_MS = 1_000;
/** Codes after which a cached ref is re-resolved from the SKU once. */
const STALE_REF_CODES = new Set(["INVALID_INVENTORY_ITEM", "ITEM_NOT_STOCKED_AT_LOCATION"]);

interface Row {
  idx: number;
  code: string;
  inventoryItemId: string;
  quantity: number;
  expected: number | null;
  fromRef: boolean;
}

export async function readStock(ctx: Ctx, codes: string[]): Promise<StockReading[]> {
  if (codes.length === 0) return [];
  const s = new ShopifySession(ctx);
  const locationId = await resolveLocation(s);
  const found = await resolveSkus(s, codes, locationId, true);
  return codes.map((mallCode) => {
    const r = found.get(mallCode);
    return { mallCode, quantity: r?.ok && r.stocked ? r.available : null };
  });
}

export async function pushStock(ctx: Ctx, items: PushItem[]): Promise<PushResult[]> {
  if (items.length === 0) return [];
  const s = new ShopifySession(ctx);
  const results: PushResult[] = new Array(items.length);
  const locationId = await resolveLocation(s, items.find((i) => i.ref?.locationId)?.ref?.locationId);
  const done = new Results(results, locationId);

  const rows: Row[] = [];
  const toResolve: number[] = [];
  items.forEach((it, idx) => {
    if (!Number.isInteger(it.quantity) || it.quantity < 0 || it.quantity > 1_000_000_000) {
      done.fail({ idx, code: it.mallCode }, "INVALID_QUANTITY", `在庫数 ${it.quantity} は 0〜1,000,000,000 の整数ではありません`);
      return;
    }
    const ref = it.ref;
    const row = { idx, code: it.mallCode, quantity: it.quantity, expected: it.expected ?? null };
    if (ref?.inventoryItemId && ref.locationId === locationId) rows.push({ ...row, inventoryItemId: ref.inventoryItemId, fromRef: true });
    else toResolve.push(idx);
  });
  if (toResolve.length > 0) {
    const found = await resolveSkus(s, toResolve.map((i) => items[i].mallCode), locationId, false);
    for (const idx of toResolve) {
      const it = items[idx];
      const r = found.get(it.mallCode)!;
      if (!r.ok) done.fail({ idx, code: it.mallCode }, r.code, r.message);
      else rows.push({ idx, code: it.mallCode, inventoryItemId: r.inventoryItemId, quantity: it.quantity, expected: it.expected ?? null, fromRef: false });
    }
  }

  const staleRefs: Row[] = [];
  for (const batch of batches(rows)) staleRefs.push(...(await setBatch(s, batch, locationId, done)));
  if (staleRefs.length > 0) {
    // A cached inventory item that Shopify no longer knows (variant re-created): look the SKU up again.
    const found = await resolveSkus(s, staleRefs.map((r) => r.code), locationId, false);
    const again = staleRefs.flatMap((r) => {
      const f = found.get(r.code);
      return f?.ok && f.inventoryItemId !== r.inventoryItemId ? [{ ...r, inventoryItemId: f.inventoryItemId, fromRef: false }] : [];
    });
    for (const batch of batches(again)) await setBatch(s, batch, locationId, done);
  }
  return results;
}

class Results {
  constructor(
    readonly list: PushResult[],
    readonly locationId: string,
  ) {}
  ok(r: Row) {
    this.list[r.idx] = { mallCode: r.code, ok: true, ref: { inventoryItemId: r.inventoryItemId, locationId: this.locationId } };
  }
  /** `observed`: what Shopify showed when it refused a compare-and-swap (null: could not read it). */
  fail(r: Pick<Row, "idx" | "code"> & Partial<Row>, code: string | null, message: string, observed?: number | null) {
    this.list[r.idx] = {
      mallCode: r.code,
      ok: false,
      error: { errorClass: "item", message, code: code ?? undefined },
      ...(r.inventoryItemId ? { ref: { inventoryItemId: r.inventoryItemId, locationId: this.locationId } } : {}),
      ...(observed !== undefined ? { observed } : {}),
    };
  }
}

/** ≤250 rows per call, and one (item, location) at most once per call (a later value goes later). */
export function batches<T extends { inventoryItemId: string }>(rows: T[]): T[][] {
  const out: { rows: T[]; ids: Set<string> }[] = [];
  for (const r of rows) {
    let b = out.find((x) => x.rows.length < MAX_ROWS && !x.ids.has(r.inventoryItemId));
    if (!b) out.push((b = { rows: [], ids: new Set() }));
    b.rows.push(r);
    b.ids.add(r.inventoryItemId);
  }
  return out.map((b) => b.rows);
}

/** `field: ["input","quantities","3",…]` → row 3. [verify] the exact path Shopify reports. */
function rowIndex(field: string[] | null): number | undefined {
  if (!field || field[0] !== "input" || field[1] !== "quantities") return undefined;
  const n = Number(field[2]);
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

/**
 * A key names one logical request (Shopify, "Implementing idempotency"): one attempt of one batch
 * of one pushStock call. Only that attempt's own resends reuse it. Never derive it from the
 * figures: 5 → 4 → 5 → 4 would send the second "4" under the first one's key, and Shopify would
 * answer it from the first one without applying it.
 */
export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/**
 * One inventorySetQuantities call per attempt. Rows Shopify rejects are reported as item errors and
 * the rest are sent again (the mutation applies nothing when any row fails [verify]: if Shopify
 * ever returns an adjustment group alongside userErrors, the other rows count as applied).
 * Returns rows whose cached ref turned out stale.
 */
async function setBatch(s: ShopifySession, rows: Row[], locationId: string, done: Results): Promise<Row[]> {
  const staleRefs: Row[] = [];
  let pending = rows;
  for (let attempt = 0; attempt < MAX_ATTEMPTS && pending.length > 0; attempt++) {
    const quantities = pending.map((r) => ({
      inventoryItemId: r.inventoryItemId,
      locationId,
      quantity: r.quantity,
      // Mandatory from 2026-04: explicit null skips the compare-and-swap.
      changeFromQuantity: r.expected,
    }));
    // Each attempt is a new request (its rows differ from the last one's, or Shopify asked for a
    // new key), so it gets a key of its own.
    const key = newIdempotencyKey();
    const input = { name: "available", reason: "correction", referenceDocumentUri: `gid://kura/InventorySync/${key}`, quantities };
    const payload = await sendAttempt(s, input, key);
    if (payload.userErrors.length === 0) {
      pending.forEach((r) => done.ok(r));
      return staleRefs;
    }
    const codes = payload.userErrors.map((e) => e.code);
    if (codes.includes("IDEMPOTENCY_CONCURRENT_REQUEST")) {
      throw new MallError("transient", "Shopify: 同じ在庫更新が処理中です", { code: "IDEMPOTENCY_CONCURRENT_REQUEST", retryAfterSec: 2 });
    }
    if (codes.includes("IDEMPOTENCY_PREVIOUS_ATTEMPT_FAILED")) continue; // Shopify: retry with a new key
    if (codes.includes("IDEMPOTENCY_KEY_PARAMETER_MISMATCH")) {
      // Cannot happen with one fresh key per attempt; should it, the batch is not known to be applied.
      throw new MallError("transient", "Shopify: 冪等キーが別の要求に使われています", { code: "IDEMPOTENCY_KEY_PARAMETER_MISMATCH" });
    }
    const failed = new Map<number, SetUserError>();
    let general: SetUserError | undefined;
    for (const ue of payload.userErrors) {
      const i = rowIndex(ue.field);
      if (i !== undefined && i < pending.length) failed.set(i, ue);
      else general ??= ue;
    }
    if (general) {
      pending.forEach((r) => done.fail(r, general!.code, `Shopify: ${general!.message}`));
      return staleRefs;
    }
    await reportRejected(s, pending, failed, locationId, done, staleRefs);
    const rest = pending.filter((_, i) => !failed.has(i));
    if (payload.inventoryAdjustmentGroup) {
      rest.forEach((r) => done.ok(r));
      return staleRefs;
    }
    pending = rest;
  }
  pending.forEach((r) => done.fail(r, "RETRY_EXHAUSTED", "Shopify: 在庫更新を再試行しましたが完了しませんでした"));
  return staleRefs;
}

type SetPayload = NonNullable<z.infer<typeof setQuantitiesData>["inventorySetQuantities"]>;

/**
 * One attempt: the mutation under its key, resent under the SAME key when the answer was lost
 * (timeout, network, 5xx — Shopify may have applied it; the key makes it answer from that instead
 * of applying again) or when Shopify was still working on it (IDEMPOTENCY_CONCURRENT_REQUEST).
 */
async function sendAttempt(s: ShopifySession, input: Record<string, unknown>, key: string): Promise<SetPayload> {
  for (let resend = 0; ; resend++) {
    let payload: SetPayload | null;
    try {
      payload = (await s.gql(SET_QUANTITIES_DOC, { input, idempotencyKey: key }, setQuantitiesData)).inventorySetQuantities;
    } catch (e) {
      if (e instanceof MallError && e.errorClass === "transient" && resend < SAME_KEY_RESENDS) {
        await s.sleep(RESEND_DELAY_MS);
        continue;
      }
      throw e;
    }
    if (!payload) throw new MallError("transient", "Shopify: inventorySetQuantities が結果を返しませんでした");
    const concurrent = payload.userErrors.some((e) => e.code === "IDEMPOTENCY_CONCURRENT_REQUEST");
    if (concurrent && resend < SAME_KEY_RESENDS) {
      await s.sleep(RESEND_DELAY_MS);
      continue;
    }
    return payload;
  }
}

/**
 * CHANGE_FROM_QUANTITY_STALE is the oversell guard: Shopify's figure moved since Kura last saw it
 * (usually a sale not yet taken in). The push is NOT forced; the item fails with the current figure
 * so the engine takes in orders and recomputes. Exception: Shopify already shows the target (an
 * earlier attempt of this very push was applied) — that is success.
 */
async function reportRejected(
  s: ShopifySession,
  pending: Row[],
  failed: Map<number, SetUserError>,
  locationId: string,
  done: Results,
  staleRefs: Row[],
): Promise<void> {
  const stale = [...failed].filter(([, ue]) => ue.code === "CHANGE_FROM_QUANTITY_STALE").map(([i]) => pending[i]);
  const current = stale.length > 0 ? await readLevels(s, stale.map((r) => r.inventoryItemId), locationId) : new Map();
  for (const [i, ue] of failed) {
    const r = pending[i];
    if (ue.code === "CHANGE_FROM_QUANTITY_STALE") {
      const cur = current.get(r.inventoryItemId);
      if (cur === r.quantity) done.ok(r);
      else done.fail(r, ue.code, `Shopify の在庫が想定 (${r.expected}) と異なります (現在 ${cur ?? "不明"})`, cur ?? null);
      continue;
    }
    done.fail(r, ue.code, `Shopify: ${ue.message}`);
    if (r.fromRef && ue.code && STALE_REF_CODES.has(ue.code)) staleRefs.push(r);
  }
}
