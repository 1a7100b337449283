import type { z } from "zod";
import { MallError, type MallContext } from "../types";
import type { AmazonCredentials } from "./credentials";
import { errorListSchema, lwaErrorSchema, lwaTokenSchema } from "./schemas";

export const AMAZON_BASE_URL = "https://sellingpartnerapi-fe.amazon.com";
const LWA_TOKEN_URL = "https://api.amazon.com/auth/o2/token";
/** Refresh the access token this long before Amazon's stated expiry. */
const TOKEN_MARGIN_MS = 60_000;
/** The pacer never sleeps longer than this; beyond it the mall's 429 decides (→ `rate`). */
const MAX_PACE_WAIT_MS = 5_000;

/** Default usage plans (requests/s, burst) from the API models; the live rate may be higher. */
export const USAGE_PLANS = {
  patchListingsItem: { rate: 5, burst: 5 },
  getListingsItem: { rate: 5, burst: 10 },
  searchListingsItems: { rate: 5, burst: 5 },
  searchOrders: { rate: 0.0056, burst: 20 },
  createFeedDocument: { rate: 0.5, burst: 15 },
  createFeed: { rate: 0.0083, burst: 15 },
  getFeed: { rate: 2, burst: 15 },
  getFeedDocument: { rate: 0.0222, burst: 10 },
} as const;
export type Operation = keyof typeof USAGE_PLANS;

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * One adapter call's conversation with Amazon: holds the current credentials (the LWA access
 * token is refreshed on demand and handed to `saveCredentials` before first use) and paces
 * requests per operation so a batch stays inside the usage plan instead of collecting 429s.
 */
export class AmazonSession {
  private creds: AmazonCredentials;
  /** GCRA theoretical arrival time per operation (real clock: pacing is physical time). */
  private tat = new Map<Operation, number>();
  private liveRate = new Map<Operation, number>();

  constructor(readonly ctx: MallContext<AmazonCredentials>) {
    this.creds = ctx.credentials;
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
    // The LWA endpoint lives on its own host; a non-default base (simulator, proxy) serves it
    // under the same base at the same path.
    const url = this.ctx.baseUrl === AMAZON_BASE_URL ? LWA_TOKEN_URL : this.ctx.baseUrl + "/auth/o2/token";
    const res = await this.send(url, {
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
    await this.pace(op);
    let qs = "";
    if (opts.query) {
      const q = new URLSearchParams();
      for (const [k, v] of Object.entries(opts.query)) if (v !== undefined) q.set(k, v);
      qs = "?" + q.toString();
    }
    for (let attempt = 0; ; attempt++) {
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
      this.learnRate(op, res.headers.get("x-amzn-RateLimit-Limit"));
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
    return Math.min(600, Math.max(1, Math.ceil(1 / this.rateOf(op))));
  }

  private rateOf(op: Operation): number {
    return this.liveRate.get(op) ?? USAGE_PLANS[op].rate;
  }

  // The live plan is echoed in x-amzn-RateLimit-Limit; trust it over the defaults.
  private learnRate(op: Operation, header: string | null) {
    const rate = header ? Number.parseFloat(header) : Number.NaN;
    if (Number.isFinite(rate) && rate > 0) this.liveRate.set(op, rate);
  }

  private async pace(op: Operation) {
    // 10% slack: clocks on both sides are coarse, and arriving a hair early is a 429.
    const interval = 1100 / this.rateOf(op);
    const now = Date.now();
    const tat = Math.max(this.tat.get(op) ?? now, now);
    const wait = tat - now - (USAGE_PLANS[op].burst - 1) * interval;
    if (wait > 0 && wait <= MAX_PACE_WAIT_MS) await sleep(wait);
    this.tat.set(op, tat + interval);
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
