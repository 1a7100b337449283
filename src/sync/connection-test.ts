import type { Db } from "../env";
import { operationInsert } from "../db/queries/logs";
import { type Shop, updateShop } from "../db/queries/shops";
import { mallContext } from "../malls/context";
import { adapterFor, isMailKind } from "../malls/registry";
import { type ConnectionTestResult, MallError } from "../malls/types";

// 接続テスト: one cheap real call through the shop's adapter; the result and the credential expiry
// the mall reports are stored on the shop. Run by hand (POST /shops/{id}/test) and daily by the
// housekeeping job. A shop whose credentials expire within EXPIRY_WARN_DAYS shows a warning in the
// API (shopWarnings) and gets one 操作ログ row a day while it lasts.

export const EXPIRY_WARN_DAYS = 14;
const DAY = 86_400_000;
const JST = 9 * 3600_000;
const jstDay = (ms: number) => new Date(ms + JST).toISOString().slice(0, 10);

export interface TestOptions {
  /**
   * The daily run, which nobody is watching: only an `auth` NG stops the shop (as a push refused
   * for auth would); a mall that is down or throttling at that moment leaves the shop as it was,
   * and a passing test does not resume a shop the merchant has yet to look at. By hand, NG stops
   * the shop and OK resumes it: the merchant asked and sees the answer.
   */
  scheduled?: boolean;
  /** Outbound fetch (the shop's ShopSync object may pass its budgeted one). */
  fetch?: typeof fetch;
}

/** What 接続テスト says of a cart taken in by e-mail: there is no API to call, and that is fine. */
export const MAIL_SHOP_TEST_REASON = "メール取込みのショップです。APIへの接続はありません（注文メールを受信用アドレスへ転送してください）。";

export async function testShopConnection(env: Env, db: Db, shop: Shop, opts: TestOptions = {}): Promise<ConnectionTestResult> {
  if (isMailKind(shop.kind)) {
    const res: ConnectionTestResult = { ok: true, reason: MAIL_SHOP_TEST_REASON };
    await updateShop(db, shop.accountId, shop.id, { lastTestAt: Date.now(), lastTestOk: true, lastTestReason: res.reason, ...(!opts.scheduled && { status: "ok" as const, lastError: null }) });
    return res;
  }
  const ctx = await mallContext(env, db, shop, { fetch: opts.fetch });
  const res: ConnectionTestResult = await adapterFor(shop.kind)
    .testConnection(ctx)
    .catch((err: unknown) => ({ ok: false, reason: err instanceof MallError ? err.message : "接続できませんでした", errorClass: err instanceof MallError ? err.errorClass : "transient" }));
  const now = Date.now();
  const stop = !res.ok && (!opts.scheduled || res.errorClass === "auth");
  const resume = res.ok && !opts.scheduled;
  await updateShop(db, shop.accountId, shop.id, {
    lastTestAt: now,
    lastTestOk: res.ok,
    lastTestReason: res.ok ? null : (res.reason ?? "NG"),
    ...(res.expiresAt !== undefined && { credentialsExpireAt: res.expiresAt }),
    ...(stop && { status: "stopped" as const, lastError: `test: ${res.reason ?? "NG"}` }),
    ...(resume && { status: "ok" as const, lastError: null }),
  });
  if (res.expiresAt !== undefined) await noteExpiringCredentials(db, shop, res.expiresAt, now);
  return res;
}

/**
 * One 操作ログ row per shop per JST day while its credentials expire within EXPIRY_WARN_DAYS: the
 * row's entry key names the day, and operation_log keeps one row per key.
 */
async function noteExpiringCredentials(db: Db, shop: Shop, expiresAt: number, now: number) {
  if (expiresAt - now >= EXPIRY_WARN_DAYS * DAY) return;
  const [warning] = shopWarnings({ credentialsExpireAt: expiresAt }, now);
  await operationInsert(
    db,
    shop.accountId,
    {
      actor: "system",
      action: "shop.credentials_expiring",
      target: String(shop.id),
      after: { shop: shop.name, kind: shop.kind, expiresAt: new Date(expiresAt).toISOString(), daysLeft: warning.daysLeft, message: warning.message },
      entryKey: `shop.credentials_expiring:${shop.id}:${jstDay(now)}`,
    },
    now,
  ).onConflictDoNothing();
}

export interface ShopWarning {
  code: "credentials_expiring" | "credentials_expired";
  expiresAt: string;
  daysLeft: number;
  message: string;
}

/** What the API shows next to a shop the merchant must act on soon. */
export function shopWarnings(s: Pick<Shop, "credentialsExpireAt">, now = Date.now()): ShopWarning[] {
  const at = s.credentialsExpireAt;
  if (at === null || at - now >= EXPIRY_WARN_DAYS * DAY) return [];
  const expiresAt = new Date(at).toISOString();
  if (at <= now) return [{ code: "credentials_expired", expiresAt, daysLeft: 0, message: `認証情報の有効期限が切れています (${jstDay(at)})。モールで更新し、Kura に登録し直してください。` }];
  const daysLeft = Math.floor((at - now) / DAY);
  return [{ code: "credentials_expiring", expiresAt, daysLeft, message: `認証情報の有効期限まであと${daysLeft}日です (${jstDay(at)})。期限までにモールで更新してください。` }];
}
