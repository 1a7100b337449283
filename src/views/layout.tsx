import type { Child } from "hono/jsx";
import type { Lang, MessageKey, Translate } from "../lib/i18n";
import type { SessionInfo } from "../lib/session";

/** What every dashboard page needs to draw its frame. */
export interface Frame {
  t: Translate;
  lang: Lang;
  session: SessionInfo | null;
  /** The current path with its query, for the language toggle and the current menu entry. */
  path: string;
  /** The menu entries this user may open (decided by the permission table, not by the view). */
  menu: readonly string[];
}

export const NAV: readonly { href: string; key: MessageKey }[] = [
  { href: "/", key: "nav.home" },
  { href: "/products", key: "nav.products" },
  { href: "/shops", key: "nav.shops" },
  { href: "/settings", key: "nav.settings" },
  { href: "/logs", key: "nav.logs" },
  { href: "/tokens", key: "nav.tokens" },
  { href: "/staff", key: "nav.staff" },
];

function withLang(path: string, lang: Lang): string {
  const url = new URL(path, "http://x");
  url.searchParams.set("lang", lang);
  return `${url.pathname}${url.search}`;
}

function current(path: string, href: string): boolean {
  const p = path.split("?")[0];
  return href === "/" ? p === "/" : p === href || p.startsWith(`${href}/`);
}

/** The per-session CSRF token every state-changing form carries. */
export function CsrfField(props: { session: SessionInfo | null }) {
  return props.session ? <input type="hidden" name="_csrf" value={props.session.csrfToken} /> : null;
}

/** `refresh`: seconds after which the browser reloads the page (a job's progress, without JavaScript). */
export function Layout(props: { frame: Frame; title: string; wide?: boolean; script?: string; refresh?: number; children?: Child }) {
  const { t, lang, session, path } = props.frame;
  const nav = NAV.filter((n) => props.frame.menu.includes(n.href));
  return (
    <html lang={lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        {props.refresh ? <meta http-equiv="refresh" content={String(props.refresh)} /> : null}
        <title>{`${props.title} — ${t("app.name")}`}</title>
        <link rel="stylesheet" href="/kura.css" />
        {props.script ? <script src={props.script} defer /> : null}
      </head>
      <body>
        <a class="skip" href="#main">
          {t("nav.skip")}
        </a>
        <header class="topbar">
          <a class="brand" href="/">
            {t("app.name")} <small>{t("app.tagline")}</small>
          </a>
          {session ? (
            <nav class="mainnav" aria-label={t("nav.main")}>
              <ul>
                {nav.map((n) => (
                  <li>
                    <a href={n.href} aria-current={current(path, n.href) ? "page" : undefined}>
                      {t(n.key)}
                    </a>
                  </li>
                ))}
              </ul>
            </nav>
          ) : null}
          <div class="usermenu">
            <a class="lang" href={withLang(path, lang === "ja" ? "en" : "ja")} hreflang={lang === "ja" ? "en" : "ja"}>
              {t("nav.language")}
            </a>
            {session ? (
              <>
                <span class="who">
                  {session.account.name} · {session.user.name || session.user.email} ({t(`role.${session.user.role}`)})
                </span>
                <a href="/account/password">{t("nav.password")}</a>
                <form method="post" action="/logout" class="inline">
                  <CsrfField session={session} />
                  <button type="submit" class="link">
                    {t("nav.logout")}
                  </button>
                </form>
              </>
            ) : null}
          </div>
        </header>
        <main id="main" class={props.wide ? "wide" : undefined}>
          {props.children}
        </main>
        <footer class="foot">
          <a href="/api/docs">{t("nav.apiDocs")}</a> · <a href="/api/v1/openapi.json">OpenAPI 3.1</a>
        </footer>
      </body>
    </html>
  );
}

export function Flash(props: { kind: "ok" | "error"; children?: Child }) {
  return (
    <p class={`flash ${props.kind}`} role={props.kind === "error" ? "alert" : "status"}>
      {props.children}
    </p>
  );
}
