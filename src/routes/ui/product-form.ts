import { z } from "zod";
import type { Db } from "../../env";
import { getProductByCode, getProductsByCodes, type Product } from "../../db/queries/products";
import { listingByMallCode } from "../../db/queries/shops";
import type { MessageKey } from "../../lib/i18n";
import { code, masterCode } from "../../schemas/api";
import type { SyncMode } from "../../stock/figure";

// The 商品 form (登録 and 編集) as the browser posts it: every field a string, checked once here
// with messages keyed by field, so the page can show each one next to its field in Japanese.

export const COMPONENT_ROWS = 5;
const LIMIT = 9_999_999;

export interface ShopFields {
  shopId: number;
  managed: boolean;
  mallCode: string;
  manual: string;
}

/** The form exactly as typed, to draw it again with its errors. */
export interface ProductForm {
  masterCode: string;
  name: string;
  groupId: string;
  reserved: string;
  lowStockThreshold: string;
  syncMode: string;
  onHand: string;
  components: { code: string; qty: string }[];
  shops: ShopFields[];
}

export type FieldErrors = Record<string, { key: MessageKey; params?: Record<string, string | number> }>;

export interface CheckedProduct {
  masterCode: string;
  name: string;
  groupId: number;
  reserved: number | null;
  lowStockThreshold: number | null;
  syncMode: SyncMode;
  onHand: number | undefined;
  components: { masterCode: string; quantity: number }[];
  shops: { shopId: number; managed: boolean; mallCode: string | null; manualFigure: number | null }[];
}

const str = (v: unknown) => (typeof v === "string" ? v : "");

export function readProductForm(body: Record<string, unknown>, shopIds: number[]): ProductForm {
  const components: ProductForm["components"] = [];
  for (let i = 0; i < 50; i++) {
    if (!(`comp.code.${i}` in body)) break;
    components.push({ code: str(body[`comp.code.${i}`]).trim(), qty: str(body[`comp.qty.${i}`]).trim() });
  }
  return {
    masterCode: str(body.masterCode).trim(),
    name: str(body.name),
    groupId: str(body.group),
    reserved: str(body.reserved).trim(),
    lowStockThreshold: str(body.lowStockThreshold).trim(),
    syncMode: str(body.syncMode),
    onHand: str(body.onHand).trim(),
    components,
    // Only shops that were on the form: a shop added meanwhile must not turn 対象外 by omission.
    shops: shopIds
      .filter((id) => body[`shop.${id}.shown`] === "1")
      .map((id) => ({ shopId: id, managed: body[`shop.${id}.managed`] === "1", mallCode: str(body[`shop.${id}.mallCode`]), manual: str(body[`shop.${id}.manual`]).trim() })),
  };
}

const int = (min: number, max: number) => z.string().regex(/^-?\d{1,8}$/).transform(Number).pipe(z.number().int().min(min).max(max));
const optionalCount = (v: string) => (v === "" ? { ok: true as const, value: null } : parsed(int(0, LIMIT), v));

function parsed<T>(schema: z.ZodType<T, string>, v: string): { ok: true; value: T } | { ok: false } {
  const r = schema.safeParse(v);
  return r.success ? { ok: true, value: r.data } : { ok: false };
}

export interface CheckContext {
  db: Db;
  accountId: number;
  /** The product being edited; undefined when registering. */
  product?: Product;
  groupIds: number[];
  allowSets: boolean;
  allowCodeMapping: boolean;
  /** The current mall code of each shop's listing, to tell a changed mapping from a kept one. */
  currentMallCodes: Map<number, string | null>;
}

/** Checks the form; returns the values to save or the errors to show next to their fields. */
export async function checkProductForm(f: ProductForm, ctx: CheckContext): Promise<{ ok: true; value: CheckedProduct } | { ok: false; errors: FieldErrors }> {
  const errors: FieldErrors = {};
  const isNew = !ctx.product;
  const own = isNew ? f.masterCode : ctx.product!.masterCode;
  if (isNew) {
    if (!masterCode.safeParse(f.masterCode).success) errors.masterCode = { key: "product.err.code" };
    else if (await getProductByCode(ctx.db, ctx.accountId, f.masterCode)) errors.masterCode = { key: "product.err.codeTaken" };
  }
  const name = f.name.trim();
  if (name === "" || name.length > 255 || /[\x00-\x1F\x7F]/.test(name)) errors.name = { key: "product.err.name" };
  const groupId = Number(f.groupId);
  if (!ctx.groupIds.includes(groupId)) errors.group = { key: "product.err.group" };
  const reserved = optionalCount(f.reserved);
  if (!reserved.ok) errors.reserved = { key: "product.err.count" };
  const low = optionalCount(f.lowStockThreshold);
  if (!low.ok) errors.lowStockThreshold = { key: "product.err.count" };
  const syncMode = (["auto", "manual", "stopped"] as const).find((m) => m === f.syncMode);
  if (!syncMode) errors.syncMode = { key: "product.err.syncMode" };

  // セット構成: rows left blank are ignored; a product becomes a set only when registered as one.
  const rows = f.components.map((c, i) => ({ ...c, i })).filter((c) => c.code !== "" || c.qty !== "");
  const isSet = isNew ? rows.length > 0 : ctx.product!.isSet;
  if (isSet && !isNew && rows.length === 0) errors["comp.code.0"] = { key: "product.err.compNone" };
  if (!isNew && !ctx.product!.isSet && rows.length > 0) errors["comp.code.0"] = { key: "product.err.notSet" };
  if (isNew && isSet && !ctx.allowSets) errors["comp.code.0"] = { key: "product.err.setPlan" };
  const components: CheckedProduct["components"] = [];
  const found = new Map((await getProductsByCodes(ctx.db, ctx.accountId, rows.map((r) => r.code).filter((c) => c !== ""))).map((p) => [p.masterCode, p]));
  const seen = new Set<string>();
  for (const r of rows) {
    const qty = parsed(int(1, 999), r.qty);
    if (!qty.ok) errors[`comp.qty.${r.i}`] = { key: "product.err.compQty" };
    const p = found.get(r.code);
    let err: FieldErrors[string] | undefined;
    if (r.code === "") err = { key: "product.err.compCode" };
    else if (r.code === own) err = { key: "product.err.compSelf" };
    else if (seen.has(r.code)) err = { key: "product.err.compTwice", params: { code: r.code } };
    else if (!p) err = { key: "product.err.compUnknown", params: { code: r.code } };
    else if (p.isSet) err = { key: "product.err.compSet", params: { code: r.code } };
    else if (Number.isFinite(groupId) && p.groupId !== groupId && (isNew || groupId === ctx.product!.groupId)) {
      // Moving a set moves its components with it; a new set must already share their group.
      err = { key: "product.err.compGroup", params: { code: r.code } };
    }
    seen.add(r.code);
    if (err) errors[`comp.code.${r.i}`] = err;
    else if (qty.ok) components.push({ masterCode: r.code, quantity: qty.value });
  }

  let onHand: number | undefined;
  if (isNew && !isSet && f.onHand !== "") {
    const v = parsed(int(-LIMIT, LIMIT), f.onHand);
    if (v.ok) onHand = v.value;
    else errors.onHand = { key: "product.err.onHand" };
  }

  const shops: CheckedProduct["shops"] = [];
  for (const s of f.shops) {
    const manual = optionalCount(s.manual);
    if (!manual.ok) errors[`shop.${s.shopId}.manual`] = { key: "product.err.count" };
    const mall = s.mallCode.trim() === "" ? null : s.mallCode.trim();
    if (mall !== null && !code200.safeParse(mall).success) errors[`shop.${s.shopId}.mallCode`] = { key: "product.err.mallCode" };
    else if (mall !== null && mall !== (ctx.currentMallCodes.get(s.shopId) ?? null)) {
      if (!ctx.allowCodeMapping) errors[`shop.${s.shopId}.mallCode`] = { key: "product.err.mappingPlan" };
      else {
        const taken = await listingByMallCode(ctx.db, ctx.accountId, s.shopId, mall);
        if (taken && taken.productId !== ctx.product?.id) errors[`shop.${s.shopId}.mallCode`] = { key: "product.err.mallCodeTaken" };
      }
    }
    if (manual.ok) shops.push({ shopId: s.shopId, managed: s.managed, mallCode: mall, manualFigure: manual.value });
  }

  if (Object.keys(errors).length || !reserved.ok || !low.ok || !syncMode) return { ok: false, errors };
  return {
    ok: true,
    value: { masterCode: own, name, groupId, reserved: reserved.value, lowStockThreshold: low.value, syncMode, onHand, components, shops },
  };
}

const code200 = code(200);
