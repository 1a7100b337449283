import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { decryptJson, encryptJson } from "../../src/lib/crypto";
import { ORIGIN, type Browser } from "../dashboard/helpers";

// Driving 連携する as a merchant's browser does: start on モール設定, follow Kura's 302 to the
// simulated mall, answer its consent form, and come back to Kura's callback with the session.

export type Decision = "allow" | "deny";

/** POST /shops/connect/{kind}: Kura's 302 to the mall's authorize / consent page. */
export async function start(b: Browser, kind: string, form: Record<string, string> = {}): Promise<string> {
  const res = await b.post(`/shops/connect/${kind}`, form);
  expect(res.status, res.html.slice(0, 400)).toBe(302);
  return res.location!;
}

/** Opens the consent page (through the simulator) and posts its form; answers the callback URL. */
export async function consent(authorizeUrl: string, decision: Decision = "allow"): Promise<string> {
  const page = await fetch(authorizeUrl);
  const html = await page.text();
  expect(page.status, html.slice(0, 300)).toBe(200);
  const action = /<form method="post" action="([^"]+)"/.exec(html)![1].replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
  const fields = new URLSearchParams();
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    const dec = (v: string) => v.replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n)));
    fields.append(dec(m[1]), dec(m[2]));
  }
  fields.set("decision", decision);
  const post = await fetch(new URL(action, authorizeUrl), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: fields.toString(), redirect: "manual" });
  expect(post.status).toBe(302);
  return post.headers.get("location")!;
}

/** The callback URL as a path on Kura (the browser helper adds the origin). */
export function kuraPath(url: string): string {
  expect(url.startsWith(`${ORIGIN}/shops/connect/`), url).toBe(true);
  return url.slice(ORIGIN.length);
}

/** start → consent → callback, as one merchant's browser. */
export async function connect(b: Browser, kind: string, form: Record<string, string> = {}, decision: Decision = "allow") {
  const callback = kuraPath(await consent(await start(b, kind, form), decision));
  return { callback, page: await b.get(callback) };
}

export const shopIdOf = (location: string | null) => Number(/^\/shops\/(\d+)/.exec(location ?? "")?.[1]);

export async function shopRow(id: number) {
  return (await env.DB.prepare("SELECT * FROM shops WHERE id = ?").bind(id).first<Record<string, any>>())!;
}

/** What a refused callback must leave as it was: the account's shops and operation log. */
export async function written(accountId: number) {
  const q = (sql: string) => env.DB.prepare(sql).bind(accountId).all().then((r) => r.results);
  return {
    shops: await q("SELECT id, kind, name, credentials_enc, status, last_test_at FROM shops WHERE account_id = ? ORDER BY id"),
    operations: await q("SELECT id, action, target FROM operation_log WHERE account_id = ? ORDER BY id"),
  };
}

const context = (row: Record<string, any>) => `account:${row.account_id}:shop:${row.id}`;

export async function credentialsOf(id: number): Promise<Record<string, any>> {
  const row = await shopRow(id);
  return decryptJson(env.CREDENTIALS_KEY, context(row), row.credentials_enc);
}

/** Rewrites a shop's stored credentials (a test's way to let its access token expire). */
export async function setCredentials(id: number, creds: Record<string, unknown>) {
  const row = await shopRow(id);
  const sealed = await encryptJson(env.CREDENTIALS_KEY, context(row), creds);
  await env.DB.prepare("UPDATE shops SET credentials_enc = ? WHERE id = ?").bind(sealed, id).run();
}

export const text = (html: string) => html.replace(/<[^>]+>/g, " ").replace(/&#(\d+);/g, (_, n) => String.fromCharCode(Number(n))).replace(/\s+/g, " ");

/** A callback Kura must refuse: HTTP 400, the reason in Japanese, and nothing written. */
export async function refused(b: Browser, accountId: number, path: string, message: string) {
  const before = await written(accountId);
  const res = await b.get(path);
  expect(res.status, res.html.slice(0, 300)).toBe(400);
  expect(text(res.html)).toContain(message);
  expect(await written(accountId)).toEqual(before);
  return res;
}
