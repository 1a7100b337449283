import { CsrfField, Flash, type Frame, Layout } from "./layout";

export function LoginPage(props: { frame: Frame; email?: string; error?: string; notice?: string; next?: string }) {
  const { t } = props.frame;
  return (
    <Layout frame={props.frame} title={t("login.title")}>
      <section class="card narrow">
        <h1>{t("login.title")}</h1>
        <p class="muted">{t("login.lead")}</p>
        {props.notice ? <Flash kind="ok">{props.notice}</Flash> : null}
        {props.error ? <Flash kind="error">{props.error}</Flash> : null}
        <form method="post" action={props.next ? `/login?${new URLSearchParams({ next: props.next })}` : "/login"} class="stack">
          <label>
            {t("login.email")}
            <input type="email" name="email" autocomplete="username" required value={props.email ?? ""} autofocus />
          </label>
          <label>
            {t("login.password")}
            <input type="password" name="password" autocomplete="current-password" required />
          </label>
          <button type="submit" class="primary">
            {t("login.submit")}
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function PasswordPage(props: { frame: Frame; error?: string; notice?: string }) {
  const { t } = props.frame;
  return (
    <Layout frame={props.frame} title={t("password.title")}>
      <section class="card narrow">
        <h1>{t("password.title")}</h1>
        {props.notice ? <Flash kind="ok">{props.notice}</Flash> : null}
        {props.error ? <Flash kind="error">{props.error}</Flash> : null}
        <form method="post" action="/account/password" class="stack">
          <CsrfField session={props.frame.session} />
          <input type="hidden" name="username" autocomplete="username" value={props.frame.session?.user.email ?? ""} />
          <label>
            {t("password.current")}
            <input type="password" name="current" autocomplete="current-password" required />
          </label>
          <label>
            {t("password.new")}
            <input type="password" name="password" autocomplete="new-password" minlength={10} maxlength={200} required />
          </label>
          <button type="submit" class="primary">
            {t("password.submit")}
          </button>
        </form>
      </section>
    </Layout>
  );
}

export function MessagePage(props: { frame: Frame; title: string; message: string }) {
  const { t } = props.frame;
  return (
    <Layout frame={props.frame} title={props.title}>
      <section class="card narrow">
        <h1>{props.title}</h1>
        <p>{props.message}</p>
        <p>
          <a href={props.frame.session ? "/" : "/login"}>{props.frame.session ? t("error.back") : t("login.title")}</a>
        </p>
      </section>
    </Layout>
  );
}
