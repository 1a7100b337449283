import { runDurableObjectAlarm } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import { expect } from "vitest";

export const OPERATOR = env.OPERATOR_TOKEN;

export async function call(token: string | null, method: string, path: string, body?: unknown) {
  const res = await exports.default.fetch(`http://kura.test/api/v1${path}`, {
    method,
    headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = text;
  }
  return { status: res.status, type: res.headers.get("content-type") ?? "", json };
}

let seq = 0;
/** A fresh account (through the operator API) and a client bound to its API token. */
export async function newAccount(plan?: { maxProducts: number; maxShops: number }) {
  seq++;
  const res = await call(OPERATOR, "POST", "/operator/accounts", {
    name: `店舗${seq}-${crypto.randomUUID().slice(0, 8)}`,
    plan,
    owner: { email: `owner${seq}-${crypto.randomUUID().slice(0, 8)}@example.jp`, password: "correct horse battery" },
  });
  expect(res.status).toBe(201);
  return clientFor(res.json.account.id as number, res.json.apiToken as string);
}

/** The API as one account's token holder calls it. */
export function clientFor(accountId: number, token: string) {
  return {
    accountId,
    token,
    get: (path: string) => call(token, "GET", path),
    post: (path: string, body?: unknown) => call(token, "POST", path, body),
    patch: (path: string, body?: unknown) => call(token, "PATCH", path, body),
    put: (path: string, body?: unknown) => call(token, "PUT", path, body),
    del: (path: string) => call(token, "DELETE", path),
  };
}
export type Client = Awaited<ReturnType<typeof newAccount>>;

export async function product(client: Client, masterCode: string, extra: Record<string, unknown> = {}) {
  const res = await client.post("/products", { masterCode, name: `商品 ${masterCode}`, ...extra });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json;
}

/** Runs the StockGroup's alarm until its outbox is empty, so D1 shows everything. */
export async function drain(accountId: number, groupId: number) {
  const stub = env.STOCK.getByName(`${accountId}:${groupId}`);
  for (let i = 0; i < 20; i++) {
    if (await stub.isDrained()) return;
    await runDurableObjectAlarm(stub);
  }
  throw new Error("outbox did not drain");
}

export async function sale(client: Client, source: string, orderId: string, lines: { lineId: string; code: string; quantity: number }[], kind: "sale" | "cancel" = "sale") {
  return client.post("/sales", { source, orderId, kind, lines });
}

/** Polls `read` until `ok` holds (the engine works by itself, within seconds), or fails naming `what`. */
export async function until<T>(what: string, read: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end) throw new Error(`${what}: still ${JSON.stringify(v)} after ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
