import type { User } from "../db/queries/users";
import { CsrfField, Flash, type Frame, Layout } from "./layout";

const ASSIGNABLE = ["admin", "staff", "viewer"] as const;

export function StaffPage(props: { frame: Frame; users: User[]; notice?: string; error?: string; form?: { email?: string; name?: string; role?: string } }) {
  const { t, session } = props.frame;
  return (
    <Layout frame={props.frame} title={t("staff.title")}>
      <h1>{t("staff.title")}</h1>
      <p class="muted">{t("staff.lead")}</p>
      {props.notice ? <Flash kind="ok">{props.notice}</Flash> : null}
      {props.error ? <Flash kind="error">{props.error}</Flash> : null}
      <div class="scroll">
        <table class="grid">
          <thead>
            <tr>
              <th scope="col">{t("staff.email")}</th>
              <th scope="col">{t("staff.name")}</th>
              <th scope="col">{t("staff.role")}</th>
              <th scope="col">{t("staff.status")}</th>
              <th scope="col">{t("staff.actions")}</th>
            </tr>
          </thead>
          <tbody>
            {props.users.map((u) => {
              const fixed = u.role === "owner" || u.id === session?.user.id;
              return (
                <tr class={u.disabledAt ? "off" : undefined}>
                  <td>
                    {u.email} {u.id === session?.user.id ? t("staff.you") : ""}
                  </td>
                  <td>{u.name}</td>
                  <td>
                    {fixed ? (
                      t(`role.${u.role}`)
                    ) : (
                      <form method="post" action={`/staff/${u.id}/role`} class="inline">
                        <CsrfField session={session} />
                        <select name="role" aria-label={`${t("staff.role")}: ${u.email}`}>
                          {ASSIGNABLE.map((r) => (
                            <option value={r} selected={u.role === r}>
                              {t(`role.${r}`)}
                            </option>
                          ))}
                        </select>{" "}
                        <button type="submit">{t("staff.changeRole")}</button>
                      </form>
                    )}
                  </td>
                  <td>{u.disabledAt ? t("staff.disabled") : t("staff.active")}</td>
                  <td>
                    {fixed ? null : (
                      <form method="post" action={`/staff/${u.id}/${u.disabledAt ? "enable" : "disable"}`} class="inline">
                        <CsrfField session={session} />
                        <button type="submit" class={u.disabledAt ? undefined : "danger"}>
                          {u.disabledAt ? t("staff.enable") : t("staff.disable")}
                        </button>
                      </form>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <section class="card">
        <h2>{t("staff.add")}</h2>
        <form method="post" action="/staff" class="row-form">
          <CsrfField session={session} />
          <label>
            {t("staff.email")}
            <input type="email" name="email" required maxlength={254} autocomplete="off" value={props.form?.email ?? ""} />
          </label>
          <label>
            {t("staff.name")}
            <input type="text" name="name" required maxlength={100} autocomplete="off" value={props.form?.name ?? ""} />
          </label>
          <label>
            {t("staff.role")}
            <select name="role">
              {ASSIGNABLE.map((r) => (
                <option value={r} selected={(props.form?.role ?? "staff") === r}>
                  {t(`role.${r}`)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("staff.initialPassword")}
            <input type="password" name="password" required minlength={10} maxlength={200} autocomplete="new-password" />
          </label>
          <button type="submit" class="primary">
            {t("staff.add")}
          </button>
        </form>
      </section>
    </Layout>
  );
}
