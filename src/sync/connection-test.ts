import type { Db } from "../env";
import { operationInsert } from "../db/queries/logs";
import { type Shop, updateShop } from "../db/queries/shops";
import { mallContext } from "../malls/context";
import { adapterFor, isMailKind } from "../malls/registry";
import { type ConnectionTestResult, type MallAdapter, type MallContext, MallError } from "../malls/types";
import { getSettings } from "../db/queries/accounts";
import { credentialsExpiring, shopStopped } from "../notify/alerts";

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
  const adapter = adapterFor(shop.kind);
  const res: ConnectionTestResult = await adapter
    .testConnection(ctx)
    .catch((err: unknown) => ({ ok: false, reason: err instanceof MallError ? err.message : "接続できませんでした", errorClass: err instanceof MallError ? err.errorClass : "transient" }));
  if (res.ok && adapter.registerWebhooks) res.reason = [res.reason, await subscribeWebhooks(db, shop, ctx, adapter.registerWebhooks)].filter(Boolean).join(" / ");
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
  if (stop && shop.status !== "stopped") await shopStopped(env, db, shop, `接続テスト NG: ${res.reason ?? "NG"}`);
  if (res.expiresAt !== undefined) await noteExpiringCredentials(env, db, shop, res.expiresAt, now);
  return res;
}

/**
 * With a public URL set (システム設定), the mall is told to deliver its events to Kura's webhook
 * endpoint for this shop; registering again is harmless (Shopify answers "already taken"). A
 * failure here does not fail the test: polling still takes every order in.
 */
async function subscribeWebhooks(db: Db, shop: Shop, ctx: MallContext<unknown>, register: NonNullable<MallAdapter<unknown>["registerWebhooks"]>): Promise<string | null> {
  const conf = await getSettings(db, shop.accountId);
  if (!conf?.publicUrl) return null;
  const uri = webhookUrl(conf.publicUrl, shop.kind, shop.id);
  try {
    const out = await register(ctx, uri);
    const bad = out.filter((r) => !r.ok);
    return bad.length === 0 ? `Webhook 登録済み (${out.length} 件)` : `Webhook 登録失敗: ${bad.map((b) => `${b.topic} ${b.message ?? ""}`.trim()).join(", ")}`;
  } catch (err) {
    return `Webhook 登録失敗: ${err instanceof Error ? err.message : String(err)}`;
  }
}

/** Where a mall delivers one shop's webhooks. */
export const webhookUrl = (publicUrl: string, kind: string, shopId: number) => `${publicUrl.replace(/\/+$/, "")}/webhooks/${kind}/${shopId}`;

/**
 * One 操作ログ row per shop per JST day while its credentials expire within EXPIRY_WARN_DAYS: the
 * row's entry key names the day, and operation_log keeps one row per key.
 */
async function noteExpiringCredentials(env: Env, db: Db, shop: Shop, expiresAt: number, now: number) {
  if (expiresAt - now >= EXPIRY_WARN_DAYS * DAY) return;
  const [warning] = shopWarnings({ credentialsExpireAt: expiresAt }, now);
  await credentialsExpiring(env, db, shop, warning.message, warning.code === "credentials_expired" ? `the credentials expired (${jstDay(expiresAt)}); renew them in the mall and enter them again` : `the credentials expire in ${warning.daysLeft} days (${jstDay(expiresAt)}); renew them in the mall before then`);
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
