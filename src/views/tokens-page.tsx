import { CsrfField, Flash, type Frame, Layout } from "./layout";

export interface TokenRow {
  id: number;
  name: string;
  scopes: string[];
  createdAt: number;
  lastUsedAt: number | null;
  revokedAt: number | null;
}

function when(ms: number | null, lang: string) {
  return ms === null ? "—" : new Date(ms).toLocaleString(lang === "ja" ? "ja-JP" : "en-GB", { timeZone: "Asia/Tokyo", dateStyle: "short", timeStyle: "short" });
}

export function TokensPage(props: { frame: Frame; tokens: TokenRow[]; ttlSeconds: number; created?: string; notice?: string; error?: string }) {
  const { t, lang, session } = props.frame;
  return (
    <Layout frame={props.frame} title={t("tokens.title")}>
      <h1>{t("tokens.title")}</h1>
      <p class="muted">{t("tokens.lead")}</p>
      <p class="muted">{t("tokens.revokeNote", { seconds: props.ttlSeconds })}</p>
      {props.created ? (
        <div class="flash ok" role="status">
          <p>{t("tokens.shownOnce")}</p>
          <p>
            <code class="secret" id="new-token">
              {props.created}
            </code>
          </p>
        </div>
      ) : null}
      {props.notice ? <Flash kind="ok">{props.notice}</Flash> : null}
      {props.error ? <Flash kind="error">{props.error}</Flash> : null}
      <div class="scroll">
        <table class="grid">
          <thead>
            <tr>
              <th scope="col">{t("tokens.name")}</th>
              <th scope="col">{t("tokens.scopes")}</th>
              <th scope="col">{t("tokens.created")}</th>
              <th scope="col">{t("tokens.lastUsed")}</th>
              <th scope="col">{t("tokens.status")}</th>
              <th scope="col">
                <span class="sr">{t("staff.actions")}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {props.tokens.length === 0 ? (
              <tr>
                <td colspan={6} class="muted">
                  {t("tokens.none")}
                </td>
              </tr>
            ) : null}
            {props.tokens.map((tok) => (
              <tr class={tok.revokedAt ? "off" : undefined}>
                <td>{tok.name}</td>
                <td>{tok.scopes.map((sc) => (sc === "read" || sc === "write" ? t(`tokens.scope.${sc}`) : sc)).join(" / ")}</td>
                <td>{when(tok.createdAt, lang)}</td>
                <td>{when(tok.lastUsedAt, lang)}</td>
                <td>{tok.revokedAt ? t("tokens.revoked", { at: when(tok.revokedAt, lang) }) : t("tokens.active")}</td>
                <td>
                  {tok.revokedAt ? null : (
                    <form method="post" action={`/tokens/${tok.id}/revoke`} class="inline">
                      <CsrfField session={session} />
                      <button type="submit" class="danger" aria-label={`${t("tokens.revoke")}: ${tok.name}`}>
                        {t("tokens.revoke")}
                      </button>
                    </form>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <section class="card">
        <h2>{t("tokens.create")}</h2>
        <form method="post" action="/tokens" class="row-form">
          <CsrfField session={session} />
          <label>
            {t("tokens.name")}
            <input type="text" name="name" required maxlength={100} autocomplete="off" />
          </label>
          <fieldset class="checks">
            <legend>{t("tokens.scopes")}</legend>
            <label class="check">
              <input type="checkbox" name="scope" value="read" checked /> {t("tokens.scope.read")}
            </label>
            <label class="check">
              <input type="checkbox" name="scope" value="write" /> {t("tokens.scope.write")}
            </label>
          </fieldset>
          <button type="submit" class="primary">
            {t("tokens.create")}
          </button>
        </form>
      </section>
    </Layout>
  );
}
