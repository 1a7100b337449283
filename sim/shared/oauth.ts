import { Hono, type Context } from "hono";

// The authorization step every simulated mall shares: a consent page (a plain form with 許可 and
// 拒否), single-use authorization codes bound to the client and the redirect URI that asked for
// them, and a control route that ages the outstanding codes so a test can let one expire without
// waiting. Each mall's own module decides its parameter names, its callback query and what its
// token endpoint answers.

export interface PendingCode<D> {
  clientId: string;
  redirectUri: string;
  issuedAt: number;
  data: D;
}

export type CodeRefusal = "unknown" | "expired" | "client" | "redirect";

/** Authorization codes of one simulated mall. */
export class CodeStore<D> {
  private codes = new Map<string, PendingCode<D>>();
  private seq = 0;

  constructor(
    private readonly now: () => number,
    /** How long a code may be exchanged (Amazon: 5 minutes). */
    readonly lifeMs: number,
    private readonly prefix: string,
  ) {}

  issue(clientId: string, redirectUri: string, data: D): string {
    const rnd = [...crypto.getRandomValues(new Uint8Array(12))].map((b) => b.toString(16).padStart(2, "0")).join("");
    const code = `${this.prefix}${++this.seq}${rnd}`;
    this.codes.set(code, { clientId, redirectUri, issuedAt: this.now(), data });
    return code;
  }

  /**
   * Spends the code whatever the outcome (RFC 6749 §4.1.2: used once; a second exchange is an
   * invalid_grant) and says why it is refused, if it is.
   */
  take(code: string, clientId: string, redirectUri: string | null): { ok: true; data: D } | { ok: false; why: CodeRefusal } {
    const c = this.codes.get(code);
    if (!c) return { ok: false, why: "unknown" };
    this.codes.delete(code);
    if (this.now() - c.issuedAt > this.lifeMs) return { ok: false, why: "expired" };
    if (c.clientId !== clientId) return { ok: false, why: "client" };
    if (redirectUri !== null && c.redirectUri !== redirectUri) return { ok: false, why: "redirect" };
    return { ok: true, data: c.data };
  }

  /** Moves every outstanding code `ms` into the past. */
  age(ms: number): number {
    for (const c of this.codes.values()) c.issuedAt -= ms;
    return this.codes.size;
  }

  clear(): void {
    this.codes.clear();
  }
}

const esc = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

/** The consent page: every query parameter carried as a hidden field, and the two buttons. */
export function consentPage(c: Context, mall: string, what: string): Response {
  const url = new URL(c.req.url);
  const hidden = [...url.searchParams].map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`).join("\n");
  const html = `<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>${esc(mall)} — アプリの連携 (シミュレーター)</title></head>
<body><h1>${esc(mall)}</h1><p>${esc(what)}</p>
<form method="post" action="${esc(url.pathname)}">
${hidden}
<button type="submit" name="decision" value="allow">許可</button>
<button type="submit" name="decision" value="deny">拒否</button>
</form></body></html>`;
  return c.html(html);
}

/** The consent form as posted: its fields and whether the merchant allowed. */
export async function consentDecision(c: Context): Promise<{ fields: Record<string, string>; allowed: boolean }> {
  const form = new URLSearchParams(new TextDecoder().decode(await c.req.arrayBuffer()));
  const fields = Object.fromEntries(form);
  return { fields, allowed: fields.decision === "allow" };
}

/** 302 to the app's redirect URI with the given query added. */
export function backTo(c: Context, redirectUri: string, query: Record<string, string | undefined>): Response {
  const u = new URL(redirectUri);
  for (const [k, v] of Object.entries(query)) if (v !== undefined) u.searchParams.set(k, v);
  return c.redirect(u.toString(), 302);
}

export function isRedirectUri(v: string | undefined): v is string {
  if (!v) return false;
  try {
    const u = new URL(v);
    return u.protocol === "https:" || u.protocol === "http:";
  } catch {
    return false;
  }
}

/** POST /__sim/oauth/age { seconds }: outstanding codes become that much older. */
export function ageRoute(store: { age(ms: number): number }): Hono {
  const app = new Hono();
  app.post("/__sim/oauth/age", async (c) => {
    const body = (await c.req.json().catch(() => ({}))) as { seconds?: unknown };
    const s = typeof body.seconds === "number" && body.seconds > 0 ? body.seconds : null;
    if (s === null) return c.json({ error: "seconds (a positive number) is required" }, 400);
    return c.json({ ok: true, codes: store.age(s * 1000) });
  });
  return app;
}
