import { type Context, Hono } from "hono";
import { z } from "zod";
import { emailTaken } from "../../db/queries/accounts";
import { operationInsert } from "../../db/queries/logs";
import { deleteUserSessions } from "../../db/queries/sessions";
import { getUser, insertUser, listUsers, type User, updateUser } from "../../db/queries/users";
import { hashPassword } from "../../lib/crypto";
import { notFound } from "../../lib/errors";
import type { UiEnv } from "../../lib/session";
import { StaffPage } from "../../views/staff-page";
import { field, frame, rawField } from "./middleware";

// スタッフ: the owner adds users, changes their role and disables them. Who may reach these
// routes is decided by the permission table (users right), not here.

export const staffPages = new Hono<UiEnv>();

const assignable = z.enum(["admin", "staff", "viewer"]);
const newStaff = z.object({
  email: z.email().max(254),
  name: z.string().min(1).max(100),
  role: assignable,
  password: z.string().min(10).max(200),
});

staffPages.get("/staff", async (c) => {
  const s = c.get("session")!;
  const t = c.get("t");
  const done = c.req.query("done");
  const notice = done === "added" ? t("staff.added") : done === "updated" ? t("staff.updated") : undefined;
  return c.html(<StaffPage frame={frame(c)} users={await listUsers(c.get("db"), s.account.id)} notice={notice} />);
});

staffPages.post("/staff", async (c) => {
  const s = c.get("session")!;
  const t = c.get("t");
  const db = c.get("db");
  const form = { email: await field(c, "email"), name: await field(c, "name"), role: await field(c, "role"), password: await rawField(c, "password") };
  const again = async (error: string) =>
    c.html(<StaffPage frame={frame(c)} users={await listUsers(db, s.account.id)} error={error} form={form} />, 400);
  const parsed = newStaff.safeParse(form);
  if (!parsed.success) return again(t("error.invalid"));
  if (await emailTaken(db, parsed.data.email)) return again(t("staff.emailTaken"));
  const user = await insertUser(db, s.account.id, { ...parsed.data, passwordHash: await hashPassword(parsed.data.password) });
  await operationInsert(db, s.account.id, { actor: `user:${s.user.id}`, action: "user.create", target: user.email, after: { name: user.name, role: user.role } });
  return c.redirect("/staff?done=added", 303);
});

/** Another user of this account who is not the owner: the owner's own role and access are fixed here. */
async function changeable(c: Context<UiEnv>, id: string): Promise<User | { refused: "staff.notSelf" | "staff.notOwner" }> {
  const s = c.get("session")!;
  const user = /^\d+$/.test(id) ? await getUser(c.get("db"), s.account.id, Number(id)) : undefined;
  if (!user) throw notFound(`no staff member ${id}`);
  if (user.id === s.user.id) return { refused: "staff.notSelf" };
  if (user.role === "owner") return { refused: "staff.notOwner" };
  return user;
}

staffPages.post("/staff/:id/role", async (c) => {
  const s = c.get("session")!;
  const db = c.get("db");
  const user = await changeable(c, c.req.param("id"));
  const role = assignable.safeParse(await field(c, "role"));
  if ("refused" in user || !role.success) {
    const error = "refused" in user ? c.get("t")(user.refused) : c.get("t")("error.invalid");
    return c.html(<StaffPage frame={frame(c)} users={await listUsers(db, s.account.id)} error={error} />, 400);
  }
  await updateUser(db, s.account.id, user.id, { role: role.data });
  await operationInsert(db, s.account.id, { actor: `user:${s.user.id}`, action: "user.role", target: user.email, before: { role: user.role }, after: { role: role.data } });
  return c.redirect("/staff?done=updated", 303);
});

for (const action of ["disable", "enable"] as const) {
  staffPages.post(`/staff/:id/${action}`, async (c) => {
    const s = c.get("session")!;
    const db = c.get("db");
    const user = await changeable(c, c.req.param("id"));
    if ("refused" in user) return c.html(<StaffPage frame={frame(c)} users={await listUsers(db, s.account.id)} error={c.get("t")(user.refused)} />, 400);
    await updateUser(db, s.account.id, user.id, { disabledAt: action === "disable" ? Date.now() : null });
    // A disabled user is logged out everywhere at once, not at their sessions' expiry.
    if (action === "disable") await deleteUserSessions(db, s.account.id, user.id);
    await operationInsert(db, s.account.id, { actor: `user:${s.user.id}`, action: `user.${action}`, target: user.email });
    return c.redirect("/staff?done=updated", 303);
  });
}
