import type { z } from "zod";
import { fetchJsonAnswer } from "../abortable";
import { MallError, type MallContext, type MallErrorClass } from "../types";
import { baseErrorSchema, tokenResponseSchema, type BaseCredentials } from "./schemas";
import { retryAfterSec } from "../retry-after";

export const BASE_DEFAULT_URL = "https://api.thebase.in";
/** The token endpoint lives on the API host itself, so `baseUrl + path` covers it too. */
const TOKEN_PATH = "/1/oauth/token";
/** Refresh this long before the access token's stated expiry. */
const TOKEN_MARGIN_MS = 60_000;
/** "リフレッシュトークンの有効期限は30日" (oauth/refresh_token doc). */
export const REFRESH_TOKEN_LIFE_MS = 30 * 86_400_000;
const JST_OFFSET_SEC = 9 * 3600;

type Form = Record<string, string>;

/**
 * One adapter operation's connection to BASE. Holds the current credentials so a refresh in
 * the middle of a long push is used by the calls after it.
 */
export class BaseClient {
  private creds: BaseCredentials;
  private refreshedHere = false;

  constructor(private readonly ctx: MallContext<BaseCredentials>) {
    this.creds = ctx.credentials;
  }

  now(): number {
    return this.ctx.now?.() ?? Date.now();
  }

  get credentials(): BaseCredentials {
    return this.creds;
  }

  /**
   * POST /1/oauth/token grant_type=refresh_token; persists the rotated pair before returning.
   * Refused because our refresh token is spent: if the stored pair is newer (another conversation
   * of this shop refreshed meanwhile), that pair is taken up instead of stopping the shop.
   */
  async refresh(): Promise<BaseCredentials> {
    try {
      return await this.refreshWith(this.creds);
    } catch (e) {
      if (!(e instanceof MallError) || e.errorClass !== "auth" || !this.ctx.loadCredentials) throw e;
      const stored = await this.ctx.loadCredentials();
      if (!stored || stored.refreshToken === this.creds.refreshToken) throw e;
      this.creds = stored;
      const c = stored;
      if (c.accessToken && c.accessTokenExpiresAt && c.accessTokenExpiresAt - TOKEN_MARGIN_MS > this.now()) return c;
      return this.refreshWith(stored);
    }
  }

  private async refreshWith(creds: BaseCredentials): Promise<BaseCredentials> {
    this.creds = creds;
    const form: Form = {
      grant_type: "refresh_token",
      client_id: this.creds.clientId,
      client_secret: this.creds.clientSecret,
      refresh_token: this.creds.refreshToken,
      redirect_uri: this.creds.redirectUri,
    };
    const body = await this.send("POST", TOKEN_PATH, form, null, true);
    const tok = parse(tokenResponseSchema, body, "oauth/token");
    const now = this.now();
    const next: BaseCredentials = {
      ...this.creds,
      accessToken: tok.access_token,
      accessTokenExpiresAt: now + tok.expires_in * 1000,
      // BASE returns a new refresh token on every refresh; the old one must be treated as spent.
      refreshToken: tok.refresh_token,
      refreshTokenExpiresAt: now + REFRESH_TOKEN_LIFE_MS,
    };
    // Save BEFORE use: if persisting fails we must not go on with a token nobody stored.
    await this.ctx.saveCredentials(next);
    this.creds = next;
    this.refreshedHere = true;
    return next;
  }

  private async accessToken(): Promise<string> {
    const c = this.creds;
    if (c.accessToken && c.accessTokenExpiresAt && c.accessTokenExpiresAt - TOKEN_MARGIN_MS > this.now()) {
      return c.accessToken;
    }
    return (await this.refresh()).accessToken!;
  }

  async get<T>(path: string, schema: z.ZodType<T>, query?: Form): Promise<T> {
    const qs = query ? `?${new URLSearchParams(query)}` : "";
    return parse(schema, await this.authed("GET", path + qs, null), path);
  }

  async post<T>(path: string, schema: z.ZodType<T>, form: Form): Promise<T> {
    return parse(schema, await this.authed("POST", path, form), path);
  }

  private async authed(method: string, path: string, form: Form | null): Promise<unknown> {
    const token = await this.accessToken();
    try {
      return await this.send(method, path, form, token, false);
    } catch (e) {
      // An access token BASE no longer honours (revoked, expired early, clock skew) answers
      // invalid_request "アクセストークンが無効です。": refresh once and try again.
      if (e instanceof MallError && e.opts.code === "invalid_request" && !this.refreshedHere) {
        await this.refresh();
        return this.send(method, path, form, this.creds.accessToken!, false);
      }
      throw e;
    }
  }

  private async send(
    method: string,
    path: string,
    form: Form | null,
    token: string | null,
    tokenEndpoint: boolean,
  ): Promise<unknown> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (token) headers.authorization = `Bearer ${token}`;
    if (form) headers["content-type"] = "application/x-www-form-urlencoded";
    const { status, retryAfter, json } = await fetchJsonAnswer(
      this.ctx.fetch,
      this.ctx.baseUrl + path,
      { method, headers, body: form ? new URLSearchParams(form).toString() : undefined },
      this.ctx.timeoutMs ?? 20_000,
      { timeout: "BASE API がタイムアウトしました", network: "BASE API に接続できません (ネットワークエラー)" },
    );
    if (status >= 200 && status < 300) {
      if (json === undefined) throw new MallError("transient", `BASE API の応答が JSON ではありません (${path})`, { status });
      return json;
    }
    throw this.toError(status, json, retryAfter, tokenEndpoint);
  }

  private toError(status: number, json: unknown, retryAfter: string | null, tokenEndpoint: boolean): MallError {
    const err = baseErrorSchema.safeParse(json);
    const code = err.success ? err.data.error : undefined;
    const desc = err.success ? (err.data.error_description ?? "") : "";
    const detail = code ? `${desc} (${code})` : `HTTP ${status}`;
    const mk = (cls: MallErrorClass, msg: string, retryAfterSec?: number) =>
      new MallError(cls, msg, { status, code, retryAfterSec });

    if (code === "hour_api_limit") return mk("rate", `BASE API の1時間の利用上限に達しました: ${detail}`, this.secToNextHour());
    if (code === "day_api_limit") return mk("rate", `BASE API の1日の利用上限に達しました: ${detail}`, this.secToNextJstDay());
    if (status === 429) return mk("rate", `BASE API が混み合っています: ${detail}`, retryAfterSec(retryAfter, Date.now(), 0) ?? 60);
    if (status >= 500 || code === "server_error") return mk("transient", `BASE API のサーバーエラー: ${detail}`);
    if (status === 401 || status === 403) return mk("auth", `BASE API の認証に失敗しました: ${detail}`);
    if (status === 400 && code) {
      if (tokenEndpoint) return mk("auth", tokenReason(code, desc));
      if (code === "invalid_request" || code === "access_denied")
        return mk("auth", `アクセストークンが拒否されました: ${detail}`);
      if (code === "invalid_scope")
        return mk("auth", `API権限(スコープ)が不足しています。read_items / write_items / read_orders を許可して再連携してください: ${detail}`);
      // bad_item_id, bad_variation_id, bad_params, validation_error, no_item, no_order …
      return mk("item", `BASE が拒否しました: ${detail}`);
    }
    return mk("transient", `BASE API の予期しない応答: ${detail}`);
  }

  /** hour_api_limit resets at minute 00 ("00分になると利用回数がリセットされます"). */
  private secToNextHour(): number {
    const s = Math.floor(this.now() / 1000);
    return 3600 - (s % 3600) + 1;
  }

  /** day_api_limit resets when the (Japanese) date changes [verify: JST assumed]. */
  private secToNextJstDay(): number {
    const s = Math.floor(this.now() / 1000) + JST_OFFSET_SEC;
    return 86_400 - (s % 86_400) + 1;
  }
}

function tokenReason(code: string, desc: string): string {
  if (/有効期限/.test(desc)) return `リフレッシュトークンの有効期限切れです。BASEで再連携(再認可)してください: ${desc} (${code})`;
  if (code === "unauthorized_client" || /client/.test(desc))
    return `クライアントIDまたはクライアントシークレットが正しくありません: ${desc} (${code})`;
  if (/リフレッシュトークン/.test(desc)) return `リフレッシュトークンが無効です。BASEで再連携してください: ${desc} (${code})`;
  return `BASE のトークン発行に失敗しました: ${desc} (${code})`;
}

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new MallError("transient", `BASE API の応答形式が想定外です (${what})`, { code: "bad_response" });
  return r.data;
}
