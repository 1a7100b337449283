import { Hono } from "hono";
import { operationInsert } from "../../db/queries/logs";
import { deleteUserSessions } from "../../db/queries/sessions";
import { getUser, updateUser } from "../../db/queries/users";
import { hashPassword, verifyPassword } from "../../lib/crypto";
import { attemptLogin } from "../../lib/login";
import { endSession, startSession, type UiEnv } from "../../lib/session";
import { LoginPage, PasswordPage } from "../../views/auth-pages";
import { field, frame, rawField } from "./middleware";

export const authPages = new Hono<UiEnv>();

/** Only a path on this site: a login link must not send anyone elsewhere afterwards. */
function safeNext(next: string | undefined): string {
  return next && /^\/(?!\/)[^\\]*$/.test(next) && !next.startsWith("/login") ? next : "/products";
}

authPages.get("/login", (c) => {
  if (c.get("session")) return c.redirect(safeNext(c.req.query("next")), 303);
  const next = c.req.query("next");
  return c.html(<LoginPage frame={frame(c)} next={next && safeNext(next) === next ? next : undefined} />);
});

authPages.post("/login", async (c) => {
  const t = c.get("t");
  const email = await field(c, "email");
  const password = await rawField(c, "password");
  const ip = c.req.header("cf-connecting-ip") ?? "unknown";
  const result = await attemptLogin(c.get("db"), email, password, ip);
  if (!result.ok) {
    const status = result.throttled ? 429 : 401;
    const next = c.req.query("next");
    return c.html(<LoginPage frame={frame(c)} email={email} next={next && safeNext(next) === next ? next : undefined} error={t(result.throttled ? "login.throttled" : "login.failed")} />, status);
  }
  await startSession(c, result.user.accountId, result.user.id);
  return c.redirect(safeNext(c.req.query("next")), 303);
});

authPages.post("/logout", async (c) => {
  await endSession(c);
  return c.redirect("/login", 303);
});

authPages.get("/account/password", (c) => {
  const notice = c.req.query("done") ? c.get("t")("password.changed") : undefined;
  return c.html(<PasswordPage frame={frame(c)} notice={notice} />);
});

// A changed password ends every session of the user, this one included; a fresh one replaces it.
authPages.post("/account/password", async (c) => {
  const t = c.get("t");
  const s = c.get("session")!;
  const db = c.get("db");
  const current = await rawField(c, "current");
  const next = await rawField(c, "password");
  const user = await getUser(db, s.account.id, s.user.id);
  if (!user || !(await verifyPassword(current, user.passwordHash))) {
    return c.html(<PasswordPage frame={frame(c)} error={t("password.wrong")} />, 400);
  }
  if (next.length < 10 || next.length > 200) return c.html(<PasswordPage frame={frame(c)} error={t("password.tooShort")} />, 400);
  await updateUser(db, s.account.id, s.user.id, { passwordHash: await hashPassword(next) });
  await deleteUserSessions(db, s.account.id, s.user.id);
  await operationInsert(db, s.account.id, { actor: `user:${s.user.id}`, action: "user.password", target: s.user.email });
  await startSession(c, s.account.id, s.user.id);
  return c.redirect("/account/password?done=1", 303);
});
