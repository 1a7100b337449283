import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import { csrf } from "hono/csrf";
import { createMiddleware } from "hono/factory";
import { AppError } from "../../lib/errors";
import { isLang, translator } from "../../lib/i18n";
import { can, rightFor } from "../../lib/permissions";
import { readSession, type UiEnv } from "../../lib/session";
import { timingSafeEqual } from "../../lib/crypto";
import { type Frame, NAV } from "../../views/layout";

// The dashboard's request pipeline, in order: language, origin check, session, then one
// authorization step (the permission table and the per-session CSRF token).

const LANG_COOKIE = "kura_lang";
// Reachable without a session.
const PUBLIC = new Set(["GET /login", "POST /login"]);

/** ?lang=en|ja switches the language and remembers it in a cookie; otherwise the cookie decides, Japanese first. */
export const language = createMiddleware<UiEnv>(async (c, next) => {
  const asked = c.req.query("lang");
  let lang = getCookie(c, LANG_COOKIE);
  if (isLang(asked)) {
    lang = asked;
    setCookie(c, LANG_COOKIE, asked, { path: "/", sameSite: "Lax", maxAge: 365 * 24 * 3600 });
  }
  const chosen = isLang(lang) ? lang : "ja";
  c.set("lang", chosen);
  c.set("t", translator(chosen));
  await next();
});

/** hono's origin check: a form posted from another site is refused before anything reads it. */
export const sameOrigin = csrf();

export const session = createMiddleware<UiEnv>(async (c, next) => {
  c.set("session", await readSession(c));
  await next();
  // Pages carry account data and shown-once tokens: no cache may keep them.
  c.res.headers.set("Cache-Control", "no-store");
});

/**
 * The one permission check of the dashboard. Without a session only the login page is open (a
 * page redirects to it); with one, the request needs the right the permission table names, and
 * anything but a read must carry the session's CSRF token.
 */
export const authorize = createMiddleware<UiEnv>(async (c, next) => {
  const method = c.req.method === "HEAD" ? "GET" : c.req.method;
  const s = c.get("session");
  if (PUBLIC.has(`${method} ${c.req.path}`)) return next();
  if (!s) {
    if (method === "GET") {
      // A mall's 連携 callback keeps its query through the login: the state is bound to the user,
      // not to the session that lapsed while the merchant was at the mall.
      const back = c.req.path.startsWith("/shops/connect/") ? c.req.path + new URL(c.req.url).search : c.req.path;
      return c.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
    }
    throw new AppError(401, "Unauthorized", c.get("t")("login.expired"));
  }
  if (method !== "GET") {
    const body = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const token = typeof body._csrf === "string" ? body._csrf : "";
    if (!(await timingSafeEqual(token, s.csrfToken))) throw new AppError(403, "Forbidden", c.get("t")("error.csrf"));
  }
  const right = rightFor(method, c.req.path);
  if (!right || !can(s.user.role, right)) throw new AppError(403, "Forbidden", c.get("t")("error.forbidden"));
  await next();
});

/** What the layout needs, from the request. */
export function frame(c: Context<UiEnv>): Frame {
  const s = c.get("session");
  const url = new URL(c.req.url);
  url.searchParams.delete("lang");
  const menu = s ? NAV.filter((n) => can(s.user.role, rightFor("GET", n.href) ?? "users")).map((n) => n.href) : [];
  return { t: c.get("t"), lang: c.get("lang"), session: s, path: `${url.pathname}${url.search}`, menu };
}

/** A form field as a trimmed string ("" when absent or a file). */
export async function field(c: Context<UiEnv>, name: string): Promise<string> {
  const v = (await c.req.parseBody())[name];
  return typeof v === "string" ? v.trim() : "";
}

/** A form field exactly as sent (passwords are never trimmed). */
export async function rawField(c: Context<UiEnv>, name: string): Promise<string> {
  const v = (await c.req.parseBody())[name];
  return typeof v === "string" ? v : "";
}
