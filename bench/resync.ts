// 一括反映 benchmark. Run against `npm start` (Kura on http://127.0.0.1:8787):
//   npm run bench:resync            (or: npx tsx bench/resync.ts [products])
// It starts its own mall simulators with the documented rate limits on, one process per mall
// (ports BENCH_SIM_PORT and up, default 8791–8794), so that each mall's arrivals are stamped by a
// process that is not busy answering another mall's 1,000-row calls or SKU searches (in one shared
// process, requests queued behind those were stamped late and the next ones looked early). Their
// traffic recorders see this account's shops alone. It creates its own account with five shops (one per mall, モール更新 off while the
// catalogue is loaded), N products (default 20,000) whose codes every simulated mall lists at 0,
// turns the shops on and starts POST /api/v1/resync twice:
//   1. the first sync: every code is new to Kura, so Rakuten and Yahoo read each first push back
//      (未登録コード) and Shopify looks each SKU up, which its cost bucket bounds (MALLS.md §9);
//      this phase runs until every shop but BASE is through, so that phase 2 finds every code known;
//   2. 一括反映: the same over shops that know every code — the figure the target is about.
// Per shop it prints items/s against the budget's items/s (MALLS.md §9: rows per call × calls per
// second), the requests/s the simulator received against the request budget, and whether any
// request came faster than the budget or beside another. BASE takes one item per request (~5.5 h
// for 20,000) and spends the same one request a second on its order pulls: it is measured over
// BENCH_BASE_SECONDS (default 180), then the job is cancelled, and its share is the budget used
// (pushes + pulls) — every request it may make, made.
// Env: KURA_URL, OPERATOR_TOKEN (else .dev.vars in the cwd), BENCH_SIM_PORT (the first of four),
// BENCH_BASE_SECONDS, BENCH_FIRST_SYNC_CAP (seconds, default 900), BENCH_KEEP=1 (keep the shops).
import { spawn, type ChildProcess } from "node:child_process";
import { json, operatorToken, request } from "./http";
import { fileURLToPath } from "node:url";

const KURA = new URL(process.env.KURA_URL ?? "http://127.0.0.1:8787");
const SIM_PORT = Number(process.env.BENCH_SIM_PORT ?? 8791);
// Amazon signs in at the LWA endpoint Kura is configured with (AMAZON_LWA_URL: `npm start`'s
// simulator), and that simulator's access tokens are only good there: the Amazon shop runs on it,
// beside the demo's Amazon shop (whose few requests its traffic figures then include).
const MAIN_SIM = new URL(process.env.SIM_URL ?? "http://127.0.0.1:8790");
const N = Number(process.argv[2] ?? 20_000);
const BASE_SECONDS = Number(process.env.BENCH_BASE_SECONDS ?? 180);
const FIRST_SYNC_CAP = Number(process.env.BENCH_FIRST_SYNC_CAP ?? 900);
const KEEP = process.env.BENCH_KEEP === "1";

type Kind = "rakuten" | "yahoo" | "amazon" | "shopify" | "base";
const KINDS: Kind[] = ["rakuten", "yahoo", "amazon", "shopify", "base"];
/**
 * The push budget of one shop in items per second (MALLS.md §9) and in requests per second.
 * Amazon: a resync goes by JSON_LISTINGS_FEED, 25,000 items per feed, createFeed 1 per 120 s
 * sustained (burst 15); its request budget is the 5/s of the other calls.
 */
const BUDGET: Record<Kind, { itemsPerSecond: number; requestsPerSecond: number; how: string }> = {
  rakuten: { itemsPerSecond: 400, requestsPerSecond: 1, how: "bulk-upsert 400 rows × 1/s" },
  yahoo: { itemsPerSecond: 1000, requestsPerSecond: 1, how: "setStock 1,000 rows × 1/s" },
  amazon: { itemsPerSecond: 25_000 / 120, requestsPerSecond: 5, how: "feed 25,000 rows per createFeed, 1 per 120 s" },
  shopify: { itemsPerSecond: 500, requestsPerSecond: 2, how: "inventorySetQuantities 250 rows × 2/s" },
  base: { itemsPerSecond: 1, requestsPerSecond: 1, how: "edit 1 item × 1/s, order pulls on the same budget" },
};
/**
 * Shopify's first sync is bound by its cost bucket, not by requests: the simulator's Standard plan
 * restores 100 points/s; a productVariants lookup of 50 SKUs costs 2 + 50 × 2 points and an
 * inventorySetQuantities mutation 10 points per 250 rows.
 */
const SHOPIFY_FIRST_SYNC_ITEMS_PER_SECOND = 100 / ((2 + 50 * 2) / 50 + 10 / 250);

const kura = (token: string, method: string, path: string, body?: unknown) => json(KURA, method, `/api/v1${path}`, { authorization: `Bearer ${token}` }, body, 60_000);
/** The bench's own simulator process of each mall (Amazon: `npm start`'s, see above). */
const OWN_SIMS: Kind[] = ["rakuten", "base", "yahoo", "shopify"];
const ownSim = new Map(OWN_SIMS.map((k, i) => [k, new URL(`http://127.0.0.1:${SIM_PORT + i}`)]));
const simOf = (k: Kind) => ownSim.get(k) ?? MAIN_SIM;
const simK = (k: Kind, method: string, path: string, body?: unknown) => json(simOf(k), method, path, {}, body);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => (ms / 1000).toFixed(1);

// ---- the bench's own simulators -----------------------------------------------------------------
const root = fileURLToPath(new URL("..", import.meta.url));
const simProcs: ChildProcess[] = [];
for (const url of ownSim.values()) {
  const port = Number(url.port);
  const proc = spawn(process.execPath, [`${root}node_modules/tsx/dist/cli.mjs`, "sim/server.ts"], {
    cwd: root,
    env: { ...process.env, SIM_PORT: String(port) },
    stdio: ["ignore", "ignore", "inherit"],
  });
  simProcs.push(proc);
  for (const up = Date.now(); ; ) {
    if (await request(url, "GET", "/", {}).then((r) => r.status === 200, () => false)) break;
    if (Date.now() - up > 30_000 || proc.exitCode !== null) throw new Error(`the bench's simulator did not start on port ${port}`);
    await sleep(200);
  }
}
const stopSims = () => simProcs.forEach((p) => p.kill());
process.on("exit", stopSims);

// ---- account, shops (off), catalogue ------------------------------------------------------------
const stamp = Date.now();
// Numeric master codes: BASE knows items by numeric id, and every other mall's default mapping
// (Rakuten: `<code>:normal-inventory`) finds them as they are.
const codeRoot = 900_000_000 + (Math.floor(stamp / 1000) % 50_000) * 1_000;
const codes = Array.from({ length: N }, (_, i) => String(codeRoot + i + 1));
const mallCode = (k: Kind, code: string) => (k === "rakuten" ? `${code}:normal-inventory` : code);
const onHand = (i: number) => 1 + (i % 500);

const op = operatorToken();
const account = await kura(op, "POST", "/operator/accounts", {
  name: `bench-resync-${stamp}`,
  plan: { maxProducts: N + 100, maxShops: 5 },
  owner: { email: `bench-resync-${stamp}@kura.example`, password: "bench-password-123" },
});
const token: string = account.apiToken;
const shops = new Map<Kind, number>();
async function cleanup() {
  if (!KEEP) for (const id of shops.values()) await kura(token, "DELETE", `/shops/${id}`).catch(() => {});
  stopSims();
}
process.on("uncaughtException", (e) => {
  console.error(e);
  void cleanup().finally(() => process.exit(1));
});

for (const k of KINDS) {
  if (k !== "amazon") await simK(k, "POST", `/${k}/__sim/reset`);
  await simK(k, "POST", `/${k}/__sim/listings`, { items: codes.map((c) => ({ code: mallCode(k, c), quantity: 0 })) });
  const credentials = await simK(k, "GET", `/__demo/credentials/${k}`);
  const shop = await kura(token, "POST", "/shops", { kind: k, name: `bench ${k}`, credentials, baseUrl: `${simOf(k).origin}/${k}`, updateEnabled: false });
  shops.set(k, shop.id);
  const test = await kura(token, "POST", `/shops/${shop.id}/test`);
  if (!test.ok) throw new Error(`接続テスト failed for ${k}: ${JSON.stringify(test)}`);
}

console.log(`creating ${N} products (POST /products/bulk, 1,000 a call)…`);
const t0 = Date.now();
for (let i = 0; i < N; i += 1000) {
  const items = codes.slice(i, i + 1000).map((code, j) => ({ masterCode: code, name: `一括反映ベンチ ${i + j + 1}`, onHand: onHand(i + j) }));
  await kura(token, "POST", "/products/bulk", { items });
}
console.log(`${N} products in ${secs(Date.now() - t0)} s`);
// As a merchant imports a catalogue and then connects the shops: the catalogue's own changes
// reach D1 and pass through the sync queue before any shop takes updates (else they would all be
// due as changes, which go before a resync).
const lastCode = codes[N - 1];
for (const t1 = Date.now(); ; ) {
  const page = await kura(token, "GET", `/products?query=${lastCode}&limit=1`);
  if (page.items[0]?.onHand === onHand(N - 1)) break;
  if (Date.now() - t1 > 300_000) throw new Error("the catalogue did not reach D1 within 5 min");
  await sleep(1000);
}
await sleep(10_000);
console.log(`catalogue in D1 after ${secs(Date.now() - t0)} s`);

// ---- the resync ---------------------------------------------------------------------------------
for (const id of shops.values()) await kura(token, "PATCH", `/shops/${id}`, { updateEnabled: true });
type Traffic = { requests: number; maxInFlight: number; overBudget: number; earliestMs: number; answerMsTotal: number };
const traffic = async () => Object.fromEntries(await Promise.all(KINDS.map(async (k) => [k, (await simK(k, "GET", `/${k}/__sim/traffic`)) as Traffic]))) as Record<Kind, Traffic>;
interface Part {
  shopId: number;
  status: string;
  total: number;
  done: number;
  sent: number;
  errors: number;
  lastError: string | null;
  etaSeconds: number | null;
  startedAt: string;
  finishedAt: string | null;
}
const kindOf = new Map([...shops].map(([k, id]) => [id, k]));

/**
 * One POST /resync over the five shops, each measured until its part is through or its window
 * has passed (BASE: one item per request), then the job is cancelled. Returns each shop's share
 * of its budget: items/s against the budget's items/s, and for BASE the request budget used.
 */
async function phase(title: string, windowOf: (k: Kind) => number, itemBudget: (k: Kind) => number = (k) => BUDGET[k].itemsPerSecond): Promise<Map<Kind, number>> {
  const before = await traffic();
  const job = await kura(token, "POST", "/resync");
  const started = Date.now();
  console.log(`\n${title}: job ${job.id} over ${job.shops.length} shops, ${job.total} listings`);
  const finished = new Map<Kind, { at: number; part: Part; traffic: Traffic }>();
  for (let tick = 0; ; tick++) {
    await sleep(2000);
    const now = await kura(token, "GET", `/jobs/${job.id}`);
    const t = await traffic();
    for (const p of now.shops as Part[]) {
      const k = kindOf.get(p.shopId)!;
      if (!finished.has(k) && (p.status !== "running" || Date.now() - started >= windowOf(k) * 1000)) finished.set(k, { at: p.finishedAt ? Date.parse(p.finishedAt) : Date.now(), part: p, traffic: t[k] });
    }
    if (tick % 10 === 0) console.log(`  ${secs(Date.now() - started)} s: ${(now.shops as Part[]).map((p) => `${kindOf.get(p.shopId)} ${p.done}/${p.total}`).join(", ")}`);
    if (finished.size === KINDS.length) break;
  }
  await kura(token, "POST", `/jobs/${job.id}/cancel`);
  console.log("shop      listings sent  errors   seconds   items/s   budget items/s   share   requests/s (budget)   over budget  earliest ms  max in flight  answer ms");
  const shares = new Map<Kind, number>();
  for (const k of KINDS) {
    const f = finished.get(k)!;
    const ms = f.at - Date.parse(f.part.startedAt);
    const ips = f.part.sent / (ms / 1000);
    const rps = (f.traffic.requests - before[k].requests) / ((f.at - started) / 1000);
    const itemShare = ips / itemBudget(k);
    // The simulator's mean time over an answer: calls go one at a time, so a mall slower than its
    // own slots bounds the share whatever Kura does (the Shopify simulator's scans per row did).
    const answerMs = (f.traffic.answerMsTotal - before[k].answerMsTotal) / Math.max(1, f.traffic.requests - before[k].requests);
    // BASE: one item per request, and its order pulls spend the same second, so what it can be
    // judged on is the request budget it used.
    const share = k === "base" ? rps / BUDGET[k].requestsPerSecond : itemShare;
    shares.set(k, share);
    console.log(
      `${k.padEnd(9)} ${String(f.part.sent).padStart(13)} ${String(f.part.errors).padStart(7)} ${secs(ms).padStart(9)} ${ips.toFixed(1).padStart(9)} ${itemBudget(k).toFixed(1).padStart(16)} ${(share * 100).toFixed(1).padStart(6)} %   ${rps.toFixed(2).padStart(6)} (${BUDGET[k].requestsPerSecond})${" ".repeat(11)} ${String(f.traffic.overBudget - before[k].overBudget).padStart(5)} ${String(f.traffic.earliestMs).padStart(12)} ${String(f.traffic.maxInFlight).padStart(14)} ${answerMs.toFixed(0).padStart(10)}${f.part.status === "running" ? `   (first ${windowOf(k)} s of ${f.part.total}${k === "base" ? `; pushes ${(itemShare * 100).toFixed(1)} % + pulls` : ""})` : ""}`,
    );
  }
  return shares;
}

await phase("first sync (every code new)", (k) => (k === "base" ? BASE_SECONDS : FIRST_SYNC_CAP), (k) => (k === "shopify" ? SHOPIFY_FIRST_SYNC_ITEMS_PER_SECOND : BUDGET[k].itemsPerSecond));
console.log(`  (shopify's first sync is judged against its cost bucket: ${SHOPIFY_FIRST_SYNC_ITEMS_PER_SECOND.toFixed(1)} SKUs/s at 100 points/s)`);
const shares = await phase("一括反映 (every code known)", (k) => (k === "base" ? BASE_SECONDS : FIRST_SYNC_CAP));
const lowest = Math.min(...shares.values());
console.log(`\nbudgets: ${KINDS.map((k) => `${k}: ${BUDGET[k].how}`).join("; ")}`);
console.log(`target ≥ 90 % of each budget in the 一括反映: ${lowest >= 0.9 ? "met" : "NOT met"} (lowest ${(lowest * 100).toFixed(1)} %)`);
await cleanup();
process.exit(0);
