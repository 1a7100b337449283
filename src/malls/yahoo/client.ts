import { MallError, type MallContext } from "../types";
import { yahooCredentialsSchema, hasPublicKey, type YahooCredentials } from "./credentials";
import { errorSchema, readError, tokenErrorSchema, tokenSchema, type YahooErrorBody } from "./schemas";
import { signatureHeaders } from "./signature";
import { parseXml, type XmlElement } from "./xml";
import { retryAfterSec } from "../retry-after";

// One adapter call's conversation with Yahoo: access-token refresh (Yahoo! ID連携 v2), the
// Bearer + 公開鍵認証 headers, timeouts, and the mapping of every failure to a MallError.

export const DEFAULT_BASE_URL = "https://circus.shopping.yahooapis.jp";
export const API_PREFIX = "/ShoppingWebService/V1";
export const TOKEN_PATH = "/yconnect/v2/token";
const REAL_TOKEN_URL = "https://auth.login.yahoo.co.jp/yconnect/v2/token";
/** Refresh the access token this long before Yahoo's stated expiry. */
const TOKEN_MARGIN_MS = 60_000;
const DEFAULT_RETRY_AFTER_SEC = 5;

/**
 * The token endpoint lives on another host (auth.login.yahoo.co.jp). Use it for the real store
 * API hosts (production and test.circus…); for any other base (simulator, egress proxy) the
 * token endpoint is `baseUrl + /yconnect/v2/token`.
 */
export function tokenUrl(baseUrl: string): string {
  if (baseUrl === DEFAULT_BASE_URL || /^https:\/\/([a-z0-9-]+\.)*shopping\.yahooapis\.jp\/?$/.test(baseUrl)) {
    return REAL_TOKEN_URL;
  }
  return baseUrl + TOKEN_PATH;
}

export type Body = { form: Record<string, string> } | { xml: string } | { query: Record<string, string> };

export class YahooSession {
  creds: YahooCredentials;
  private readonly timeoutMs: number;

  constructor(private readonly ctx: MallContext<YahooCredentials>) {
    const parsed = yahooCredentialsSchema.safeParse(ctx.credentials);
    if (!parsed.success) {
      throw new MallError("auth", "Yahoo!ショッピングの認証情報の形式が正しくありません", { code: "credentials" });
    }
    this.creds = parsed.data;
    this.timeoutMs = ctx.timeoutMs ?? 20_000;
  }

  now(): number {
    return this.ctx.now?.() ?? Date.now();
  }

  get sellerId(): string {
    return this.creds.sellerId;
  }

  /** A usable access token, refreshed (and saved) first when missing or about to expire. */
  async accessToken(force = false): Promise<string> {
    const { accessToken, accessTokenExpiresAt } = this.creds;
    if (!force && accessToken && (accessTokenExpiresAt ?? 0) - TOKEN_MARGIN_MS > this.now()) return accessToken;
    return this.refresh();
  }

  private async refresh(): Promise<string> {
    const c = this.creds;
    const headers: Record<string, string> = {
      "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8",
      Authorization: "Basic " + btoa(`${c.clientId}:${c.clientSecret}`),
      ...(await this.signature()), // [verify] some clients also sign the refresh; harmless if ignored
    };
    const body = new URLSearchParams({ grant_type: "refresh_token", refresh_token: c.refreshToken });
    const res = await this.send(tokenUrl(this.ctx.baseUrl), { method: "POST", headers, body: body.toString() });
    const text = await res.text();
    if (res.status === 429) throw rateError(res);
    if (res.status >= 500) throw new MallError("transient", `Yahoo! ID連携のトークン発行が一時的に失敗しました (HTTP ${res.status})`, { status: res.status });
    const json = safeJson(text);
    if (!res.ok) {
      const err = tokenErrorSchema.safeParse(json);
      const code = err.success ? err.data.error : `http_${res.status}`;
      const reason =
        code === "invalid_grant"
          ? "リフレッシュトークンが無効か有効期限切れです。ストアクリエイターProから再認可してください"
          : code === "invalid_client"
            ? "Client ID またはシークレットが正しくありません"
            : "Yahoo! ID連携でトークンを発行できませんでした";
      throw new MallError("auth", `${reason} (${code})`, { status: res.status, code });
    }
    const tok = tokenSchema.safeParse(json);
    if (!tok.success) throw new MallError("transient", "Yahoo! ID連携の応答を読めませんでした", { status: res.status });
    const now = this.now();
    const next: YahooCredentials = {
      ...c,
      accessToken: tok.data.access_token,
      accessTokenExpiresAt: now + tok.data.expires_in * 1000,
      // Yahoo keeps the refresh token on refresh; should a new one come back, adopt it.
      ...(tok.data.refresh_token && tok.data.refresh_token !== c.refreshToken
        ? { refreshToken: tok.data.refresh_token, refreshTokenIssuedAt: now }
        : {}),
    };
    await this.ctx.saveCredentials(next); // persist before the new token is used
    this.creds = next;
    return next.accessToken!;
  }

  private async signature(): Promise<Record<string, string>> {
    const c = this.creds;
    if (!hasPublicKey(c)) return {};
    try {
      return await signatureHeaders(c.sellerId, c.publicKey!, c.publicKeyVersion!, this.now());
    } catch {
      throw new MallError("auth", "公開鍵を読み込めません。ストアクリエイターProの公開鍵を貼り付け直してください", { code: "public_key" });
    }
  }

  /** POSTs (or GETs, for `query`) one store API and returns the parsed XML document. */
  async call(api: string, body: Body, retried = false): Promise<XmlElement> {
    const token = await this.accessToken();
    const headers: Record<string, string> = { Authorization: `Bearer ${token}`, ...(await this.signature()) };
    let url = this.ctx.baseUrl + API_PREFIX + "/" + api;
    const init: RequestInit = { method: "POST", headers };
    if ("form" in body) {
      headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8";
      init.body = new URLSearchParams(body.form).toString();
    } else if ("xml" in body) {
      headers["Content-Type"] = "application/xml;charset=UTF-8";
      init.body = body.xml;
    } else {
      init.method = "GET";
      url += "?" + new URLSearchParams(body.query).toString();
    }
    const res = await this.send(url, init);
    const text = await res.text();
    if (res.ok) {
      const doc = tryParse(text);
      if (!doc) throw new MallError("transient", `Yahoo ${api} の応答を読めませんでした`, { status: res.status });
      if (doc.name === "Error") throw mapError(api, res, errorBody(doc));
      return doc;
    }
    const doc = tryParse(text);
    const err = doc ? errorBody(doc) : {};
    // An access token that expired or was revoked early: refresh once and try again. px-04102
    // is different: the order-API session has lapsed and only re-authorization helps.
    if (res.status === 401 && err.Code !== "px-04102" && !retried) {
      await this.accessToken(true);
      return this.call(api, body, true);
    }
    throw mapError(api, res, err);
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.ctx.fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (e) {
      const name = (e as { name?: string } | null)?.name;
      const timeout = name === "TimeoutError" || name === "AbortError";
      throw new MallError(
        "transient",
        timeout ? `Yahoo!ショッピングが ${this.timeoutMs} ms 以内に応答しませんでした (タイムアウト)` : "Yahoo!ショッピングに接続できませんでした",
        { code: timeout ? "timeout" : "network" },
      );
    }
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}

function tryParse(text: string): XmlElement | null {
  try {
    return parseXml(text);
  } catch {
    return null;
  }
}

function errorBody(doc: XmlElement): YahooErrorBody {
  const r = errorSchema.safeParse(readError(doc));
  return r.success ? r.data : {};
}

function rateError(res: Response): MallError {
  // [verify] Yahoo's throttle answer: modelled as HTTP 429 with an optional Retry-After.
  return new MallError("rate", "Yahoo!ショッピングのリクエスト数制限に達しました", {
    status: res.status,
    retryAfterSec: retryAfterSec(res.headers.get("Retry-After"), Date.now()) ?? DEFAULT_RETRY_AFTER_SEC,
  });
}

const AUTH_CODES = new Set(["ed-00003", "ed-00004", "ed-00005", "px-04102"]);
const TRANSIENT_CODES = new Set(["ed-00001", "ed-00002", "st-02000", "st-02999"]);

export function mapError(api: string, res: Response, err: YahooErrorBody): MallError {
  const code = err.Code;
  const detail = `${code ? code + " " : ""}${err.Message ?? ""}`.trim() || `HTTP ${res.status}`;
  const opts = { status: res.status, code };
  if (res.status === 429) return rateError(res);
  if (code === "px-04102") {
    return new MallError("auth", `アクセストークンの有効期限切れ: 再認可が必要です（公開鍵認証の設定も確認してください） (${detail})`, opts);
  }
  if (res.status === 401 || res.status === 403 || (code && AUTH_CODES.has(code))) {
    return new MallError("auth", `Yahoo ${api}: 認証または権限のエラー (${detail})`, opts);
  }
  if (res.status >= 500 || (code && TRANSIENT_CODES.has(code))) {
    return new MallError("transient", `Yahoo ${api}: 一時的なエラー (${detail})`, opts);
  }
  return new MallError("item", `Yahoo ${api}: リクエストが拒否されました (${detail})`, opts);
}
