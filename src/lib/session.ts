import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppEnv, Db } from "../env";
import { deleteSession, findSession, insertSession, touchSession } from "../db/queries/sessions";
import type { Role } from "../db/queries/users";
import { randomToken, sha256Hex } from "./crypto";
import type { Lang, Translate } from "./i18n";

// Dashboard sessions: a random id in a __Host- cookie (HttpOnly, Secure, SameSite=Lax), stored in
// D1 only as its SHA-256, so a leaked table opens no session. A session ends after IDLE_MS without
// a request or ABSOLUTE_MS after login, whichever comes first.

export const SESSION_COOKIE = "kura_session"; // sent as __Host-kura_session
export const IDLE_MS = 2 * 60 * 60 * 1000;
export const ABSOLUTE_MS = 12 * 60 * 60 * 1000;
// lastSeenAt is refreshed at most this often: an idle clock accurate to a minute costs no write per page.
const TOUCH_EVERY_MS = 60 * 1000;

export interface SessionInfo {
  idHash: string;
  csrfToken: string;
  user: { id: number; email: string; name: string; role: Role };
  account: { id: number; name: string; maxProducts: number };
}

export interface UiEnv extends AppEnv {
  Variables: AppEnv["Variables"] & {
    lang: Lang;
    t: Translate;
    session: SessionInfo | null;
  };
}

export async function startSession(c: Context<UiEnv>, accountId: number, userId: number, now = Date.now()) {
  const id = randomToken(32);
  await insertSession(c.get("db"), {
    idHash: await sha256Hex(id),
    accountId,
    userId,
    csrfToken: randomToken(24),
    expiresAt: now + ABSOLUTE_MS,
    lastSeenAt: now,
  });
  // No Max-Age: the cookie ends with the browser; the server's expiry is what counts.
  setCookie(c, SESSION_COOKIE, id, { prefix: "host", path: "/", secure: true, httpOnly: true, sameSite: "Lax" });
}

export async function endSession(c: Context<UiEnv>) {
  const s = c.get("session");
  if (s) await deleteSession(c.get("db"), s.idHash);
  deleteCookie(c, SESSION_COOKIE, { prefix: "host", path: "/", secure: true });
}

/** The live session of this request, or null (no cookie, unknown, expired, or its user disabled). */
export async function readSession(c: Context<UiEnv>, now = Date.now()): Promise<SessionInfo | null> {
  const id = getCookie(c, SESSION_COOKIE, "host");
  if (!id) return null;
  const db: Db = c.get("db");
  const idHash = await sha256Hex(id);
  const row = await findSession(db, idHash);
  if (!row) return null;
  if (row.user.disabledAt !== null || row.session.expiresAt <= now || row.session.lastSeenAt + IDLE_MS <= now) {
    await deleteSession(db, idHash);
    return null;
  }
  if (now - row.session.lastSeenAt >= TOUCH_EVERY_MS) await touchSession(db, idHash, now);
  const { disabledAt: _, ...user } = row.user;
  return { idHash, csrfToken: row.session.csrfToken, user, account: row.account };
}
