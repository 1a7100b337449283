import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";
import { hashPassword } from "../../src/lib/crypto";
import type { Role } from "../../src/db/queries/users";

export const ORIGIN = "https://kura.test";
export const PASSWORD = "correct horse battery";

export interface Page {
  status: number;
  location: string | null;
  setCookie: string[];
  html: string;
}

/** One request to the dashboard as a browser on Kura's own origin would send it. */
export async function request(path: string, opts: { cookie?: string; form?: Record<string, string>; ip?: string; origin?: string | null; headers?: Record<string, string> } = {}): Promise<Page> {
  const headers: Record<string, string> = { ...(opts.cookie ? { cookie: opts.cookie } : {}), "cf-connecting-ip": opts.ip ?? "192.0.2.1", ...opts.headers };
  if (opts.form) {
    headers["content-type"] ??= "application/x-www-form-urlencoded";
    if (opts.origin !== null) headers.origin = opts.origin ?? ORIGIN;
  }
  const res = await exports.default.fetch(`${ORIGIN}${path}`, {
    method: opts.form ? "POST" : "GET",
    headers,
    body: opts.form ? new URLSearchParams(opts.form).toString() : undefined,
    redirect: "manual",
  });
  return { status: res.status, location: res.headers.get("location"), setCookie: res.headers.getSetCookie(), html: await res.text() };
}

/** A browser logged in as one user: its session cookie and the session's CSRF token. */
export interface Browser {
  email: string;
  cookie: string;
  csrf: string;
  get: (path: string) => Promise<Page>;
  post: (path: string, form?: Record<string, string>) => Promise<Page>;
}

export function sessionCookie(setCookie: string[]): string | null {
  const c = setCookie.find((h) => h.startsWith("__Host-kura_session="));
  return c ? c.split(";")[0] : null;
}

export function csrfOf(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m) throw new Error("no CSRF token on the page");
  return m[1];
}

export async function login(email: string, password = PASSWORD, ip?: string): Promise<Browser> {
  const res = await request("/login", { form: { email, password }, ip });
  expect(res.status, res.html.slice(0, 300)).toBe(303);
  const cookie = sessionCookie(res.setCookie)!;
  const csrf = csrfOf((await request("/account/password", { cookie })).html);
  return {
    email,
    cookie,
    csrf,
    get: (path) => request(path, { cookie, ip }),
    post: (path, form = {}) => request(path, { cookie, ip, form: { _csrf: csrf, ...form } }),
  };
}

let seq = 0;
export interface Shop {
  accountId: number;
  apiToken: string;
  users: Record<Role, { id: number; email: string }>;
}

/** A fresh account with one user of each role, all with PASSWORD. */
export async function newShop(): Promise<Shop> {
  const tag = `${++seq}-${crypto.randomUUID().slice(0, 8)}`;
  const ownerEmail = `owner-${tag}@example.jp`;
  const res = await exports.default.fetch(`${ORIGIN}/api/v1/operator/accounts`, {
    method: "POST",
    headers: { authorization: `Bearer ${env.OPERATOR_TOKEN}`, "content-type": "application/json" },
    body: JSON.stringify({ name: `店舗 ${tag}`, owner: { email: ownerEmail, password: PASSWORD } }),
  });
  expect(res.status).toBe(201);
  const body: any = await res.json();
  const accountId: number = body.account.id;
  const hash = await hashPassword(PASSWORD);
  const users = {} as Shop["users"];
  for (const role of ["admin", "staff", "viewer"] as const) {
    const email = `${role}-${tag}@example.jp`;
    await env.DB.prepare("INSERT INTO users (account_id, email, password_hash, role, name) VALUES (?, ?, ?, ?, ?)").bind(accountId, email, hash, role, `${role} さん`).run();
  }
  const rows = await env.DB.prepare("SELECT id, email, role FROM users WHERE account_id = ?").bind(accountId).all<{ id: number; email: string; role: Role }>();
  for (const r of rows.results) users[r.role] = { id: r.id, email: r.email };
  return { accountId, apiToken: body.apiToken, users };
}

/** Everything a dashboard form could change in an account, to prove a refused request wrote nothing. */
export async function snapshot(accountId: number) {
  const q = (sql: string) => env.DB.prepare(sql).bind(accountId).all().then((r) => r.results);
  return {
    users: await q("SELECT id, email, name, role, disabled_at, password_hash FROM users WHERE account_id = ? ORDER BY id"),
    sessions: await q("SELECT id_hash, user_id, csrf_token, expires_at FROM sessions WHERE account_id = ? ORDER BY id_hash"),
    operations: await q("SELECT id, actor, action, target FROM operation_log WHERE account_id = ? ORDER BY id"),
    products: await q("SELECT id, master_code, name, group_id, reserved, sync_mode FROM products WHERE account_id = ? ORDER BY id"),
    settings: await q("SELECT * FROM settings WHERE account_id = ?"),
    shops: await q("SELECT id, name, import_enabled, update_enabled FROM shops WHERE account_id = ? ORDER BY id"),
    tokens: await q("SELECT id, name, scopes, revoked_at FROM api_tokens WHERE account_id = ? ORDER BY id"),
  };
}
