import type { z } from "zod";
import { MallError, type MallContext } from "../types";
import { inventoryErrorSchema, legacyErrorSchema, messageEnvelopeSchema, type RakutenCredentials } from "./schemas";
import { retryAfterSec } from "../retry-after";

// One RMS call: ESA auth header, per-request timeout, and the mapping of whole-call failures
// to MallError. 4xx other than auth/rate are returned to the caller, which knows whether they
// are per-item problems (bulk-upsert validation) or a broken request.

export interface RmsResponse {
  status: number;
  /** Parsed JSON body, or null (204, empty or non-JSON body). */
  json: unknown;
}

/** Base64 of UTF-8 bytes (btoa alone throws on non-Latin-1 input). */
function base64(text: string): string {
  let bin = "";
  for (const b of new TextEncoder().encode(text)) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function esaHeader(c: RakutenCredentials): string {
  return `ESA ${base64(`${c.serviceSecret.trim()}:${c.licenseKey.trim()}`)}`;
}

/** First error code found in any of RMS's error envelopes (for messages; never decisive). */
export function rmsErrorCode(json: unknown): string | undefined {
  const inv = inventoryErrorSchema.safeParse(json);
  if (inv.success) return inv.data.errors[0]?.code;
  const legacy = legacyErrorSchema.safeParse(json);
  if (legacy.success) return legacy.data.Results.errorCode;
  const msg = messageEnvelopeSchema.safeParse(json);
  if (msg.success) return msg.data.MessageModelList.find((m) => m.messageType === "ERROR")?.messageCode;
  return undefined;
}

function authMessage(ctx: MallContext<RakutenCredentials>, code: string | undefined): string {
  const now = ctx.now?.() ?? Date.now();
  const exp = ctx.credentials.licenseKeyExpiresAt;
  const tag = code ? ` (${code})` : "";
  if (exp !== undefined && exp <= now) return `ライセンスキーの有効期限切れ${tag}: RMS で新しい licenseKey を発行してください`;
  return `楽天RMSの認証に失敗しました${tag}: serviceSecret / licenseKey の誤り、有効期限切れ、または API の利用設定を確認してください`;
}

export async function rmsRequest(
  ctx: MallContext<RakutenCredentials>,
  method: "GET" | "POST",
  path: string,
  body?: unknown,
  opts: { rateFallbackSec?: number } = {},
): Promise<RmsResponse> {
  const url = ctx.baseUrl.replace(/\/+$/, "") + path;
  const signal = AbortSignal.timeout(ctx.timeoutMs ?? 20_000);
  const headers: Record<string, string> = { Authorization: esaHeader(ctx.credentials), Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json; charset=utf-8";
  // Race the signal as well: an injected fetch (tests, proxies) may not honour it.
  const aborted = new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
  let res: Response;
  try {
    res = await Promise.race([
      ctx.fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal }),
      aborted,
    ]);
  } catch (e) {
    const timedOut = signal.aborted || (e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError"));
    // Never echo the URL: the expiry-date call carries the licenseKey in its query string.
    throw new MallError("transient", timedOut ? "楽天RMSの応答がタイムアウトしました" : "楽天RMSに接続できません", {});
  }
  const text = await res.text().catch(() => "");
  let json: unknown = null;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = null; // maintenance pages and gateway errors come as HTML / plain text
    }
  }
  const status = res.status;
  if (status === 401 || status === 403) {
    const code = rmsErrorCode(json);
    throw new MallError("auth", authMessage(ctx, code), { status, code });
  }
  if (status === 429) {
    const now = ctx.now?.() ?? Date.now();
    throw new MallError("rate", "楽天RMSのリクエスト上限に達しました", {
      status,
      code: rmsErrorCode(json),
      // RMS is not known to send Retry-After [verify]: 1 s unless the caller says otherwise.
      retryAfterSec: retryAfterSec(res.headers.get("Retry-After"), now) ?? opts.rateFallbackSec ?? 1,
    });
  }
  if (status >= 500) {
    throw new MallError("transient", `楽天RMSのサーバーエラー (HTTP ${status})`, { status, code: rmsErrorCode(json) });
  }
  return { status, json };
}

/** Parses a 2xx body with zod; a body that does not fit is a transient failure (retry). */
export function parseBody<T>(schema: z.ZodType<T>, res: RmsResponse, what: string): T {
  const parsed = schema.safeParse(res.json);
  if (!parsed.success) {
    throw new MallError("transient", `楽天RMSの応答を解釈できません (${what})`, { status: res.status });
  }
  return parsed.data;
}

/** A 4xx that is not an item problem: the request itself was refused. */
export function badRequest(res: RmsResponse, what: string): MallError {
  const code = rmsErrorCode(res.json);
  // 404 on a fixed endpoint means a wrong base URL or a retired API version: not retryable as is,
  // but it is configuration, so report it as transient with the status for the operator.
  return new MallError("transient", `楽天RMSが要求を受け付けませんでした (${what}, HTTP ${res.status}${code ? `, ${code}` : ""})`, {
    status: res.status,
    code,
  });
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
