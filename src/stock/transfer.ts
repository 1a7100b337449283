import type { SaleLineIn } from "./types";

// Moving products between groups: the old object hands its rows to the new one. Sets move with
// their components (the whole connected family), so "a set and its components share a group"
// holds on both sides at every moment.

export interface Handoff {
  moveId: string;
  fromGroupId: number;
  products: { product_id: number; master_code: string; on_hand: number; version: number; is_set: number }[];
  components: { set_id: number; component_id: number; quantity: number }[];
  applied: { key: string; product_id: number; sold: number; cancelled: number; effects: string | null; at: number }[];
  movements: { product_id: number; delta: number; reason: string; ref: string; on_hand_after: number; at: number }[];
  pending: { key: string; kind: string; product_id: number; line: string }[];
}

/** The family of products that must move together with `ids`. */
export function family(sql: SqlStorage, ids: number[]): number[] {
  const seen = new Set(ids);
  let frontier = [...ids];
  while (frontier.length) {
    const next: number[] = [];
    for (const id of frontier) {
      const rows = sql
        .exec<{ id: number }>(
          `SELECT component_id AS id FROM components WHERE set_id = ?1
           UNION SELECT set_id AS id FROM components WHERE component_id = ?1`,
          id,
        )
        .toArray();
      for (const r of rows) if (!seen.has(r.id)) (seen.add(r.id), next.push(r.id));
    }
    frontier = next;
  }
  return [...seen].sort((a, b) => a - b);
}

/** Takes the family out of this object (inside the caller's transaction) and returns the handoff. */
export function takeOut(sql: SqlStorage, ids: number[], moveId: string, fromGroupId: number, toGroupId: number, at: number): Handoff {
  const h: Handoff = { moveId, fromGroupId, products: [], components: [], applied: [], movements: [], pending: [] };
  for (const id of ids) {
    h.products.push(...sql.exec<Handoff["products"][number]>("SELECT product_id, master_code, on_hand, version, is_set FROM products WHERE product_id = ? AND removed = 0", id).toArray());
    h.components.push(...sql.exec<Handoff["components"][number]>("SELECT set_id, component_id, quantity FROM components WHERE set_id = ?", id).toArray());
    h.applied.push(...sql.exec<Handoff["applied"][number]>("SELECT key, product_id, sold, cancelled, effects, at FROM applied WHERE product_id = ?", id).toArray());
    h.movements.push(
      ...sql.exec<Handoff["movements"][number]>("SELECT product_id, delta, reason, ref, on_hand_after, at FROM movements WHERE product_id = ? ORDER BY id", id).toArray(),
    );
    h.pending.push(...sql.exec<Handoff["pending"][number]>("SELECT key, kind, product_id, line FROM pending WHERE product_id = ?", id).toArray());
    for (const t of ["components WHERE set_id", "applied WHERE product_id", "movements WHERE product_id", "pending WHERE product_id", "dirty WHERE product_id", "products WHERE product_id"]) {
      sql.exec(`DELETE FROM ${t} = ?`, id);
    }
    sql.exec("INSERT INTO moved_out (product_id, to_group, at) VALUES (?, ?, ?) ON CONFLICT(product_id) DO UPDATE SET to_group = excluded.to_group, at = excluded.at", id, toGroupId, at);
  }
  sql.exec("INSERT INTO handoffs (move_id, to_group, payload) VALUES (?, ?, ?)", moveId, toGroupId, JSON.stringify(h));
  return h;
}

/** Puts a handoff into this object (inside the caller's transaction). Returns the parked lines to apply. */
export function takeIn(sql: SqlStorage, h: Handoff, at: number): SaleLineIn[] | null {
  if (sql.exec("SELECT 1 FROM adopted WHERE move_id = ?", h.moveId).toArray().length) return null;
  sql.exec("INSERT INTO adopted (move_id, at) VALUES (?, ?)", h.moveId, at);
  for (const p of h.products) {
    sql.exec(
      `INSERT INTO products (product_id, master_code, on_hand, version, is_set, removed) VALUES (?, ?, ?, ?, ?, 0)
       ON CONFLICT(product_id) DO UPDATE SET master_code = excluded.master_code, on_hand = excluded.on_hand,
         version = excluded.version, is_set = excluded.is_set, removed = 0`,
      p.product_id, p.master_code, p.on_hand, p.version, p.is_set,
    );
    sql.exec("DELETE FROM moved_out WHERE product_id = ?", p.product_id);
    sql.exec("INSERT INTO dirty (product_id, version) VALUES (?, ?) ON CONFLICT(product_id) DO UPDATE SET version = excluded.version", p.product_id, p.version);
  }
  for (const c of h.components) sql.exec("INSERT OR REPLACE INTO components (set_id, component_id, quantity) VALUES (?, ?, ?)", c.set_id, c.component_id, c.quantity);
  for (const a of h.applied) {
    sql.exec("INSERT OR REPLACE INTO applied (key, product_id, sold, cancelled, effects, at) VALUES (?, ?, ?, ?, ?, ?)", a.key, a.product_id, a.sold, a.cancelled, a.effects, a.at);
  }
  for (const m of h.movements) {
    sql.exec("INSERT INTO movements (product_id, delta, reason, ref, on_hand_after, at) VALUES (?, ?, ?, ?, ?, ?)", m.product_id, m.delta, m.reason, m.ref, m.on_hand_after, m.at);
  }
  // Lines parked at the old object and lines that reached this one first are both applied now.
  const parked = [...h.pending];
  for (const p of h.products) {
    parked.push(...sql.exec<Handoff["pending"][number]>("SELECT key, kind, product_id, line FROM pending WHERE product_id = ?", p.product_id).toArray());
    sql.exec("DELETE FROM pending WHERE product_id = ?", p.product_id);
  }
  return parked.map((p) => JSON.parse(p.line) as SaleLineIn);
}
