import type { z } from "zod";
import { MallError, type MallContext } from "../types";
import { isExpired, needsRefresh, refreshCredentials, shopBase } from "./auth";
import { canRefresh, type ShopifyCredentials } from "./credentials";
import { API_VERSION } from "./documents";
import { httpStatusError, parseJson, send } from "./http";
import { envelopeSchema, type QueryCost } from "./schemas";

type Ctx = MallContext<ShopifyCredentials>;

/** A THROTTLED query is asked again at most this often, and only when the bucket refills within this long. */
const MAX_THROTTLE_TRIES = 4;
const MAX_THROTTLE_WAIT_SEC = 20;

/**
 * One adapter call's view of a shop: the current (possibly just refreshed) credentials and the
 * last throttle status Shopify reported. A 401 with refreshable credentials triggers one forced
 * refresh and one retry (the token may have been revoked or expired early).
 */
export class ShopifySession {
  creds: ShopifyCredentials;
  lastCost?: QueryCost;
  private lastCostAt = 0;
  private refreshed = false;

  constructor(readonly ctx: Ctx) {
    this.creds = ctx.credentials;
  }

  now(): number {
    return this.ctx.now?.() ?? Date.now();
  }

  sleep(ms: number): Promise<void> {
    return this.ctx.sleep ? this.ctx.sleep(ms) : new Promise((r) => setTimeout(r, ms));
  }

  private async refresh(): Promise<void> {
    this.creds = await refreshCredentials(this.ctx, this.creds);
    this.refreshed = true;
  }

  private async ensureToken(): Promise<void> {
    if (needsRefresh(this.creds, this.now())) await this.refresh();
    else if (!canRefresh(this.creds) && isExpired(this.creds, this.now())) throw expiredError();
  }

  /**
   * Shopify's cost bucket (MALLS.md §9: keep `currentlyAvailable` above the next query's cost): a
   * query waits until the bucket, as last reported and restored since, holds what the previous
   * query cost; a THROTTLED answer waits for the restore and is asked again, a few times, as long
   * as the wait is short. A 2,000-SKU first push (40 lookups of ~200 points against a 1,000-point
   * bucket) then goes through in one call instead of failing half way and starting over.
   */
  async gql<T>(query: string, variables: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      await this.waitForCost();
      try {
        return await this.gqlOnce(query, variables, schema);
      } catch (err) {
        const wait = err instanceof MallError && err.opts.code === "THROTTLED" ? (err.opts.retryAfterSec ?? 2) : null;
        if (wait === null || wait > MAX_THROTTLE_WAIT_SEC || attempt >= MAX_THROTTLE_TRIES) throw err;
        await this.sleep(wait * 1000);
      }
    }
  }

  private async waitForCost(): Promise<void> {
    const cost = this.lastCost;
    const t = cost?.throttleStatus;
    if (!cost || !t || t.restoreRate <= 0) return;
    const need = Math.min(t.maximumAvailable, cost.requestedQueryCost ?? 0);
    const available = Math.min(t.maximumAvailable, t.currentlyAvailable + ((this.now() - this.lastCostAt) / 1000) * t.restoreRate);
    if (available >= need) return;
    await this.sleep(Math.min(MAX_THROTTLE_WAIT_SEC * 1000, Math.ceil(((need - available) / t.restoreRate) * 1000)));
  }

  private async gqlOnce<T>(query: string, variables: Record<string, unknown>, schema: z.ZodType<T>): Promise<T> {
    await this.ensureToken();
    let res = await this.post(query, variables);
    if (res.status === 401 && canRefresh(this.creds) && !this.refreshed) {
      await this.refresh();
      res = await this.post(query, variables);
    }
    const now = this.now();
    if (res.status === 401) {
      throw isExpired(this.creds, now)
        ? expiredError()
        : new MallError("auth", "Shopify: アクセストークンが無効です (401 Invalid API key or access token)", {
            status: 401,
            code: "INVALID_TOKEN",
          });
    }
    const envelope = envelopeSchema.safeParse(parseJson(res.text));
    if (envelope.success && envelope.data.extensions?.cost) {
      this.lastCost = envelope.data.extensions.cost;
      this.lastCostAt = now;
    }
    const statusError = httpStatusError(res.status, res.headers, now);
    if (statusError) {
      // A 429 that carries the GraphQL throttle body gives a better retry hint than the default.
      if (statusError.errorClass === "rate" && !res.headers.get("Retry-After") && this.lastCost) {
        throw new MallError("rate", statusError.message, { ...statusError.opts, retryAfterSec: retryFromCost(this.lastCost) });
      }
      throw statusError;
    }
    if (res.status !== 200 || !envelope.success) {
      throw new MallError("transient", `Shopify: 想定外の応答です (HTTP ${res.status})`, { status: res.status });
    }
    const { data, errors } = envelope.data;
    if (errors !== undefined) throw topLevelError(errors, this.lastCost);
    const parsed = schema.safeParse(data);
    if (!parsed.success) {
      throw new MallError("transient", "Shopify: 応答の形式が想定と異なります", { status: 200, code: "BAD_RESPONSE" });
    }
    return parsed.data;
  }

  private post(query: string, variables: Record<string, unknown>) {
    return send(this.ctx, `${shopBase(this.ctx.baseUrl, this.creds)}/admin/api/${API_VERSION}/graphql.json`, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-Shopify-Access-Token": this.creds.accessToken,
      },
      body: JSON.stringify({ query, variables }),
    });
  }
}

function expiredError(): MallError {
  return new MallError("auth", "Shopify: アクセストークンの有効期限切れです。再認証してください", {
    status: 401,
    code: "TOKEN_EXPIRED",
  });
}

/** Seconds until the bucket holds the refused query's cost again (leaky bucket, restoreRate/s). */
function retryFromCost(cost: QueryCost): number {
  const t = cost.throttleStatus;
  if (!t || t.restoreRate <= 0) return 2;
  const need = (cost.requestedQueryCost ?? 50) - t.currentlyAvailable;
  return Math.max(1, Math.ceil(need / t.restoreRate));
}

/** Top-level `errors[]`: syntax, throttling, permissions — whole-call failures. */
function topLevelError(errors: unknown, cost: QueryCost | undefined): MallError {
  const list = Array.isArray(errors) ? (errors as { message: string; extensions?: { code?: string } }[]) : [];
  const codes = list.map((e) => e.extensions?.code ?? "");
  if (codes.includes("THROTTLED")) {
    return new MallError("rate", "Shopify: クエリコスト上限に達しました (THROTTLED)", {
      status: 200,
      code: "THROTTLED",
      retryAfterSec: cost ? retryFromCost(cost) : 2,
    });
  }
  if (codes.includes("ACCESS_DENIED")) {
    const first = list[codes.indexOf("ACCESS_DENIED")];
    const required = (first.extensions as { requiredAccess?: string } | undefined)?.requiredAccess;
    return new MallError("auth", `Shopify: アプリの権限が不足しています${required ? ` (${required})` : ""}`, {
      status: 200,
      code: "ACCESS_DENIED",
    });
  }
  const code = codes.find((c) => c) ?? "GRAPHQL_ERROR";
  const message = typeof errors === "string" ? errors : (list[0]?.message ?? "unknown");
  return new MallError("transient", `Shopify: GraphQL エラー (${code}): ${message.slice(0, 200)}`, {
    status: 200,
    code,
  });
}
