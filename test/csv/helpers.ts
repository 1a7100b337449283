import { env, exports } from "cloudflare:workers";
import Encoding from "encoding-japanese";
import { expect } from "vitest";
import { type Client, until } from "../helpers/api";

// Fixture files are made here, by the tests: CSV text, written as UTF-8 (with or without a BOM)
// or as Shift_JIS (CP932) bytes by encoding-japanese, the library export uses too.

export function sjis(text: string): Uint8Array {
  return Uint8Array.from(Encoding.convert(Encoding.stringToCode(text), { to: "SJIS", from: "UNICODE" }));
}

export function utf8(text: string, bom = false): Uint8Array {
  const body = new TextEncoder().encode(text);
  if (!bom) return body;
  const out = new Uint8Array(body.length + 3);
  out.set([0xef, 0xbb, 0xbf]);
  out.set(body, 3);
  return out;
}

/** Lines joined with CRLF, as Excel saves them. */
export const csv = (...lines: string[]) => lines.join("\r\n") + "\r\n";

export async function upload(c: Client, bytes: Uint8Array, query: string, type = "text/csv") {
  const res = await exports.default.fetch(`http://kura.test/api/v1/imports?${query}`, {
    method: "POST",
    headers: { authorization: `Bearer ${c.token}`, "content-type": type },
    body: bytes,
  });
  return { status: res.status, json: (await res.json()) as any };
}

export async function uploadForm(c: Client, bytes: Uint8Array, fields: Record<string, string>, fileName = "items.csv") {
  const form = new FormData();
  form.set("file", new File([bytes], fileName, { type: "text/csv" }));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  const res = await exports.default.fetch("http://kura.test/api/v1/imports", { method: "POST", headers: { authorization: `Bearer ${c.token}` }, body: form });
  return { status: res.status, json: (await res.json()) as any };
}

export async function report(c: Client, id: number) {
  const r = await c.get(`/imports/${id}`);
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return r.json;
}

export const settled = (c: Client, id: number, status: string) =>
  until(`import ${id} ${status}`, () => report(c, id), (r) => r.status === status || r.status === "failed", 20_000).then((r) => {
    expect(r.status, JSON.stringify(r)).toBe(status);
    return r;
  });

/** Uploads and waits for validation. */
export async function validated(c: Client, bytes: Uint8Array, query: string) {
  const up = await upload(c, bytes, query);
  expect(up.status, JSON.stringify(up.json)).toBe(202);
  return settled(c, up.json.id, "validated");
}

/** Applies and waits for the job to finish. */
export async function applied(c: Client, id: number, body: unknown = {}) {
  const r = await c.post(`/imports/${id}/apply`, body);
  expect(r.status, JSON.stringify(r.json)).toBe(202);
  return settled(c, id, "applied");
}

/** The StockGroups have drained into D1 (the grid, the logs) for every group of the account. */
export async function drainAll(c: Client) {
  const groups = (await c.get("/groups")).json.items as { id: number }[];
  for (const g of groups) {
    const stub = env.STOCK.getByName(`${c.accountId}:${g.id}`);
    await until("drained", () => stub.isDrained(), (d) => d, 10_000);
  }
}
