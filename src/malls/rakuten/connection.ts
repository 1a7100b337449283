import { MallError, type ConnectionTestResult, type MallContext } from "../types";
import { parseBody, rmsRequest } from "./client";
import { expiryDateSchema, type RakutenCredentials } from "./schemas";
import { parseRmsDatetime, toRmsDatetime } from "./time";

// 接続テスト: three cheap calls, each proving one thing Kura needs.
// 1. License Management API expiry-date → the key works and when it expires (needs the
//    LicenseManagementAPI permission; without it the call fails like a bad key).
// 2. Inventory API 2.0 bulk-get of one probe row → in-stock permission (unknown rows are simply
//    omitted, so the probe changes nothing).
// 3. searchOrder over the last minute → 楽天ペイ受注API permission.
// RMS answers a wrong key, an expired key and a missing permission alike (401 Un-Authorised) [doc:
// vendor manuals], so the reason is inferred from which calls pass and from the expiry Kura
// last read.

type Ctx = MallContext<RakutenCredentials>;
const DAY = 86_400_000;
const WARN_DAYS = 14;

function fail(e: unknown, reason?: string): ConnectionTestResult {
  if (e instanceof MallError) return { ok: false, errorClass: e.errorClass, reason: reason ?? e.message };
  return { ok: false, errorClass: "transient", reason: reason ?? "楽天RMSの確認中に予期しないエラーが発生しました" };
}

/** Runs a probe; returns the MallError it failed with (auth only), or null when it passed. */
async function probe(run: () => Promise<void>): Promise<MallError | null> {
  try {
    await run();
    return null;
  } catch (e) {
    if (e instanceof MallError && e.errorClass === "auth") return e;
    throw e;
  }
}

async function readExpiry(ctx: Ctx): Promise<number> {
  const q = encodeURIComponent(ctx.credentials.licenseKey.trim());
  const res = await rmsRequest(ctx, "GET", `/es/1.0/license-management/license-key/expiry-date?licenseKey=${q}`);
  if (res.status !== 200) throw new MallError("transient", `有効期限を取得できません (HTTP ${res.status})`, { status: res.status });
  const at = parseRmsDatetime(parseBody(expiryDateSchema, res, "expiry-date").expiryDate);
  if (!Number.isFinite(at)) throw new MallError("transient", "有効期限の形式を解釈できません");
  return at;
}

const jstDay = (ms: number) => new Date(ms + 9 * 3600_000).toISOString().slice(0, 10);

export async function testConnection(ctx: Ctx): Promise<ConnectionTestResult> {
  const now = ctx.now?.() ?? Date.now();
  let expiresAt: number | undefined;
  try {
    const expiryFailure = await probe(async () => {
      expiresAt = await readExpiry(ctx);
    });
    if (expiresAt !== undefined && expiresAt !== ctx.credentials.licenseKeyExpiresAt) {
      await ctx.saveCredentials({ ...ctx.credentials, licenseKeyExpiresAt: expiresAt });
    }
    if (expiresAt !== undefined && expiresAt <= now) {
      return { ok: false, errorClass: "auth", expiresAt, reason: `ライセンスキーの有効期限切れ (期限 ${jstDay(expiresAt)})` };
    }

    const inventoryFailure = await probe(async () => {
      await rmsRequest(ctx, "POST", "/es/2.0/inventories/bulk-get", {
        inventories: [{ manageNumber: "kura-connection-test", variantId: "probe" }],
      });
    });
    const orderFailure = await probe(async () => {
      await rmsRequest(ctx, "POST", "/es/2.0/order/searchOrder/", {
        dateType: 1,
        startDatetime: toRmsDatetime(now - 60_000),
        endDatetime: toRmsDatetime(now),
        PaginationRequestModel: { requestRecordsAmount: 1, requestPage: 1 },
      });
    });

    if (expiryFailure && inventoryFailure && orderFailure) {
      const known = ctx.credentials.licenseKeyExpiresAt;
      if (known !== undefined && known <= now) {
        return { ok: false, errorClass: "auth", expiresAt: known, reason: `ライセンスキーの有効期限切れ (期限 ${jstDay(known)}${expiryFailure.opts.code ? `, ${expiryFailure.opts.code}` : ""})` };
      }
      return fail(expiryFailure, `serviceSecret / licenseKey が正しくないか、有効期限が切れています${expiryFailure.opts.code ? ` (${expiryFailure.opts.code})` : ""}`);
    }
    const missing = [
      inventoryFailure ? "在庫API 2.0 (InventoryAPI 2.0)" : null,
      orderFailure ? "楽天ペイ受注API" : null,
    ].filter((x): x is string => x !== null);
    if (missing.length > 0) {
      return { ok: false, errorClass: "auth", expiresAt, reason: `RMS の WEB APIサービスで「${missing.join("」「")}」が利用可能になっていません` };
    }
    if (expiresAt === undefined) {
      return { ok: true, reason: "接続OK。ライセンス管理API (LicenseManagementAPI) が利用不可のため有効期限は確認できません" };
    }
    const days = Math.floor((expiresAt - now) / DAY);
    if (days < WARN_DAYS) {
      return { ok: true, expiresAt, reason: `接続OK。ライセンスキーの有効期限まであと${days}日 (${jstDay(expiresAt)})` };
    }
    return { ok: true, expiresAt };
  } catch (e) {
    return { ...fail(e), ...(expiresAt !== undefined ? { expiresAt } : {}) };
  }
}
