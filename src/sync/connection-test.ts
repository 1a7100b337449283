import type { Db } from "../env";
import { type Shop, updateShop } from "../db/queries/shops";
import { mallContext } from "../malls/context";
import { adapterFor } from "../malls/registry";
import { MallError, type MallErrorClass } from "../malls/types";

export interface ConnectionTestOutcome {
  ok: boolean;
  reason?: string;
  errorClass?: MallErrorClass;
  expiresAt?: number;
}

/**
 * 接続テスト: one cheap real call; the result and the credential expiry are stored on the shop.
 * NG turns the shop to 停止中: it needs the merchant. OK brings a stopped shop back.
 */
export async function runConnectionTest(env: Env, db: Db, shop: Shop, io: { fetch?: typeof fetch } = {}): Promise<ConnectionTestOutcome> {
  const res: ConnectionTestOutcome = await (async () => {
    try {
      return await adapterFor(shop.kind).testConnection(await mallContext(env, db, shop, io));
    } catch (err) {
      return { ok: false, reason: err instanceof MallError ? err.message : "接続できませんでした", errorClass: err instanceof MallError ? err.errorClass : "transient" };
    }
  })();
  await updateShop(db, shop.accountId, shop.id, {
    lastTestAt: Date.now(),
    lastTestOk: res.ok,
    lastTestReason: res.ok ? null : (res.reason ?? "NG"),
    ...(res.expiresAt !== undefined && { credentialsExpireAt: res.expiresAt }),
    status: res.ok ? "ok" : "stopped",
    ...(res.ok ? { lastError: null } : { lastError: `test: ${res.reason ?? "NG"}` }),
  });
  return res;
}
