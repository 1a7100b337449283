import type { Db } from "../env";
import { clearLoginFailures, loginFailureCount, recordLoginFailure } from "../db/queries/sessions";
import { findUserByEmail, type User } from "../db/queries/users";
import { hashPassword, verifyPassword } from "./crypto";

// Password login with a rate limit per account (the e-mail typed, whether or not it exists, so
// the limit itself reveals nothing) and per client IP. Every refusal looks the same to the client.

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_IP = 30;

export type LoginResult = { ok: true; user: User } | { ok: false; throttled: boolean };

// An unknown e-mail still costs one PBKDF2, so response time does not tell which addresses exist.
let decoy: Promise<string> | undefined;

export async function attemptLogin(db: Db, email: string, password: string, ip: string, now = Date.now()): Promise<LoginResult> {
  const accountKey = `email:${email.trim().toLowerCase()}`;
  const ipKey = `ip:${ip}`;
  const [byAccount, byIp] = await Promise.all([
    loginFailureCount(db, accountKey, now, LOGIN_WINDOW_MS),
    loginFailureCount(db, ipKey, now, LOGIN_WINDOW_MS),
  ]);
  if (byAccount >= MAX_FAILURES_PER_ACCOUNT || byIp >= MAX_FAILURES_PER_IP) return { ok: false, throttled: true };

  const user = await findUserByEmail(db, email);
  const valid = user ? await verifyPassword(password, user.passwordHash) : await verifyPassword(password, await (decoy ??= hashPassword("decoy password")));
  if (!user || !valid || user.disabledAt !== null) {
    await recordLoginFailure(db, [accountKey, ipKey], now, LOGIN_WINDOW_MS);
    return { ok: false, throttled: false };
  }
  await clearLoginFailures(db, accountKey);
  return { ok: true, user };
}
