import type { Context, Hono } from "hono";
import { isoJst, naiveJst } from "./jst";
import { skuKey, type RakutenSimState } from "./state";

// Inventory API 2.0 (bulk-upsert ≤ 400, bulk-get ≤ 1000) and License Management API
// (expiry-date), with the documented validation and error envelope:
// 400 { errors: [{ code, message, metadata: { propertyPath } }] } [doc]. Codes for cases the
// documentation does not spell out (list size, characters, mode) are marked [verify].

type Err = { code: string; message: string; metadata: { propertyPath: string } };
const PART = /^[A-Za-z0-9_-]+$/;
const bytes = (s: string) => new TextEncoder().encode(s).length;

function checkId(v: unknown, name: "manageNumber" | "variantId", at: string, errs: Err[]): v is string {
  const propertyPath = `${at}.${name}`;
  if (typeof v !== "string" || v === "") {
    errs.push({ code: "IE0105", message: `${name} is required.`, metadata: { propertyPath } }); // [verify]
    return false;
  }
  if (bytes(v) > 32) {
    errs.push({ code: "IE0004", message: `Max length of ${name} must be within 32 bytes.`, metadata: { propertyPath } });
    return false;
  }
  if (!PART.test(v)) {
    errs.push({ code: "IE0105", message: `${name} has an invalid value : ${v}.`, metadata: { propertyPath } }); // [verify]
    return false;
  }
  return true;
}

function listOf(body: unknown, max: number, errs: Err[]): unknown[] {
  const list = (body as { inventories?: unknown } | null)?.inventories;
  if (!Array.isArray(list) || list.length < 1 || list.length > max) {
    // [verify] code for a list outside 1..max
    errs.push({ code: "IE0003", message: `inventories size must be between 1 and ${max}.`, metadata: { propertyPath: "inventories" } });
    return [];
  }
  return list;
}

async function jsonBody(c: Context): Promise<unknown> {
  try {
    return await c.req.json();
  } catch {
    return null;
  }
}

export function inventoryRoutes(app: Hono, state: RakutenSimState): void {
  app.get("/es/1.0/license-management/license-key/expiry-date", (c) => {
    const key = c.req.query("licenseKey");
    if (!key) return c.json({ errors: [{ code: "GE0002", message: "licenseKey is required." }] }, 400); // [verify]
    // The gateway already authenticated this very key; another key of the shop is not modelled.
    if (key !== state.credentials.licenseKey) return c.json({ errors: [{ code: "GE0014", message: "Not found for inputs; licenseKey" }] }, 404);
    return c.json({ expiryDate: naiveJst(state.credentials.expiresAt) });
  });

  app.post("/es/2.0/inventories/bulk-upsert", async (c) => {
    const errs: Err[] = [];
    const rows = listOf(await jsonBody(c), 400, errs);
    const valid: { mn: string; vid: string; mode: string; quantity: number }[] = [];
    rows.forEach((raw, i) => {
      const at = `inventories[${i}]`;
      const r = (raw ?? {}) as Record<string, unknown>;
      const okMn = checkId(r.manageNumber, "manageNumber", at, errs);
      const okVid = checkId(r.variantId, "variantId", at, errs);
      const mode = r.mode;
      if (mode !== "ABSOLUTE" && mode !== "RELATIVE") {
        errs.push({ code: "IE0105", message: "mode must be ABSOLUTE or RELATIVE.", metadata: { propertyPath: `${at}.mode` } }); // [verify]
      }
      const q = r.quantity;
      if (typeof q !== "number" || !Number.isInteger(q)) {
        errs.push({ code: "IE0002", message: `quantity has an invalid value : ${String(q)}.`, metadata: { propertyPath: `${at}.quantity` } });
      } else if (mode === "ABSOLUTE" ? q < 0 || q > 99_999 : q < -99_999 || q > 99_999) {
        errs.push({ code: "IE0003", message: "quantity must be between 0 and 99999.", metadata: { propertyPath: `${at}.quantity` } });
      } else if (okMn && okVid && typeof mode === "string") {
        valid.push({ mn: (r.manageNumber as string).toLowerCase(), vid: r.variantId as string, mode, quantity: q });
      }
    });
    if (errs.length > 0) return c.json({ errors: errs }, 400); // nothing is applied
    const t = state.now();
    state.purgeParked();
    for (const r of valid) {
      const key = skuKey(r.mn, r.vid);
      const sku = state.skus.get(key);
      if (sku) {
        sku.quantity = r.mode === "ABSOLUTE" ? r.quantity : Math.max(0, sku.quantity + r.quantity);
        sku.updated = t;
      } else {
        // Unknown item/SKU: no error; the figure is kept where nobody can see it [doc].
        const prev = state.parked.get(key)?.quantity ?? 0;
        state.parked.set(key, { quantity: r.mode === "ABSOLUTE" ? r.quantity : prev + r.quantity, updated: t });
      }
    }
    return c.body(null, 204);
  });

  app.post("/es/2.0/inventories/bulk-get", async (c) => {
    const errs: Err[] = [];
    const rows = listOf(await jsonBody(c), 1000, errs);
    const wanted: string[] = [];
    rows.forEach((raw, i) => {
      const r = (raw ?? {}) as Record<string, unknown>;
      const a = checkId(r.manageNumber, "manageNumber", `inventories[${i}]`, errs);
      const b = checkId(r.variantId, "variantId", `inventories[${i}]`, errs);
      if (a && b) wanted.push(skuKey(r.manageNumber as string, r.variantId as string));
    });
    if (errs.length > 0) return c.json({ errors: errs }, 400);
    const inventories = wanted
      .map((k) => state.skus.get(k))
      .filter((s) => s !== undefined)
      .map((s) => ({
        manageNumber: s.manageNumber,
        variantId: s.variantId,
        quantity: s.quantity,
        created: isoJst(s.created),
        updated: isoJst(s.updated),
      }));
    return c.json({ inventories });
  });
}
