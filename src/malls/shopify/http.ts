import { MallError, type MallContext } from "../types";
import { retryAfterSec } from "../retry-after";

export interface RawResponse {
  status: number;
  headers: Headers;
  text: string;
}

/**
 * One HTTP exchange through ctx.fetch with the per-request timeout. The race against the abort
 * signal also covers fetch implementations that ignore `signal` (e.g. an in-process simulator).
 * Never puts the URL's secrets or headers into an error message.
 */
export async function send<C>(ctx: MallContext<C>, url: string, init: RequestInit): Promise<RawResponse> {
  const ms = ctx.timeoutMs ?? 20_000;
  const signal = AbortSignal.timeout(ms);
  const timeoutError = () =>
    new MallError("transient", `Shopify: ${ms} ms 以内に応答がありません (timeout)`, { code: "TIMEOUT" });
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(timeoutError());
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([
      (async () => {
        const res = await ctx.fetch(url, { ...init, signal });
        return { status: res.status, headers: res.headers, text: await res.text() };
      })(),
      aborted,
    ]);
  } catch (e) {
    if (e instanceof MallError) throw e;
    if (signal.aborted) throw timeoutError();
    const name = e instanceof Error ? e.name : "Error";
    throw new MallError("transient", `Shopify: 通信エラー (${name})`, { code: "NETWORK" });
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** Errors common to every Shopify endpoint that are not GraphQL-level. */
export function httpStatusError(status: number, headers: Headers, now: number): MallError | undefined {
  if (status === 429) {
    return new MallError("rate", "Shopify: リクエスト過多 (429)", {
      status,
      code: "THROTTLED",
      retryAfterSec: retryAfterSec(headers.get("Retry-After"), now) ?? 2,
    });
  }
  if (status >= 500) return new MallError("transient", `Shopify: サーバーエラー (${status})`, { status });
  if (status === 402) return new MallError("auth", "Shopify: ショップの支払いが未完了で API が停止中です (402)", { status });
  if (status === 403) return new MallError("auth", "Shopify: アクセスが拒否されました (403)", { status });
  if (status === 404) return new MallError("auth", "Shopify: ショップまたは API バージョンが見つかりません (404)", { status });
  if (status === 423) return new MallError("auth", "Shopify: ショップがロックされています (423)", { status });
  return undefined;
}
