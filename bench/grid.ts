// 商品管理 grid benchmark at 100,000 products. Run against a running `npm start`:
//   PORT=8841 SIM_PORT=8842 npm start            (in another terminal)
//   KURA_URL=http://127.0.0.1:8841 SIM_URL=http://127.0.0.1:8842 npm run bench:grid
// It creates (once; later runs reuse it) an account with five shops, one per simulated mall, with
// 取込み and モール更新 off so the sync leaves them alone, and N products (default 100,000) through
// POST /api/v1/products/bulk, 1,000 a call: every 10th in a second group, names repeating every
// 997 products, stock 3–52 except one in 2,000 at 0 (在庫少 under the default of 2) and 20 oversold
// (マイナス在庫), 30 listed on a shop but never sent (未反映). It then logs into the dashboard and
// prints, per page, the server time the grid reports in its Server-Timing header (median and
// slowest of BENCH_RUNS, default 9: the whole page, its products query, the count of products): the first page, a deep keyset page, the group filter, a code
// search, a name search and each 状態 filter. エラー needs a mall to refuse a push; it has no rows here.
// Env: KURA_URL, SIM_URL, OPERATOR_TOKEN (else .dev.vars in the cwd), BENCH_RUNS.
import { json, operatorToken } from "./http";

const KURA = new URL(process.env.KURA_URL ?? "http://127.0.0.1:8787");
const SIM = new URL(process.env.SIM_URL ?? "http://127.0.0.1:8790");
const N = Number(process.argv[2] ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 9);
const EMAIL = `bench-grid-${N}@kura.example`;
const PASSWORD = "bench-password-123";
const KINDS = ["rakuten", "yahoo", "amazon", "shopify", "base"] as const;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const code = (i: number) => `GRID-${String(i).padStart(6, "0")}`;
const onHand = (i: number) => (i % 2000 === 7 ? 0 : 3 + (i % 50));
const NEGATIVE = Array.from({ length: 20 }, (_, k) => 4_999 * k + 11);
const UNSENT = Array.from({ length: 30 }, (_, k) => 3_331 * k + 5);

const op = operatorToken();
const found = await json(KURA, "GET", `/api/v1/operator/accounts?email=${encodeURIComponent(EMAIL)}`, { authorization: `Bearer ${op}` });
let token: string;
if (found.items.length) {
  token = (await json(KURA, "POST", `/api/v1/operator/accounts/${found.items[0].id}/tokens`, { authorization: `Bearer ${op}` }, { name: "bench:grid" })).apiToken;
} else {
  const created = await json(KURA, "POST", "/api/v1/operator/accounts", { authorization: `Bearer ${op}` }, {
    name: `bench-grid-${N}`,
    plan: { maxProducts: N, maxShops: 5 },
    owner: { email: EMAIL, password: PASSWORD, name: "ベンチ 計測" },
  });
  token = created.apiToken;
}
const kura = (method: string, path: string, body?: unknown) => json(KURA, method, `/api/v1${path}`, { authorization: `Bearer ${token}` }, body, 120_000);

// ---- the catalogue (skipped when a previous run left it complete) -------------------------------
const groups = (await kura("GET", "/groups")).items as { id: number; name: string }[];
let season = groups.find((g) => g.name === "季節商品")?.id;
season ??= (await kura("POST", "/groups", { name: "季節商品" })).id as number;
let shops = (await kura("GET", "/shops")).items as { id: number }[];
for (const k of KINDS.slice(shops.length)) {
  const credentials = await json(SIM, "GET", `/__demo/credentials/${k}`, {});
  await kura("POST", "/shops", { kind: k, name: `ベンチ ${k}`, credentials, baseUrl: `${SIM.origin}/${k}`, importEnabled: false, updateEnabled: false });
}
shops = (await kura("GET", "/shops")).items;

const last = await kura("GET", `/products/${code(N - 1)}`).catch(() => null);
if (!last) {
  console.log(`creating ${N} products (POST /products/bulk, 1,000 a call)…`);
  const t0 = Date.now();
  for (let i = 0; i < N; i += 1000) {
    if (await kura("GET", `/products/${code(i)}`).catch(() => null)) continue; // a previous run got this far
    const items = Array.from({ length: Math.min(1000, N - i) }, (_, j) => i + j).map((n) => ({
      masterCode: code(n),
      name: `ベンチ商品 ${n % 997} 号`,
      onHand: onHand(n),
      ...(n % 10 === 0 ? { group: "季節商品" } : {}),
    }));
    await kura("POST", "/products/bulk", { items });
    if ((i / 1000) % 10 === 9) console.log(`  ${i + 1000} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
  for (const n of NEGATIVE) await kura("POST", `/products/${code(n)}/stock`, { mode: "adjust", quantity: -(onHand(n) + 5), reason: "bench: oversold" });
  for (const n of UNSENT) await kura("PUT", `/products/${code(n)}/shops/${shops[0].id}`, { managed: true });
  await kura("PATCH", "/settings", { lowStockDefault: 2 });
  console.log(`catalogue created in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}
// Stock reaches D1 through each StockGroup's drain: wait until the last product and the oversold ones show it.
for (const t1 = Date.now(); ; ) {
  const lastOk = (await kura("GET", `/products?query=${code(N - 1)}&limit=1`)).items[0]?.onHand === onHand(N - 1);
  const negatives = (await kura("GET", "/products?status=negative&limit=100")).items.length;
  if (lastOk && negatives === NEGATIVE.length) break;
  if (Date.now() - t1 > 600_000) throw new Error("the stock did not reach D1 within 10 min");
  await sleep(2000);
}

// ---- the dashboard ------------------------------------------------------------------------------
const loginRes = await fetch(new URL("/login", KURA), {
  method: "POST",
  headers: { "content-type": "application/x-www-form-urlencoded", origin: KURA.origin },
  body: new URLSearchParams({ email: EMAIL, password: PASSWORD }),
  redirect: "manual",
});
const cookie = loginRes.headers.getSetCookie().find((c) => c.startsWith("__Host-kura_session="))?.split(";")[0];
if (loginRes.status !== 303 || !cookie) throw new Error(`dashboard login answered ${loginRes.status}`);

const deep = Buffer.from(JSON.stringify({ c: code(90_000) })).toString("base64");
const pages: [string, string][] = [
  ["first page", "/products"],
  ["deep page (after 90,000)", `/products?after=${encodeURIComponent(deep)}`],
  ["group 季節商品", `/products?group=${season}`],
  ["code search GRID-0777", "/products?q=GRID-0777"],
  ["name search ベンチ商品 996", `/products?q=${encodeURIComponent("ベンチ商品 996")}`],
  ["在庫少", "/products?status=low"],
  ["マイナス在庫", "/products?status=negative"],
  ["未反映", "/products?status=unsynced"],
  ["エラー", "/products?status=error"],
  ["ホーム (its counts)", "/"],
];

const pad = (s: string, n: number) => s + " ".repeat(Math.max(0, n - [...s].length * (/[^\x00-\x7f]/.test(s) ? 1.5 : 1)));
console.log(`\n商品管理 at ${N.toLocaleString("en")} products, 5 shops — server time (Server-Timing), median of ${RUNS} (slowest)`);
console.log(`  ${pad("", 30)}  whole page   its products query   count(*)`);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const cell = (xs: number[]) => `${String(median(xs)).padStart(4)} (${String(Math.max(...xs)).padStart(3)}) ms`;
for (const [what, path] of pages) {
  const t: Record<string, number[]> = { grid: [], products: [], count: [] };
  // The home page reports one figure, its whole time.
  const home: number[] = [];
  let rows = 0;
  for (let r = 0; r < RUNS; r++) {
    const res = await fetch(new URL(path, KURA), { headers: { cookie } });
    const html = await res.text();
    if (res.status !== 200) throw new Error(`${path} → ${res.status}`);
    for (const m of (res.headers.get("server-timing") ?? "").matchAll(/(\w+);dur=(\d+)/g)) (m[1] === "home" ? home : t[m[1]])?.push(Number(m[2]));
    rows = (html.match(/<th scope="row">/g) ?? []).length;
  }
  if (home.length) console.log(`  ${pad(what, 30)} ${cell(home)}`);
  else console.log(`  ${pad(what, 30)} ${cell(t.grid)}   ${cell(t.products)}   ${cell(t.count)}   ${rows} rows`);
}
