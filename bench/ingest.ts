// Sale-intake benchmark. Run against `npm start` (http://127.0.0.1:8787):
//   npm run bench:ingest            (or: npx tsx bench/ingest.ts [singleRequests] [batchRequests])
// It creates its own account through the operator API, sends sales into ONE product group, and
// prints lines/s and latency percentiles, then checks that the final stock is exact.
import { readFileSync } from "node:fs";
import http from "node:http";

const BASE = process.env.KURA_URL ?? "http://127.0.0.1:8787";
const SINGLE_REQUESTS = Number(process.argv[2] ?? 4000);
const BATCH_REQUESTS = Number(process.argv[3] ?? 600);
const SINGLE_CONCURRENCY = 32;
const BATCH_CONCURRENCY = 8;
const BATCH_LINES = 50;

function operatorToken(): string {
  if (process.env.OPERATOR_TOKEN) return process.env.OPERATOR_TOKEN;
  const m = /^OPERATOR_TOKEN=(.*)$/m.exec(readFileSync(".dev.vars", "utf8"));
  if (!m) throw new Error("OPERATOR_TOKEN not found in .dev.vars (run `npm start` first)");
  return m[1];
}

// A plain keep-alive HTTP client: the load generator shares the machine's 2 cores with the
// server, so it should spend as little CPU as it can (node:http costs less than fetch here).
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const target = new URL(BASE);

function request(method: string, path: string, headers: Record<string, string>, payload?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: target.hostname, port: target.port, method, path, agent, headers: { ...headers, ...(payload ? { "content-length": Buffer.byteLength(payload) } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

async function call(token: string, method: string, path: string, body?: unknown) {
  const res = await request(method, `/api/v1${path}`, { authorization: `Bearer ${token}`, "content-type": "application/json" }, body === undefined ? undefined : JSON.stringify(body));
  let json: any = null;
  try {
    json = JSON.parse(res.text);
  } catch {}
  if (res.status >= 300) throw new Error(`${method} ${path} → ${res.status} ${JSON.stringify(json)}`);
  return json;
}

function percentile(sorted: number[], p: number) {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function run(label: string, requests: number, concurrency: number, linesPer: number, send: (i: number) => Promise<void>) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests) {
        const i = next++;
        const s = performance.now();
        await send(i);
        latencies.push(performance.now() - s);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  const lines = requests * linesPer;
  console.log(
    `${label.padEnd(44)} ${String(lines).padStart(6)} lines in ${seconds.toFixed(2)} s → ${(lines / seconds).toFixed(0).padStart(6)} lines/s, ` +
      `${(requests / seconds).toFixed(0)} req/s, p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms`,
  );
  return { lines, seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const op = operatorToken();
const stamp = Date.now();
const account = await call(op, "POST", "/operator/accounts", {
  name: `bench-${stamp}`,
  plan: { maxProducts: 100, maxShops: 1 },
  owner: { email: `bench-${stamp}@kura.example`, password: "bench-password-123" },
});
const token: string = account.apiToken;
const START = 9_000_000;
await call(token, "POST", "/products", { masterCode: "BENCH-1", name: "bench", onHand: START });

// Warm-up (not counted in the figures, counted in the stock check).
for (let i = 0; i < 20; i++) await call(token, "POST", "/sales", { source: "bench", orderId: `warm-${i}`, lines: [{ lineId: "1", code: "BENCH-1", quantity: 1 }] });

// The floor of this machine's local stack: a request that touches nothing (wrangler dev's proxy,
// workerd and this client share the same 2 cores), so the sale figures can be read against it.
await run(`baseline: GET openapi.json, concurrency ${SINGLE_CONCURRENCY}`, 2000, SINGLE_CONCURRENCY, 1, async () => {
  await request("GET", "/api/v1/openapi.json", {});
});
const single = await run(`single-line, concurrency ${SINGLE_CONCURRENCY}`, SINGLE_REQUESTS, SINGLE_CONCURRENCY, 1, async (i) => {
  await call(token, "POST", "/sales", { source: "bench", orderId: `s-${i}`, lines: [{ lineId: "1", code: "BENCH-1", quantity: 1 }] });
});
const batched = await run(`batched ×${BATCH_LINES}, concurrency ${BATCH_CONCURRENCY}`, BATCH_REQUESTS, BATCH_CONCURRENCY, BATCH_LINES, async (i) => {
  const lines = Array.from({ length: BATCH_LINES }, (_, j) => ({ lineId: String(j), code: "BENCH-1", quantity: 1 }));
  await call(token, "POST", "/sales", { source: "bench", orderId: `b-${i}`, lines });
});

const expected = START - 20 - single.lines - batched.lines;
const got = (await call(token, "GET", "/products/BENCH-1")).onHand;
console.log(`final stock: ${got} (expected ${expected}) → ${got === expected ? "exact" : "MISMATCH"}`);
const targets = [
  [`single-line ≥ 500 lines/s`, single.lines / single.seconds >= 500],
  [`batched ≥ 10,000 lines/s`, batched.lines / batched.seconds >= 10_000],
  [`single-line p99 < 150 ms`, single.p99 < 150],
] as const;
for (const [name, ok] of targets) console.log(`${ok ? "✓" : "✗"} ${name}`);
if (got !== expected) process.exit(1);
