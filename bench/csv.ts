// CSV import benchmark (issue 10) against a running `npm start`:
//   PORT=8871 SIM_PORT=8872 KURA_LOG_LEVEL=warn npm start     (in another terminal)
//   KURA_URL=http://127.0.0.1:8871 npm run bench:csv [rows]
// It creates a fresh account (plan: rows products), generates a products file of N rows
// (default 100,000) in Shift_JIS (CP932, with ①㈱髙﨑 in the names, as Excel saves it) with
// encoding-japanese, uploads it (POST /api/v1/imports, raw text/csv body), polls the job until
// it is validated, applies it, polls until applied, and prints the upload, validate and apply
// times (and rows/s); then the same for a stock file (加算・減算, -1 on every product); then, if
// GET /api/v1/exports/products.csv exists, the export time.
// Env: KURA_URL, OPERATOR_TOKEN (else .dev.vars in the cwd).
import Encoding from "encoding-japanese";
import { json, operatorToken, request } from "./http";

const KURA = new URL(process.env.KURA_URL ?? "http://127.0.0.1:8787");
const N = Number(process.argv[2] ?? 100_000);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const op = operatorToken();
const tag = `${Date.now().toString(36)}`;
const created = await json(KURA, "POST", "/api/v1/operator/accounts", { authorization: `Bearer ${op}` }, {
  name: `bench-csv-${tag}`,
  plan: { maxProducts: N, maxShops: 5 },
  owner: { email: `bench-csv-${tag}@kura.example`, password: "bench-password-123", name: "ベンチ CSV" },
});
const auth = { authorization: `Bearer ${created.apiToken}` };
const kura = (method: string, path: string, body?: unknown) => json(KURA, method, `/api/v1${path}`, auth, body, 120_000);
await kura("POST", "/groups", { name: "季節商品" });

// ---- the file ---------------------------------------------------------------------------------
const lines = ["マスターコード,商品名,グループ,総在庫数,確保在庫,在庫少設定数,連動,セット構成"];
for (let i = 0; i < N; i++) {
  const code = `CSV-${String(i).padStart(6, "0")}`;
  const name = i % 7 === 0 ? `"①煎茶 ㈱髙﨑園, ${i}号"` : `緑茶 ${i}`;
  lines.push(`${code},${name},${i % 10 === 0 ? "季節商品" : ""},${3 + (i % 50)},${i % 3 === 0 ? 1 : ""},${i % 5 === 0 ? 2 : ""},自動,`);
}
const text = lines.join("\r\n") + "\r\n";
const bytes = Buffer.from(Uint8Array.from(Encoding.convert(Encoding.stringToCode(text), { to: "SJIS", from: "UNICODE" })));
console.log(`${N.toLocaleString()} rows, ${(bytes.length / 1e6).toFixed(1)} MB Shift_JIS`);

// ---- upload, validate, apply -------------------------------------------------------------------
async function until(id: number, status: string, label: string) {
  let last = "";
  for (;;) {
    const asked = Date.now();
    const r = await kura("GET", `/imports/${id}?errorsLimit=5`);
    // A report that takes long to come back means the job starves the API: worth seeing.
    if (Date.now() - asked > 2000) console.log(`  (GET /imports/${id} took ${secs(Date.now() - asked)})`);
    const line = `  ${label}: ${r.status} ${r.progress.rowsDone}/${r.progress.rowsTotal} eta ${r.progress.etaSeconds ?? "?"} s`;
    if (line !== last) console.log(`${line}   [${secs(Date.now() - t0)}]`);
    last = line;
    if (r.status === status) return r;
    if (r.status === "failed" || r.status === "cancelled") throw new Error(`import ${id} ${r.status}: ${r.failure}`);
    await sleep(1000);
  }
}

const t0 = Date.now();
const up = await request(KURA, "POST", "/api/v1/imports?kind=products", { ...auth, "content-type": "text/csv" }, bytes, 300_000);
if (up.status !== 202) throw new Error(`upload → ${up.status} ${up.text.slice(0, 300)}`);
const id = JSON.parse(up.text).id as number;
const t1 = Date.now();
const checked = await until(id, "validated", "validate");
const t2 = Date.now();
if (checked.rows.invalid) console.log(`  ${checked.rows.invalid} bad rows, e.g.`, checked.errors);
await kura("POST", `/imports/${id}/apply`, { onPlanLimit: "fit" });
const done = await until(id, "applied", "apply");
const t3 = Date.now();
const count = (await kura("GET", "/products?limit=1")).items.length;

console.log(`\nupload (decode, parse, store ${N.toLocaleString()} rows)  ${secs(t1 - t0)}`);
console.log(`validate                                  ${secs(t2 - t1)}`);
console.log(`apply                                     ${secs(t3 - t2)}   (${done.applied.created.toLocaleString()} created)`);
console.log(`upload + validate + apply                 ${secs(t3 - t0)}   (${Math.round(N / ((t3 - t0) / 1000)).toLocaleString()} rows/s)`);
if (!count) throw new Error("no products after apply");

// ---- a stock file over the same products (加算・減算: one adjust movement per row) ---------------
const stockText = ["マスターコード,総在庫数", ...Array.from({ length: N }, (_, i) => `CSV-${String(i).padStart(6, "0")},-1`)].join("\r\n") + "\r\n";
const s0 = Date.now();
const sup = await request(KURA, "POST", "/api/v1/imports?kind=stock&stockMode=adjust", { ...auth, "content-type": "text/csv" }, Buffer.from(stockText), 300_000);
if (sup.status !== 202) throw new Error(`stock upload → ${sup.status} ${sup.text.slice(0, 300)}`);
const sid = JSON.parse(sup.text).id as number;
await until(sid, "validated", "stock validate");
const s1 = Date.now();
await kura("POST", `/imports/${sid}/apply`, {});
await until(sid, "applied", "stock apply");
const s2 = Date.now();
const probe = await kura("GET", `/products/CSV-000001`);
console.log(`stock file (${N.toLocaleString()} rows, adjust -1): upload + validate ${secs(s1 - s0)}, apply ${secs(s2 - s1)}; CSV-000001 on hand ${probe.onHand} (was 4)`);

// ---- export (another helper builds it) ---------------------------------------------------------
const t4 = Date.now();
const ex = await request(KURA, "GET", "/api/v1/exports/products.csv", auth, undefined, 300_000);
if (ex.status === 200) console.log(`export products.csv                       ${secs(Date.now() - t4)}   (${(ex.text.length / 1e6).toFixed(1)} M chars)`);
else console.log(`export products.csv                       (not available: ${ex.status})`);
