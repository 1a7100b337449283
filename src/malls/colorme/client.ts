import type { z } from "zod";
import { fetchJsonAnswer } from "../abortable";
import { MallError, type MallContext, type MallErrorClass } from "../types";
import { colormeErrorSchema, type ColormeCredentials } from "./schemas";
import { retryAfterSec } from "../retry-after";

export const COLORME_DEFAULT_URL = "https://api.shop-pro.jp";
/**
 * A 429 whose Retry-After is this short is waited out here and the request sent again, so one
 * throttled request does not fail a whole push; a longer hint goes back to the sync engine as
 * `rate`, which waits exactly that long before the next try. How カラーミー answers once it
 * enforces its limit is not documented (MALLS-MORE §2: "429 behaviour: not found") [verify].
 */
const MAX_INLINE_WAIT_SEC = 10;
const MAX_TRIES = 3;
/** Without a Retry-After: half a minute of a 120-requests-a-minute budget. */
const DEFAULT_RETRY_SEC = 30;

type Query = Record<string, string>;

/** One adapter operation's conversation with the カラーミーショップ API (Bearer token, JSON). */
export class ColormeClient {
  constructor(private readonly ctx: MallContext<ColormeCredentials>) {}

  now(): number {
    return this.ctx.now?.() ?? Date.now();
  }

  private sleep(ms: number): Promise<void> {
    return this.ctx.sleep ? this.ctx.sleep(ms) : new Promise((r) => setTimeout(r, ms));
  }

  async get<T>(path: string, schema: z.ZodType<T>, query?: Query): Promise<T> {
    const qs = query ? `?${new URLSearchParams(query)}` : "";
    return parse(schema, await this.send("GET", path + qs, undefined), path);
  }

  async put<T>(path: string, schema: z.ZodType<T>, body: unknown): Promise<T> {
    return parse(schema, await this.send("PUT", path, body), path);
  }

  private async send(method: string, path: string, body: unknown): Promise<unknown> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, path, body);
      } catch (e) {
        const wait = e instanceof MallError && e.errorClass === "rate" ? e.opts.retryAfterSec : undefined;
        if (wait === undefined || wait > MAX_INLINE_WAIT_SEC || attempt >= MAX_TRIES) throw e;
        // An absolute write sent twice leaves the same figure: retrying a PUT is safe.
        await this.sleep(wait * 1000);
      }
    }
  }

  private async once(method: string, path: string, body: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: "application/json", authorization: `Bearer ${this.ctx.credentials.accessToken}` };
    if (body !== undefined) headers["content-type"] = "application/json";
    const ms = this.ctx.timeoutMs ?? 20_000;
    const { status, retryAfter, json } = await fetchJsonAnswer(
      this.ctx.fetch,
      this.ctx.baseUrl + path,
      { method, headers, body: body === undefined ? undefined : JSON.stringify(body) },
      ms,
      { timeout: `カラーミーショップ API が ${ms} ms 以内に応答しません`, network: "カラーミーショップ API に接続できません (ネットワークエラー)" },
    );
    if (status >= 200 && status < 300) {
      if (json === undefined) throw new MallError("transient", `カラーミーショップ API の応答が JSON ではありません (${pathOnly(path)})`, { status });
      return json;
    }
    throw toError(status, json, retryAfterSec(retryAfter, this.now(), 0));
  }
}

function toError(status: number, json: unknown, retryAfterSec: number | undefined): MallError {
  const parsed = colormeErrorSchema.safeParse(json);
  const first = parsed.success ? parsed.data.errors[0] : undefined;
  const code = first?.code !== undefined ? String(first.code) : undefined;
  const detail = first?.message ? `${first.message} (${code ?? status})` : `HTTP ${status}`;
  const mk = (cls: MallErrorClass, msg: string, extra: { retryAfterSec?: number } = {}) => new MallError(cls, msg, { status, code, ...extra });
  if (status === 429) return mk("rate", `カラーミーショップ API の利用上限に達しました: ${detail}`, { retryAfterSec: retryAfterSec ?? DEFAULT_RETRY_SEC });
  if (status >= 500) return mk("transient", `カラーミーショップ API のサーバーエラー: ${detail}`, { retryAfterSec });
  // The token has no expiry: a 401 means it was revoked (許可済みアプリケーション一覧) or is wrong.
  if (status === 401)
    return mk("auth", `アクセストークンが無効です。カラーミーショップでアプリの許可が取り消されていないか確認し、再連携してください: ${detail}`);
  // [verify] a token lacking a scope: modelled as 403 (OAuth's insufficient_scope); read as auth.
  if (status === 403)
    return mk("auth", `API権限(スコープ)が不足しています。read_products / write_products / read_sales を許可して再連携してください: ${detail}`);
  if (status === 404) return mk("item", `未登録コード: カラーミーショップに存在しません: ${detail}`);
  if (status >= 400) return mk("item", `カラーミーショップが拒否しました: ${detail}`);
  return mk("transient", `カラーミーショップ API の予期しない応答: ${detail}`);
}

const pathOnly = (p: string) => p.split("?")[0];

function parse<T>(schema: z.ZodType<T>, body: unknown, what: string): T {
  const r = schema.safeParse(body);
  if (!r.success) throw new MallError("transient", `カラーミーショップ API の応答形式が想定外です (${pathOnly(what)})`, { code: "bad_response" });
  return r.data;
}
