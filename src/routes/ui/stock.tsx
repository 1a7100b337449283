import { Hono } from "hono";
import { getProductsByCodes } from "../../db/queries/products";
import type { UiEnv } from "../../lib/session";
import { stockGroup } from "../../stock/client";

// 反映 / 一括反映: the 商品管理 grid is one form; every edited 総在庫数 is a staged change until it
// is committed. 反映 (a row's button, `only`) commits that row; 一括反映 commits every edited
// row. Each commit is one `set` movement on the product's StockGroup, logged (操作ログ) with the
// user. A row whose stock moved since the page was drawn (a sale came in) is not overwritten: it
// is reported back so the merchant looks again.

export const stockForms = new Hono<UiEnv>();

const LIMIT = 9_999_999;

/** The staged edits in a posted grid form: q:<code> (typed) beside was:<code> (shown when drawn). */
export function stagedEdits(body: Record<string, unknown>, only?: string) {
  const out: { code: string; was: number; want: number }[] = [];
  for (const [name, value] of Object.entries(body)) {
    if (!name.startsWith("q:") || typeof value !== "string") continue;
    const code = name.slice(2);
    if (only !== undefined && code !== only) continue;
    const want = value.trim() === "" ? NaN : Number(value);
    const was = Number(body[`was:${code}`]);
    if (!Number.isFinite(was) || want === was) continue;
    out.push({ code, was, want });
  }
  return out;
}

stockForms.post("/products/stock", async (c) => {
  const s = c.get("session")!;
  const db = c.get("db");
  const body = await c.req.parseBody();
  const only = typeof body.only === "string" ? body.only : undefined;
  const nonce = typeof body.nonce === "string" ? body.nonce.slice(0, 64) : crypto.randomUUID();
  const edits = stagedEdits(body, only);
  const bad = edits.filter((e) => !Number.isSafeInteger(e.want) || Math.abs(e.want) > LIMIT).map((e) => e.code);
  const good = edits.filter((e) => !bad.includes(e.code));
  const products = new Map((await getProductsByCodes(db, s.account.id, good.map((e) => e.code))).map((p) => [p.masterCode, p]));
  let saved = 0;
  const stale: string[] = [];
  for (const e of good) {
    const p = products.get(e.code);
    if (!p || p.isSet) continue;
    const ref = { accountId: s.account.id, groupId: p.groupId };
    const group = stockGroup(c.env, ref);
    const [now] = await group.getStock(ref, [p.id]);
    if ((now?.onHand ?? 0) !== e.was) {
      stale.push(e.code);
      continue;
    }
    // The form's nonce makes a resent form (back button, double click) change stock once.
    const res = await group.changeStock(ref, { productId: p.id, masterCode: p.masterCode, mode: "set", quantity: e.want, actor: `user:${s.user.id}`, reason: "商品管理", idempotencyKey: `ui:${nonce}:${p.id}` });
    if (res.ok && !res.duplicate) saved++;
  }
  const back = new URLSearchParams(typeof body.back === "string" && body.back.length < 2000 ? body.back : "");
  back.delete("saved");
  back.delete("stale");
  back.delete("invalid");
  back.set("saved", String(saved));
  if (stale.length) back.set("stale", stale.join(" "));
  if (bad.length) back.set("invalid", bad.join(" "));
  return c.redirect(`/products?${back}`, 303);
});
