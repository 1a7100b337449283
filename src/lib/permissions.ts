import type { Role } from "../db/queries/users";

// Who may do what in the dashboard (SPEC §8), in one place. Every dashboard request passes the
// one `authorize` check in src/routes/ui/middleware.ts, which reads the tables below; a page that
// hides a button is a courtesy, this is the permission.

export const ROLES = ["owner", "admin", "staff", "viewer"] as const satisfies readonly Role[];

/**
 * self: one's own session and password. read: every screen but the staff list.
 * catalog: products, stock, groups (and log exports). shops: モール設定. settings: システム設定.
 * users: スタッフ and the plan.
 */
export type Right = "self" | "read" | "catalog" | "shops" | "settings" | "users";

// owner: everything, users, plan; admin: settings and shops (and what staff may do);
// staff: products, stock, logs; viewer: read only.
export const RIGHTS: Record<Role, readonly Right[]> = {
  owner: ["self", "read", "catalog", "shops", "settings", "users"],
  admin: ["self", "read", "catalog", "shops", "settings"],
  staff: ["self", "read", "catalog"],
  viewer: ["self", "read"],
};

export function can(role: Role, right: Right): boolean {
  return RIGHTS[role].includes(right);
}

export interface RouteRight {
  method: "GET" | "POST";
  path: string; // ":name" matches one path segment
  right: Right;
}

/**
 * Every dashboard route that is not a plain read, with the right it needs. A GET not listed
 * needs `read`; any other request not listed is refused (default deny), so a new form cannot
 * ship without an entry here. Tests walk this table for every role.
 */
export const ROUTE_RIGHTS: readonly RouteRight[] = [
  { method: "POST", path: "/logout", right: "self" },
  { method: "GET", path: "/account/password", right: "self" },
  { method: "POST", path: "/account/password", right: "self" },
  { method: "POST", path: "/products/stock", right: "catalog" },
  { method: "GET", path: "/staff", right: "users" },
  { method: "POST", path: "/staff", right: "users" },
  { method: "POST", path: "/staff/:id/role", right: "users" },
  { method: "POST", path: "/staff/:id/disable", right: "users" },
  { method: "POST", path: "/staff/:id/enable", right: "users" },
  // An API token can do what an admin can (products, stock, shops, settings), never manage users.
  { method: "GET", path: "/tokens", right: "settings" },
  { method: "POST", path: "/tokens", right: "settings" },
  { method: "POST", path: "/tokens/:id/revoke", right: "settings" },
  // --- products: 商品の登録・編集・削除 (the product, stock and delete pages are catalog work) ---
  { method: "GET", path: "/products/new", right: "catalog" },
  { method: "POST", path: "/products/new", right: "catalog" },
  { method: "POST", path: "/products/:code/save", right: "catalog" },
  { method: "POST", path: "/products/:code/stock", right: "catalog" },
  { method: "GET", path: "/products/:code/delete", right: "catalog" },
  { method: "POST", path: "/products/:code/delete", right: "catalog" },
  // --- モール設定 / システム設定 / 商品グループ ---
  { method: "GET", path: "/shops/new", right: "shops" },
  { method: "POST", path: "/shops", right: "shops" },
  { method: "POST", path: "/shops/:id", right: "shops" },
  { method: "POST", path: "/shops/:id/credentials", right: "shops" },
  { method: "POST", path: "/shops/:id/test", right: "shops" },
  { method: "POST", path: "/shops/:id/resync", right: "shops" },
  { method: "POST", path: "/shops/:id/delete", right: "shops" },
  // 連携する: starting a mall's OAuth flow and the mall's return to Kura both connect a shop.
  { method: "POST", path: "/shops/connect/:kind", right: "shops" },
  { method: "GET", path: "/shops/connect/:kind/callback", right: "shops" },
  { method: "POST", path: "/settings", right: "settings" },
  { method: "POST", path: "/settings/sync", right: "settings" },
  { method: "POST", path: "/settings/notifications", right: "settings" },
  // Taking a held or unparsed order mail in again moves stock like any sale: the shops right.
  { method: "POST", path: "/settings/mail/:id/retry", right: "shops" },
  { method: "POST", path: "/settings/public-url", right: "settings" },
  // お知らせ: whoever may read them may mark them read.
  { method: "POST", path: "/notifications/:id/read", right: "read" },
  { method: "POST", path: "/groups", right: "catalog" },
  { method: "POST", path: "/groups/:id", right: "catalog" },
  { method: "POST", path: "/groups/:id/move", right: "catalog" },
  // --- logs and attention lists: reading a log is `read`, taking it away as a file is `catalog`
  // (SPEC §8: staff have the logs); fixing what a list shows is `catalog` like the grid.
  { method: "GET", path: "/logs/sales.csv", right: "catalog" },
  { method: "GET", path: "/logs/mall-updates.csv", right: "catalog" },
  { method: "GET", path: "/logs/operations.csv", right: "catalog" },
  // 商品管理's CSV menu: the catalogue as a file is catalog work, as the log files are.
  { method: "GET", path: "/products/export/products.csv", right: "catalog" },
  { method: "GET", path: "/products/export/stock.csv", right: "catalog" },
  { method: "GET", path: "/products/export/mappings.csv", right: "catalog" },
  // 取込み: uploading, reading a report, applying and cancelling are all catalog work.
  { method: "GET", path: "/products/import", right: "catalog" },
  { method: "POST", path: "/products/import", right: "catalog" },
  { method: "GET", path: "/products/import/:id", right: "catalog" },
  { method: "POST", path: "/products/import/:id/apply", right: "catalog" },
  { method: "POST", path: "/products/import/:id/cancel", right: "catalog" },
  { method: "POST", path: "/attention/unreflected", right: "catalog" },
  { method: "POST", path: "/attention/unmatched/:id/map", right: "catalog" },
  { method: "POST", path: "/attention/unmatched/:id/apply", right: "catalog" },
  { method: "POST", path: "/attention/unmatched/apply-all", right: "catalog" },
];

function matches(pattern: string, path: string): boolean {
  const want = pattern.split("/");
  const got = path.replace(/\/+$/, "").split("/");
  return want.length === got.length && want.every((seg, i) => seg.startsWith(":") ? got[i] !== "" : seg === got[i]);
}

/** The right a request needs, or null when no such request is allowed at all. */
export function rightFor(method: string, path: string): Right | null {
  const m = method === "HEAD" ? "GET" : method;
  const entry = ROUTE_RIGHTS.find((r) => r.method === m && matches(r.path, path || "/"));
  if (entry) return entry.right;
  return m === "GET" ? "read" : null;
}
