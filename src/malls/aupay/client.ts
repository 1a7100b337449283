import { MallError, type MallContext } from "../types";
import { parseXml, type XmlElement } from "../xml";
import { apiKeyExpiresAt, aupayCredentialsSchema, type AupayCredentials } from "./credentials";
import { readEnvelope, type Envelope } from "./schemas";
import { retryAfterSec } from "../retry-after";

// One adapter call's conversation with the Wow!manager API: the Bearer API key, the shopId every
// call carries, timeouts, and the mapping of every failure to a MallError.
//
// Source IP: au PAY only answers calls from the IP addresses registered in Wow!manager (接続元IP
// アドレス登録), and Cloudflare Workers' egress IPs are neither fixed nor published. A real shop
// therefore sets its base URL to a relay with a fixed egress IP that forwards to
// https://api.manager.wowma.jp/wmshopapi (README: au PAY マーケット); the relay's IP is registered.

export const DEFAULT_BASE_URL = "https://api.manager.wowma.jp/wmshopapi";

export type Query = Record<string, string | number>;

export class AupaySession {
  readonly creds: AupayCredentials;
  private readonly timeoutMs: number;

  constructor(private readonly ctx: MallContext<AupayCredentials>) {
    const parsed = aupayCredentialsSchema.safeParse(ctx.credentials);
    if (!parsed.success) throw new MallError("auth", "au PAY マーケットの認証情報の形式が正しくありません", { code: "credentials" });
    this.creds = parsed.data;
    this.timeoutMs = ctx.timeoutMs ?? 20_000;
  }

  now(): number {
    return this.ctx.now?.() ?? Date.now();
  }

  get shopId(): string {
    return this.creds.shopId;
  }

  /** GET {method}?shopId&…: parameters in the query (MALLS-MORE.md §1). */
  get(method: string, query: Query): Promise<Answer> {
    const qs = new URLSearchParams({ shopId: this.shopId, ...Object.fromEntries(Object.entries(query).map(([k, v]) => [k, String(v)])) });
    return this.send(method, `${this.ctx.baseUrl}/${method}?${qs}`, {
      method: "GET",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
    });
  }

  /** POST {method} with an XML body (`<request><shopId/>…</request>`). */
  post(method: string, xml: string): Promise<Answer> {
    return this.send(method, `${this.ctx.baseUrl}/${method}`, {
      method: "POST",
      headers: { "Content-Type": "application/xml; charset=utf-8" },
      body: xml,
    });
  }

  private async send(method: string, url: string, init: RequestInit): Promise<Answer> {
    const headers = { ...(init.headers as Record<string, string>), Authorization: `Bearer ${this.creds.apiKey}` };
    let res: Response;
    let text: string;
    try {
      res = await this.ctx.fetch(url, { ...init, headers, signal: AbortSignal.timeout(this.timeoutMs) });
      text = await res.text();
    } catch (e) {
      const name = (e as { name?: string } | null)?.name;
      const timeout = name === "TimeoutError" || name === "AbortError";
      throw new MallError(
        "transient",
        timeout ? `au PAY マーケットが ${this.timeoutMs} ms 以内に応答しませんでした (タイムアウト)` : "au PAY マーケットに接続できませんでした",
        { code: timeout ? "timeout" : "network" },
      );
    }
    let doc: XmlElement | null = null;
    try {
      doc = text.trim() ? parseXml(text) : null;
    } catch {
      doc = null;
    }
    const env = doc ? readEnvelope(doc) : null;
    if (res.status === 429) {
      // [verify] au PAY's throttle answer is not documented: modelled as HTTP 429 + Retry-After.
      throw new MallError("rate", "au PAY マーケットのリクエスト数制限に達しました", { status: 429, retryAfterSec: retryAfterSec(res.headers.get("Retry-After"), this.now()) ?? 5 });
    }
    if (res.status === 401 || res.status === 403) throw this.authError(method, env, res.status);
    if (res.status >= 500) throw new MallError("transient", `au PAY ${method}: 一時的なエラー (HTTP ${res.status})`, { status: res.status });
    if (!res.ok) throw this.logicalError(method, env ?? { status: "1", errors: [] }, res.status);
    if (!doc || !env) throw new MallError("transient", `au PAY ${method} の応答を読めませんでした`, { status: res.status });
    return { doc, env };
  }

  /**
   * A whole-call error: failures come back as HTTP 200 with `<status>1</status>` (MALLS-MORE.md §1).
   * The code list is not public, so an error is read as the key or the source IP being refused
   * when its message says so [verify]; any other is a rejection of this request.
   */
  logicalError(method: string, env: Envelope, status = 200): MallError {
    if (env.errors.some((e) => AUTH_WORDS.test(e.message ?? ""))) return this.authError(method, env, status);
    const first = env.errors[0];
    return new MallError("item", `au PAY ${method}: リクエストが拒否されました (${detail(env) || `status ${env.status}`})`, { status, code: first?.code });
  }

  /** Refused credentials, worded for the merchant: an expired key and an unregistered IP are the usual causes. */
  authError(method: string, env: Envelope | null, status: number): MallError {
    const text = env ? detail(env) : "";
    const expired = /有効期限|期限切れ|expire/i.test(text) || apiKeyExpiresAt(this.creds) <= this.now();
    const reason = /IP/i.test(text)
      ? "接続元IPアドレスが登録されていません。Wow!manager の API利用申請 で、中継サーバー(固定IP)のアドレスを登録してください"
      : expired
        ? "APIキーの有効期限が切れています(発行から90日)。Wow!manager でAPIキーを再発行し、認証情報を差し替えてください"
        : "APIキーまたは店舗IDが正しくありません";
    return new MallError("auth", `${reason} (au PAY ${method}${text ? `: ${text}` : `: HTTP ${status}`})`, { status, code: env?.errors[0]?.code ?? `http_${status}` });
  }
}

export interface Answer {
  doc: XmlElement;
  env: Envelope;
}

/** Wording seen for a refused key or source IP [verify]: the real messages were not found. */
const AUTH_WORDS = /APIキー|認証|有効期限|IPアドレス|接続元|権限/;

function detail(env: Envelope): string {
  return env.errors.map((e) => `${e.code ?? ""} ${e.message ?? ""}`.trim()).filter(Boolean).join(", ");
}
