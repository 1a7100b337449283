// The StockGroup object's own SQLite schema, versioned in a table of our own
// (PRAGMA user_version is not available to Durable Objects).

const MIGRATIONS: string[][] = [
  [
    `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    `CREATE TABLE products (
       product_id INTEGER PRIMARY KEY, master_code TEXT NOT NULL, on_hand INTEGER NOT NULL DEFAULT 0,
       version INTEGER NOT NULL DEFAULT 0, is_set INTEGER NOT NULL DEFAULT 0, removed INTEGER NOT NULL DEFAULT 0)`,
    `CREATE TABLE components (set_id INTEGER NOT NULL, component_id INTEGER NOT NULL, quantity INTEGER NOT NULL,
       PRIMARY KEY (set_id, component_id))`,
    `CREATE INDEX components_component ON components (component_id)`,
    // Append-only ledger.
    `CREATE TABLE movements (id INTEGER PRIMARY KEY AUTOINCREMENT, product_id INTEGER NOT NULL, delta INTEGER NOT NULL,
       reason TEXT NOT NULL, ref TEXT NOT NULL, on_hand_after INTEGER NOT NULL, at INTEGER NOT NULL)`,
    `CREATE INDEX movements_product ON movements (product_id, id)`,
    // Idempotency: sale lines (sold / cumulative cancelled / what the sale took) and API requests.
    `CREATE TABLE applied (key TEXT PRIMARY KEY, product_id INTEGER NOT NULL, sold INTEGER NOT NULL,
       cancelled INTEGER NOT NULL, effects TEXT, at INTEGER NOT NULL)`,
    `CREATE INDEX applied_product ON applied (product_id)`,
    // Lines for a product that is on its way into this group (move or registration in flight).
    `CREATE TABLE pending (key TEXT NOT NULL, kind TEXT NOT NULL, product_id INTEGER NOT NULL, line TEXT NOT NULL,
       PRIMARY KEY (key, kind))`,
    `CREATE TABLE moved_out (product_id INTEGER PRIMARY KEY, to_group INTEGER NOT NULL, at INTEGER NOT NULL)`,
    `CREATE TABLE handoffs (move_id TEXT PRIMARY KEY, to_group INTEGER NOT NULL, payload TEXT NOT NULL)`,
    `CREATE TABLE adopted (move_id TEXT PRIMARY KEY, at INTEGER NOT NULL)`,
    // Outbox: products whose projection is stale, and log rows for D1.
    `CREATE TABLE dirty (product_id INTEGER PRIMARY KEY, version INTEGER NOT NULL)`,
    `CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, payload TEXT NOT NULL)`,
  ],
];

export function migrate(sql: SqlStorage) {
  sql.exec("CREATE TABLE IF NOT EXISTS _schema (version INTEGER NOT NULL)");
  const current = sql.exec<{ v: number | null }>("SELECT MAX(version) AS v FROM _schema").one().v ?? 0;
  for (let v = current; v < MIGRATIONS.length; v++) {
    for (const stmt of MIGRATIONS[v]) sql.exec(stmt);
    sql.exec("INSERT INTO _schema (version) VALUES (?)", v + 1);
  }
}
