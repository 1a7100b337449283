import type { z } from "zod";
import { MallError, type MallContext } from "../types";
import type { AmazonCredentials } from "./credentials";
import { budgetFor, type Operation, type Pacer } from "./pacing";
import { errorListSchema, lwaErrorSchema, lwaTokenSchema } from "./schemas";

export const AMAZON_BASE_URL = "https://sellingpartnerapi-fe.amazon.com";
/** Login with Amazon; a deployment points elsewhere through the Worker var AMAZON_LWA_URL (ctx.authUrl). */
export const LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token";
/** Refresh the access token this long before Amazon's stated expiry. */
const TOKEN_MARGIN_MS = 60_000;
/**
 * The pacer waits at most this long for a slot; a bucket further off than that (searchOrders,
 * createFeed: minutes) fails the call at once as `rate`, without spending a request on a 429.
 */
export const MAX_PACE_WAIT_MS = 5_000;

export { USAGE_PLANS, type Operation } from "./pacing";

export interface ApiResult {
  status: number;
  json: unknown;
  requestId: string | null;
}

/** `{code, message, details}` of an SP-API ErrorList body, if it is one. */
export function firstError(json: unknown): { code: string; message: string; details?: string } | null {
  const parsed = errorListSchema.safeParse(json);
  return parsed.success && parsed.data.errors[0] ? parsed.data.errors[0] : null;
}

/** zod-parse a mall response; a shape we cannot read is a `transient` failure, never a raw throw. */
export function parseBody<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new MallError("transient", `Amazon ${what} の応答を解釈できません`);
  return parsed.data;
}

/**
 * One adapter call's conversation with Amazon: holds the current credentials (the LWA access
 * token is refreshed on demand and handed to `saveCredentials` before first use) and paces
 * requests with a token bucket per operation (pacing.ts) so a batch stays inside the usage plan
 * instead of collecting 429s. The buckets belong to the seller, not to the call: consecutive
 * pushStock / fetchOrders calls in one isolate draw on the same ones.
 */
export class AmazonSession {
  private creds: AmazonCredentials;
  private readonly pacer: Pacer;

  constructor(readonly ctx: MallContext<AmazonCredentials>) {
    this.creds = ctx.credentials;
    this.pacer = budgetFor(`${ctx.baseUrl}|${ctx.credentials.clientId}|${ctx.credentials.sellerId}`);
  }

  get sellerId(): string {
    return this.creds.sellerId;
  }
  get marketplaceId(): string {
    return this.creds.marketplaceId;
  }
  now(): number {
    return this.ctx.now?.() ?? Date.now();
  }
  sleep(ms: number): Promise<void> {
    if (ms <= 0) return Promise.resolve();
    return this.ctx.sleep ? this.ctx.sleep(ms) : new Promise((r) => setTimeout(r, ms));
  }

  /** Outbound HTTP with the per-request timeout; network failure and timeout → `transient`. */
  async send(url: string, init: RequestInit): Promise<Response> {
    const ms = this.ctx.timeoutMs ?? 20_000;
    const signal = AbortSignal.timeout(ms);
    // Raced as well as passed on: a fetch that ignores the signal still cannot hold us up.
    const aborted = new Promise<never>((_, reject) =>
      signal.addEventListener("abort", () => reject(signal.reason), { once: true }),
    );
    try {
      return await Promise.race([this.ctx.fetch(url, { ...init, signal }), aborted]);
    } catch (e) {
      if (signal.aborted) throw new MallError("transient", `Amazon から ${ms} ms 以内に応答がありません (timeout)`);
      throw new MallError("transient", `Amazon に接続できません (${(e as Error)?.name ?? "network"})`);
    }
  }

  /** A valid access token, refreshing through LWA when missing or about to expire. */
  async accessToken(force = false): Promise<string> {
    const c = this.creds;
    if (!force && c.accessToken && (c.accessTokenExpiresAt ?? 0) - TOKEN_MARGIN_MS > this.now()) {
      return c.accessToken;
    }
    // LWA lives on its own host, set per deployment (AMAZON_LWA_URL): a shop's baseUrl (a
    // sandbox, a fixed-IP egress proxy) moves the SP-API calls only, never where secrets go.
    const res = await this.send(this.ctx.authUrl || LWA_TOKEN_URL, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded;charset=UTF-8" },
      body: new URLSearchParams({
        grant_type: "refresh_token",
        refresh_token: c.refreshToken,
        client_id: c.clientId,
        client_secret: c.clientSecret,
      }),
    });
    const json = await readJson(res);
    if (res.ok) {
      const token = lwaTokenSchema.safeParse(json);
      if (!token.success) throw new MallError("transient", "LWA のトークン応答を解釈できません", { status: res.status });
      const next: AmazonCredentials = {
        ...c,
        accessToken: token.data.access_token,
        accessTokenExpiresAt: this.now() + token.data.expires_in * 1000,
        // LWA normally hands back the same refresh token; keep whichever it returned.
        refreshToken: token.data.refresh_token ?? c.refreshToken,
      };
      await this.ctx.saveCredentials(next);
      this.creds = next;
      return next.accessToken!;
    }
    if (res.status === 429) throw new MallError("rate", "LWA のリクエスト上限に達しました", { status: 429, retryAfterSec: 5 });
    if (res.status >= 500) throw new MallError("transient", `LWA が一時的に利用できません (HTTP ${res.status})`, { status: res.status });
    const err = lwaErrorSchema.safeParse(json);
    const code = err.success ? err.data.error : `HTTP ${res.status}`;
    const desc = err.success ? (err.data.error_description ?? "") : "";
    throw new MallError("auth", lwaReason(code, desc), { status: res.status, code });
  }

  /**
   * One SP-API request. 2xx and per-resource 4xx (400/404/413/415) come back for the caller to
   * interpret; 401/403 → `auth` (an expired access token is refreshed and retried once),
   * 429 → `rate`, 5xx → `transient`.
   */
  async call(
    op: Operation,
    method: string,
    path: string,
    opts: { query?: Record<string, string | undefined>; body?: unknown } = {},
  ): Promise<ApiResult> {
    let qs = "";
    if (opts.query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.query)) if (v !== undefined) q.set(k, v);
      qs = "?" + q.toString();
    }
    for (let attempt = 0; ; attempt++) {
      await this.pace(op); // every request counts against the bucket, a retry too
      const token = await this.accessToken(attempt > 0);
      const headers: Record<string, string> = {
        "x-amz-access-token": token,
        accept: "application/json",
        "user-agent": "Kura/0.1 (Language=TypeScript; Platform=Cloudflare Workers)",
      };
      if (opts.body !== undefined) headers["content-type"] = "application/json";
      const res = await this.send(this.ctx.baseUrl + path + qs, {
        method,
        headers,
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      });
      this.pacer.learnRate(op, res.headers.get("x-amzn-RateLimit-Limit"));
      const json = await readJson(res);
      const requestId = res.headers.get("x-amzn-RequestId");
      const err = firstError(json);
      const ref = requestId ? ` [RequestId ${requestId}]` : "";
      if (res.status === 401 || res.status === 403) {
        if (attempt === 0 && isExpiredToken(`${err?.message ?? ""} ${err?.details ?? ""}`)) continue;
        throw new MallError("auth", `Amazon が認可を拒否しました: ${err?.message ?? `HTTP ${res.status}`}${ref}`, {
          status: res.status,
          code: err?.code ?? "Unauthorized",
        });
      }
      if (res.status === 429) {
        this.pacer.refused(op, this.now());
        throw new MallError("rate", `Amazon のリクエスト上限に達しました (${op})${ref}`, {
          status: 429,
          code: err?.code ?? "QuotaExceeded",
          retryAfterSec: this.retryAfterSec(op),
        });
      }
      if (res.status >= 500) {
        throw new MallError("transient", `Amazon が一時的に利用できません (HTTP ${res.status} ${err?.code ?? ""})${ref}`, {
          status: res.status,
          code: err?.code,
        });
      }
      return { status: res.status, json, requestId };
    }
  }

  /** Seconds until the usage plan grants the operation one more request. */
  retryAfterSec(op: Operation): number {
    return Math.min(600, Math.max(1, Math.ceil(1 / this.pacer.plan(op).rate)));
  }

  /** True when a request of `op` would go within the pacer's longest wait. */
  canCallSoon(op: Operation): boolean {
    return this.pacer.wait(op, this.now()) <= MAX_PACE_WAIT_MS;
  }

  /** True when the operation's bucket holds a token right now (no wait at all). */
  hasTokenNow(op: Operation): boolean {
    return this.pacer.wait(op, this.now()) === 0;
  }

  /**
   * Waits for the operation's next slot in its token bucket (rate, burst). A slot further off
   * than MAX_PACE_WAIT_MS is not reserved: the call fails as `rate` with that wait as its hint.
   */
  private async pace(op: Operation) {
    const now = this.now();
    const wait = this.pacer.reserve(op, now, MAX_PACE_WAIT_MS);
    if (wait === null) {
      const sec = Math.max(1, Math.ceil(this.pacer.wait(op, now) / 1000));
      throw new MallError("rate", `Amazon の利用上限 (${op}) に達しています。${sec} 秒後に再試行してください`, {
        code: "PACING",
        retryAfterSec: sec,
      });
    }
    await this.sleep(wait);
  }
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text().catch(() => "");
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

// [verify] SP-API answers an expired LWA token with 403 Unauthorized whose message or details
// say "expired" (wording differs between the SigV4 era and now); any other 401/403 is a
// permission or revocation problem that a refresh would not cure.
function isExpiredToken(text: string): boolean {
  return /expired/i.test(text);
}

function lwaReason(code: string, description: string): string {
  if (code === "invalid_client") {
    return /expire/i.test(description)
      ? "LWA クライアントシークレットの有効期限切れ (invalid_client): Solution Provider Portal で新しいシークレットを設定してください"
      : "LWA クライアントID / シークレットが正しくありません (invalid_client)";
  }
  if (code === "invalid_grant") return "リフレッシュトークンが無効です (invalid_grant): セラーセントラルで再認可してください";
  if (code === "unauthorized_client") return "このアプリは認可されていません (unauthorized_client)";
  return `LWA 認証エラー (${code})`;
}
