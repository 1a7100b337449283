import type { Ledger } from "./ledger";
import type { RegisterProduct, StockError } from "./types";

// Which products a StockGroup holds and what its sets are made of. Runs inside the caller's
// transaction, like everything that touches a Ledger.

export function register(ledger: Ledger, items: RegisterProduct[], actor: string, at: number): StockError | { ok: true } {
  for (const item of items) {
    const existing = ledger.product(item.productId);
    // This function writes `products` itself: re-read rather than trust the cached row.
    ledger.forget(item.productId);
    if (existing && !existing.removed) {
      ledger.sql.exec("UPDATE products SET master_code = ? WHERE product_id = ?", item.masterCode, item.productId);
      if (existing.is_set !== (item.isSet ? 1 : 0)) {
        return { ok: false, code: "set_flag_fixed", detail: `${item.masterCode}: a product cannot become a set or stop being one` };
      }
    } else {
      ledger.sql.exec(
        `INSERT INTO products (product_id, master_code, on_hand, version, is_set, removed) VALUES (?, ?, 0, 0, ?, 0)
         ON CONFLICT(product_id) DO UPDATE SET master_code = excluded.master_code, removed = 0, is_set = excluded.is_set`,
        item.productId,
        item.masterCode,
        item.isSet ? 1 : 0,
      );
      ledger.sql.exec("DELETE FROM moved_out WHERE product_id = ?", item.productId);
      ledger.forget(item.productId);
      if (!item.isSet && item.onHand) ledger.move(item.productId, item.onHand, "set", `create:${actor}`, at);
      else ledger.markDirty(item.productId, ledger.product(item.productId)!.version);
    }
    if (item.isSet) {
      const bad = checkComponents(ledger, item);
      if (bad) return bad;
      ledger.sql.exec("DELETE FROM components WHERE set_id = ?", item.productId);
      for (const c of item.components ?? []) {
        ledger.sql.exec("INSERT INTO components (set_id, component_id, quantity) VALUES (?, ?, ?)", item.productId, c.productId, c.quantity);
      }
      ledger.markDirty(item.productId, bumpVersion(ledger, item.productId));
    }
  }
  return { ok: true };
}

function bumpVersion(ledger: Ledger, productId: number): number {
  ledger.forget(productId);
  return ledger.sql
    .exec<{ version: number }>("UPDATE products SET version = version + 1 WHERE product_id = ? RETURNING version", productId)
    .one().version;
}

function checkComponents(ledger: Ledger, item: RegisterProduct): StockError | null {
  const comps = item.components ?? [];
  if (comps.length === 0) return { ok: false, code: "set_without_components", detail: `${item.masterCode}: a set needs at least one component` };
  for (const c of comps) {
    if (c.productId === item.productId) return { ok: false, code: "set_contains_itself", detail: `${item.masterCode}: a set cannot contain itself` };
    const p = ledger.product(c.productId);
    if (!p || p.removed) {
      return { ok: false, code: "component_not_in_group", detail: `${item.masterCode}: every component must be in the same product group as the set` };
    }
    if (p.is_set) return { ok: false, code: "component_is_set", detail: `${item.masterCode}: a set cannot contain another set (${p.master_code})` };
  }
  return null;
}

export function remove(ledger: Ledger, productId: number): StockError | { ok: true } {
  const p = ledger.product(productId);
  if (!p || p.removed) return { ok: true };
  const usedIn = ledger.sql
    .exec<{ master_code: string }>(
      `SELECT s.master_code FROM components c JOIN products s ON s.product_id = c.set_id
        WHERE c.component_id = ? AND s.removed = 0 LIMIT 1`,
      productId,
    )
    .toArray()[0];
  if (usedIn) return { ok: false, code: "component_in_use", detail: `${p.master_code} is a component of the set ${usedIn.master_code}` };
  ledger.sql.exec("UPDATE products SET removed = 1 WHERE product_id = ?", productId);
  ledger.forget(productId);
  ledger.sql.exec("DELETE FROM components WHERE set_id = ?", productId);
  ledger.sql.exec("DELETE FROM dirty WHERE product_id = ?", productId);
  ledger.unmarkDirty(productId);
  return { ok: true };
}

/** A sale or cancel line. Returns null when the product is not (or no longer) here. */
