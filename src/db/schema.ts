import { sql } from "drizzle-orm";
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

// D1 holds the catalog and everything people search. Stock itself lives in the StockGroup
// Durable Objects; `stock` below is their projection. Every merchant table carries account_id
// and every query in src/db/queries is scoped by it.

const now = sql`(CAST(unixepoch('subsec') * 1000 AS INTEGER))`;
const createdAt = () => integer({ mode: "number" }).notNull().default(now);

export const accounts = sqliteTable("accounts", {
  id: integer().primaryKey({ autoIncrement: true }),
  name: text().notNull(),
  maxProducts: integer().notNull().default(1000),
  maxShops: integer().notNull().default(5),
  // Plan options (SPEC §9). Kura includes them by default; the operator may switch them off.
  allowSets: integer({ mode: "boolean" }).notNull().default(true),
  allowCodeMapping: integer({ mode: "boolean" }).notNull().default(true),
  // The random local part of the account's inbound order-mail address (<token>@INBOUND_EMAIL_DOMAIN):
  // a mail is taken in for the account whose token it was sent to, and for no other.
  inboundToken: text(),
  createdAt: createdAt(),
}, (t) => [uniqueIndex("accounts_inbound_token_uq").on(t.inboundToken)]);

export const users = sqliteTable(
  "users",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    email: text().notNull(),
    passwordHash: text().notNull(),
    role: text({ enum: ["owner", "admin", "staff", "viewer"] }).notNull(),
    name: text().notNull().default(""), // shown in the staff list and in 操作ログ
    // A disabled user cannot log in and their sessions are ended; the row stays for the logs.
    disabledAt: integer(),
    createdAt: createdAt(),
  },
  (t) => [uniqueIndex("users_email_uq").on(t.email), index("users_account_idx").on(t.accountId)],
);

export const sessions = sqliteTable(
  "sessions",
  {
    // SHA-256 of the random session id; the cookie holds the id itself.
    idHash: text().primaryKey(),
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    userId: integer().notNull().references(() => users.id, { onDelete: "cascade" }),
    csrfToken: text().notNull(),
    expiresAt: integer().notNull(), // absolute expiry
    // Idle expiry counts from here; refreshed at most once a minute so a page view costs no write.
    // A constant default: SQLite cannot add a column whose default is an expression.
    lastSeenAt: integer().notNull().default(0),
    createdAt: createdAt(),
  },
  (t) => [index("sessions_user_idx").on(t.userId)],
);

// Failed dashboard logins per key ("email:<address>" or "ip:<address>") in a fixed window: the
// login rate limit. D1, not a Durable Object: a login is rare, and one row read per attempt is cheap.
export const loginFailures = sqliteTable("login_failures", {
  key: text().primaryKey(),
  windowStart: integer().notNull(),
  failures: integer().notNull(),
});

export const apiTokens = sqliteTable(
  "api_tokens",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    name: text().notNull(),
    // SHA-256 (hex) of the token; the token itself is shown once and never stored.
    tokenHash: text().notNull(),
    // JSON array of scopes: "read", "write".
    scopes: text({ mode: "json" }).$type<string[]>().notNull(),
    createdAt: createdAt(),
    lastUsedAt: integer(),
    revokedAt: integer(),
  },
  (t) => [uniqueIndex("api_tokens_hash_uq").on(t.tokenHash), index("api_tokens_account_idx").on(t.accountId)],
);

export const settings = sqliteTable("settings", {
  accountId: integer().primaryKey().references(() => accounts.id, { onDelete: "cascade" }),
  // 在庫連動: when off, nothing is imported or pushed for the account.
  syncEnabled: integer({ mode: "boolean" }).notNull().default(true),
  // 在庫反映間隔 in minutes, 3–20.
  reflectIntervalMin: integer().notNull().default(5),
  // 在庫少 threshold for products without their own; null: no warning.
  lowStockDefault: integer(),
  // Where notifications (在庫少, 停止中 shops, expiring credentials) are mailed: a JSON array of addresses.
  notifyEmails: text({ mode: "json" }).$type<string[]>().notNull().default([]),
  // Kura's own public origin (https://kura.example.jp): where malls deliver webhooks. Null: no
  // webhooks are registered and polling alone takes orders in.
  publicUrl: text(),
  updatedAt: createdAt(),
});

export const groups = sqliteTable(
  "groups",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    name: text().notNull(),
    isDefault: integer({ mode: "boolean" }).notNull().default(false),
    reserved: integer(), // 確保在庫
    ratio: integer(), // 在庫比率, percent
    salesLimit: integer(), // 販売制限
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [uniqueIndex("groups_account_name_uq").on(t.accountId, t.name)],
);

export const products = sqliteTable(
  "products",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    masterCode: text().notNull(),
    name: text().notNull(),
    groupId: integer().notNull().references(() => groups.id),
    reserved: integer(), // overrides the group's 確保在庫
    lowStockThreshold: integer(),
    syncMode: text({ enum: ["auto", "manual", "stopped"] }).notNull().default("auto"),
    isSet: integer({ mode: "boolean" }).notNull().default(false),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [
    uniqueIndex("products_account_code_uq").on(t.accountId, t.masterCode),
    index("products_account_group_idx").on(t.accountId, t.groupId, t.masterCode),
    index("products_account_name_idx").on(t.accountId, t.name),
    // The 商品管理 grid sorted by name pages by (name, master code).
    index("products_account_name_code_idx").on(t.accountId, t.name, t.masterCode),
    // The 在庫少 filter bounds its stock range by the account's highest 在庫少設定数 (max() on this).
    index("products_low_threshold_idx").on(t.accountId, t.lowStockThreshold).where(sql`low_stock_threshold IS NOT NULL`),
  ],
);

export const setComponents = sqliteTable(
  "set_components",
  {
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    setId: integer().notNull().references(() => products.id, { onDelete: "cascade" }),
    componentId: integer().notNull().references(() => products.id),
    quantity: integer().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.setId, t.componentId] }),
    index("set_components_component_idx").on(t.accountId, t.componentId),
  ],
);

export const shops = sqliteTable(
  "shops",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    kind: text().notNull(), // rakuten | yahoo | amazon | shopify | base | …
    name: text().notNull(),
    importEnabled: integer({ mode: "boolean" }).notNull().default(true), // 取込み
    updateEnabled: integer({ mode: "boolean" }).notNull().default(true), // モール更新
    cancelPolicy: text({ enum: ["restore", "ignore"] }).notNull().default("restore"),
    ratio: integer(), // 在庫比率 override for this shop
    salesLimit: integer(), // 販売制限 override for this shop
    baseUrl: text(),
    // AES-GCM ciphertext "v1:<iv>:<ct>" of the credentials JSON; never returned by any route.
    credentialsEnc: text(),
    credentialsExpireAt: integer(),
    status: text({ enum: ["ok", "retrying", "stopped"] }).notNull().default("ok"),
    lastTestAt: integer(),
    lastTestOk: integer({ mode: "boolean" }),
    lastTestReason: text(),
    lastImportAt: integer(),
    lastPushAt: integer(),
    lastError: text(),
    // Opaque per-adapter cursor for order intake (JSON).
    pullCursor: text(),
    // What a difference between the mall's figure and the one it should show leads to: report
    // (通知のみ), fix (自動修正: Kura's figure is sent again) or accept (取り込む: a stock adjustment).
    driftPolicy: text({ enum: ["report", "fix", "accept"] }).notNull().default("report"),
    createdAt: createdAt(),
    updatedAt: createdAt(),
  },
  (t) => [index("shops_account_idx").on(t.accountId)],
);

export const listings = sqliteTable(
  "listings",
  {
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    productId: integer().notNull().references(() => products.id, { onDelete: "cascade" }),
    shopId: integer().notNull().references(() => shops.id, { onDelete: "cascade" }),
    managed: integer({ mode: "boolean" }).notNull().default(true), // 管理 対象 / 対象外
    mallCode: text(), // 別品番紐づけ; null = the mall's default rule
    manualFigure: integer(), // used when the product's 連動 is 手動
    // Mall-side identifiers resolved once and cached (e.g. Shopify inventory item + location).
    mallRef: text({ mode: "json" }).$type<Record<string, string>>(),
    lastSentFigure: integer(),
    lastSentAt: integer(),
    // What the mall should show now: the last figure it accepted, moved by this shop's own order
    // lines (sales and restocked cancels) taken in since. A push is due whenever Kura's figure
    // differs from it, and it is Shopify's changeFromQuantity.
    mallFigure: integer(),
    lastResult: text(), // "ok" or the error text
    // When the drift check last read this listing back from the mall (null: never).
    driftCheckedAt: integer(),
    updatedAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.productId, t.shopId] }),
    index("listings_account_shop_code_idx").on(t.accountId, t.shopId, t.mallCode),
    index("listings_shop_idx").on(t.shopId),
    // The failing listings of a shop (its 一時エラー count) without reading the healthy ones.
    index("listings_failing_idx")
      .on(t.accountId, t.shopId)
      .where(sql`managed = 1 AND last_result IS NOT NULL AND last_result NOT IN ('ok', 'recheck')`),
  ],
);

// Projection of the StockGroup objects' figures, written by their outbox drain.
export const stock = sqliteTable(
  "stock",
  {
    productId: integer().primaryKey().references(() => products.id, { onDelete: "cascade" }),
    accountId: integer().notNull(),
    onHand: integer().notNull(),
    // Object-side version; a projection row is only ever replaced by a newer version.
    version: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [index("stock_account_on_hand_idx").on(t.accountId, t.onHand)],
);

// Two small listings the 商品管理 状態 filters start from instead of walking every product, kept by
// SQLite triggers (migrations/NNNN_grid_search_and_triggers.sql), so no writer has to remember them:
// products with no stock projection row yet (their on_hand counts as 0 for 在庫少), and products
// with a managed listing not pushed since their stock last changed (未反映). No foreign key: a
// trigger may run while a product's cascade delete is half done; a product delete clears its rows.
export const gridUnstocked = sqliteTable(
  "grid_unstocked",
  { productId: integer().primaryKey(), accountId: integer().notNull() },
  (t) => [index("grid_unstocked_account_idx").on(t.accountId, t.productId)],
);

export const gridUnsynced = sqliteTable(
  "grid_unsynced",
  { productId: integer().primaryKey(), accountId: integer().notNull() },
  (t) => [index("grid_unsynced_account_idx").on(t.accountId, t.productId)],
);

export const salesLog = sqliteTable(
  "sales_log",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull(),
    at: integer().notNull(),
    source: text().notNull(), // shop id or outside system name
    shopId: integer(),
    orderId: text().notNull(),
    lineId: text().notNull(),
    kind: text({ enum: ["sale", "cancel"] }).notNull(),
    mallCode: text(),
    masterCode: text(),
    productId: integer(),
    quantity: integer().notNull(),
    onHandBefore: integer(),
    onHandAfter: integer(),
    result: text({ enum: ["applied", "duplicate", "unknown_code", "unmatched", "ignored"] }).notNull(),
    // (source, order, line, kind): lines that never reach a StockGroup (unknown code, cancel
    // ignored by the shop's policy) are kept once each; the rest are written once by the object.
    lineKey: text().notNull(),
    resolvedAt: integer(),
    // One per ledger entry ("<object>:<seq>"), written by the StockGroup drain: a drain retried
    // after a crash or a failed enqueue inserts nothing twice.
    entryKey: text(),
  },
  (t) => [
    index("sales_log_account_at_idx").on(t.accountId, t.at),
    index("sales_log_account_code_at_idx").on(t.accountId, t.masterCode, t.at),
    uniqueIndex("sales_log_unknown_uq")
      .on(t.accountId, t.lineKey)
      .where(sql`result IN ('unknown_code', 'ignored')`),
    uniqueIndex("sales_log_entry_uq").on(t.accountId, t.entryKey).where(sql`entry_key IS NOT NULL`),
  ],
);

export const mallUpdateLog = sqliteTable(
  "mall_update_log",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull(),
    at: integer().notNull(),
    shopId: integer().notNull(),
    productId: integer(),
    masterCode: text(),
    mallCode: text(),
    figure: integer(),
    result: text().notNull(), // "ok" or the error text
    errorClass: text(), // auth | rate | transient | item
    attempt: integer().notNull().default(1),
    confirmedAt: integer(),
  },
  (t) => [index("mall_update_log_account_at_idx").on(t.accountId, t.at)],
);

export const operationLog = sqliteTable(
  "operation_log",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull(),
    at: integer().notNull(),
    // "user:<id>", "token:<id>", "operator" or "system".
    actor: text().notNull(),
    action: text().notNull(), // product.create, stock.set, group.update, …
    target: text(), // master code, group name, shop id…
    before: text({ mode: "json" }),
    after: text({ mode: "json" }),
    // Set by the StockGroup drain, one per logged entry: see sales_log.entry_key.
    entryKey: text(),
  },
  (t) => [
    uniqueIndex("operation_log_entry_uq").on(t.accountId, t.entryKey).where(sql`entry_key IS NOT NULL`),
    index("operation_log_account_at_idx").on(t.accountId, t.at),
    index("operation_log_account_target_at_idx").on(t.accountId, t.target, t.at),
  ],
);

// Queue messages that exhausted their retries, read from the dead-letter queues so that nothing
// is dropped silently. A deployment-wide task (a housekeeping sweep) has no account: its row is
// kept with account_id NULL and only the operator's logs point at it.
export const syncFailures = sqliteTable(
  "sync_failures",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer(),
    shopId: integer(),
    queue: text().notNull(), // the queue the task failed on (kura-pull | kura-push): retry sends it there
    messageId: text().notNull(),
    kind: text().notNull(), // the task's kind ("pull", "push", "stock-changed", "housekeeping", or "unknown")
    body: text({ mode: "json" }).notNull(),
    attempts: integer().notNull(), // deliveries on the original queue before it was dead-lettered
    enqueuedAt: integer().notNull(), // the message's own timestamp
    createdAt: createdAt(), // when the dead-letter consumer recorded it (first failed for good)
    resolvedAt: integer(),
  },
  (t) => [
    // The dead-letter queue delivers at least once: the same message is recorded once.
    uniqueIndex("sync_failures_message_uq").on(t.queue, t.messageId),
    index("sync_failures_account_idx").on(t.accountId, t.id),
  ],
);

// One row per invariant check of a product group (daily): what the StockGroup and the D1
// projection disagreed on. The API shows the latest per group.
export const invariantReports = sqliteTable(
  "invariant_reports",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull(),
    groupId: integer().notNull(),
    checkedAt: integer().notNull(),
    ok: integer({ mode: "boolean" }).notNull(),
    // False when the group still had changes on their way to D1: only its ledger was checked.
    projectionChecked: integer({ mode: "boolean" }).notNull(),
    problems: text({ mode: "json" }).$type<unknown[]>().notNull(),
  },
  (t) => [index("invariant_reports_group_idx").on(t.accountId, t.groupId, t.id), index("invariant_reports_account_checked_idx").on(t.accountId, t.checkedAt)],
);

// Long-running work the merchant starts and watches (一括反映, CSV imports): one row per job; a
// resync has one row per shop it covers, each advanced by that shop's ShopSync; an import has its
// own row in `imports`, which holds its phase and progress.
export const jobs = sqliteTable(
  "jobs",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull(),
    kind: text({ enum: ["resync", "import"] }).notNull(),
    status: text({ enum: ["running", "done", "cancelled"] }).notNull(),
    createdBy: text().notNull(),
    createdAt: createdAt(),
    finishedAt: integer(),
  },
  (t) => [index("jobs_account_idx").on(t.accountId, t.id)],
);

export const jobShops = sqliteTable(
  "job_shops",
  {
    jobId: integer().notNull().references(() => jobs.id, { onDelete: "cascade" }),
    shopId: integer().notNull(),
    accountId: integer().notNull(),
    status: text({ enum: ["running", "done", "cancelled"] }).notNull(),
    // Products to go through (fixed at the start), gone through, accepted by the mall, refused.
    total: integer().notNull(),
    done: integer().notNull().default(0),
    sent: integer().notNull().default(0),
    errors: integer().notNull().default(0),
    lastError: text(),
    startedAt: integer().notNull(),
    updatedAt: integer().notNull(),
    finishedAt: integer(),
  },
  (t) => [primaryKey({ columns: [t.jobId, t.shopId] }), index("job_shops_shop_idx").on(t.accountId, t.shopId, t.status)],
);

// A CSV import (issue 10): uploaded, validated chunk by chunk, then applied chunk by chunk by a
// job on kura-push. Progress lives here and in import_chunks, so a restarted Worker resumes where
// it stopped and a chunk run twice changes nothing the second time.
export const imports = sqliteTable(
  "imports",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    jobId: integer().notNull(),
    kind: text({ enum: ["products", "stock", "mappings"] }).notNull(),
    encoding: text({ enum: ["utf-8", "shift_jis"] }).notNull(),
    stockMode: text({ enum: ["set", "adjust"] }).notNull(),
    phase: text({ enum: ["validating", "validated", "applying", "applied", "cancelled", "failed"] }).notNull(),
    createdBy: text().notNull(),
    appliedBy: text(),
    fileName: text(),
    // The file's columns as resolved from its header (JSON: [{key} | {shop, shopId, key}]).
    columns: text({ mode: "json" }).$type<unknown[]>().notNull(),
    rowsTotal: integer().notNull(),
    chunksTotal: integer().notNull(),
    // Set when validation ends: valid rows, bad rows, valid new products, how many more the plan took then.
    rowsValid: integer(),
    rowsInvalid: integer(),
    newProducts: integer(),
    planRemaining: integer(),
    // Set by apply: "fit" or "nothing", and how many new products it may register (the plan then).
    onPlanLimit: text({ enum: ["fit", "nothing"] }),
    newAllowed: integer(),
    // What apply did (JSON counts), filled as it finishes.
    applied: text({ mode: "json" }).$type<Record<string, number>>(),
    failure: text(),
    // Steps that failed in a row; at MAX_FAILURES the import is failed instead of retried forever.
    failures: integer().notNull().default(0),
    // One worker at a time: a step takes the lease, a crashed step's lease runs out.
    leaseUntil: integer(),
    phaseStartedAt: integer().notNull(),
    createdAt: createdAt(),
    updatedAt: integer().notNull(),
    finishedAt: integer(),
  },
  (t) => [index("imports_account_idx").on(t.accountId, t.id)],
);

// The parsed rows of an import, 1,000 to a row as one JSON text: a 100,000-row file is 100 rows
// here, each read and written with one statement (D1 binds at most 100 parameters).
export const importChunks = sqliteTable(
  "import_chunks",
  {
    importId: integer().notNull().references(() => imports.id, { onDelete: "cascade" }),
    seq: integer().notNull(),
    accountId: integer().notNull(),
    rowCount: integer().notNull(),
    hasSets: integer({ mode: "boolean" }).notNull(),
    // After validation: valid rows and new products in this chunk.
    validRows: integer(),
    newCount: integer(),
    validated: integer({ mode: "boolean" }).notNull().default(false),
    // Apply runs in two passes (plain products first, then sets, whose components may be new
    // products further down the file).
    appliedPlain: integer({ mode: "boolean" }).notNull().default(false),
    appliedSets: integer({ mode: "boolean" }).notNull().default(false),
    appliedRows: integer().notNull().default(0),
    // The rows (JSON) and, after validation, the verdict per row (JSON). Last on purpose: SQLite
    // stores columns in this order, and the progress sums above are then read without walking
    // the overflow pages of ~150 KB of JSON per chunk.
    rows: text().notNull(),
    verdicts: text(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.seq] })],
);

// Every bad row of an import: line (header = 1), column header, reason in Japanese and English.
export const importErrors = sqliteTable(
  "import_errors",
  {
    importId: integer().notNull().references(() => imports.id, { onDelete: "cascade" }),
    line: integer().notNull(),
    column: text().notNull(),
    message: text().notNull(),
    messageEn: text().notNull(),
  },
  (t) => [primaryKey({ columns: [t.importId, t.line, t.column] })],
);

// Every order mail that reached the email() handler for an account, with what became of it
// (src/mail/): applied, duplicate (every line taken in before), unknown_code (some line's code
// matches no product: see 未登録コード) or unparsed (the reason says why; the raw message is kept,
// size-capped, so that it can be parsed again after a fix: POST /api/v1/mail/{id}/retry).
export const inboundMail = sqliteTable(
  "inbound_mail",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    receivedAt: integer().notNull(),
    envelopeFrom: text().notNull(),
    envelopeTo: text().notNull(),
    messageId: text(),
    subject: text(),
    cart: text(), // the mall kind recognised by subject; null when none was
    shopId: integer(),
    orderId: text(),
    // held: read, but not taken in (no shop of the cart, its 取込み or 在庫連動 off); retried like unparsed.
    outcome: text({ enum: ["applied", "duplicate", "unknown_code", "unparsed", "held"] }).notNull(),
    reason: text(),
    // The lines read and what the intake did with each: [{ lineId, code, quantity, result }].
    lines: text({ mode: "json" }).$type<{ lineId: string; code: string; quantity: number; result: string }[]>().notNull().default([]),
    rawSize: integer().notNull(),
    // Base64 of the raw message, for unparsed and held mails only, cut at INBOUND_RAW_CAP bytes (rawTruncated).
    raw: text(),
    rawTruncated: integer({ mode: "boolean" }).notNull().default(false),
    retriedAt: integer(),
  },
  (t) => [index("inbound_mail_account_idx").on(t.accountId, t.id)],
);

// Every webhook a mall delivered that passed its signature check, kept until the queue consumer
// has applied it: the body is the work (the request only verifies, stores and enqueues), and the
// unique (shop, webhook id) is the dedupe, since Shopify delivers at least once.
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    shopId: integer().notNull().references(() => shops.id, { onDelete: "cascade" }),
    webhookId: text().notNull(),
    topic: text().notNull(),
    body: text().notNull(),
    receivedAt: integer().notNull(),
    processedAt: integer(),
    // What applying it did ("applied 2 lines", "shop stopped", an error).
    outcome: text(),
  },
  (t) => [uniqueIndex("webhook_events_shop_webhook_uq").on(t.shopId, t.webhookId), index("webhook_events_account_idx").on(t.accountId, t.id)],
);

// A listing whose mall showed another figure than the one it should show (listings.mall_figure),
// found by the drift check. One open row per listing: found again, it is updated, not repeated.
export const drift = sqliteTable(
  "drift",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    shopId: integer().notNull().references(() => shops.id, { onDelete: "cascade" }),
    productId: integer().notNull().references(() => products.id, { onDelete: "cascade" }),
    masterCode: text().notNull(),
    mallCode: text().notNull(),
    mallFigure: integer().notNull(),
    kuraFigure: integer().notNull(),
    firstSeenAt: integer().notNull(),
    seenAt: integer().notNull(),
    // report | fix | accept: what Kura did about it (the shop's driftPolicy then).
    action: text({ enum: ["report", "fix", "accept"] }).notNull(),
    resolvedAt: integer(),
  },
  (t) => [
    index("drift_account_idx").on(t.accountId, t.id),
    uniqueIndex("drift_open_uq").on(t.shopId, t.productId).where(sql`resolved_at IS NULL`),
  ],
);

// What the merchant should know about (在庫少, マイナス在庫, drift, 停止中 shop, expiring
// credentials): one row per cause and subject per JST day (dedupeKey), not one per sale.
export const notifications = sqliteTable(
  "notifications",
  {
    id: integer().primaryKey({ autoIncrement: true }),
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    cause: text({ enum: ["low_stock", "negative_stock", "drift", "shop_stopped", "credentials_expiring"] }).notNull(),
    dedupeKey: text().notNull(),
    subject: text().notNull(), // master code or shop id the notification is about
    messageJa: text().notNull(),
    messageEn: text().notNull(),
    createdAt: integer().notNull(),
    readAt: integer(),
    emailedAt: integer(),
  },
  (t) => [uniqueIndex("notifications_key_uq").on(t.accountId, t.dedupeKey), index("notifications_account_idx").on(t.accountId, t.id)],
);

// 連携する: one row per OAuth connect started from モール設定. The state sent to the mall is random;
// only its SHA-256 is kept, so a leaked table opens no flow. A state is bound to the account and
// the dashboard user who started it, lives 10 minutes and is spent by its first callback.
export const oauthStates = sqliteTable(
  "oauth_states",
  {
    stateHash: text().primaryKey(),
    accountId: integer().notNull().references(() => accounts.id, { onDelete: "cascade" }),
    userId: integer().notNull().references(() => users.id, { onDelete: "cascade" }),
    kind: text().notNull(), // shopify | base | yahoo | amazon
    // A new shop's name, or the shop being re-connected (再連携).
    shopName: text(),
    shopId: integer().references(() => shops.id, { onDelete: "cascade" }),
    // Shopify: the shop domain the merchant entered; the callback must name the same one.
    extra: text(),
    expiresAt: integer().notNull(),
    usedAt: integer(),
    createdAt: createdAt(),
  },
  (t) => [index("oauth_states_account_idx").on(t.accountId)],
);
