// `npm start`: everything a newcomer needs, offline. Installs what is missing, creates .dev.vars,
// applies the local D1 migrations, starts the mall simulator and `wrangler dev` (local D1, Durable
// Objects and Queues), seeds the demo account and keeps demo orders flowing.
import { execSync, spawn } from "node:child_process";
import { connectDevVars, ensureDevVars } from "./dev-vars.mjs";

execSync("node scripts/ensure-deps.mjs", { stdio: "inherit" });
const { seedDemo, seedShops, seedMailShop, seedStaff, DEMO_EMAIL, DEMO_PASSWORD } = await import("./seed.mjs");
const { startDemoTraffic } = await import("./demo-traffic.mjs");

const PORT = Number(process.env.PORT ?? 8787);
const SIM_PORT = Number(process.env.SIM_PORT ?? 8790);
const BASE = `http://127.0.0.1:${PORT}`;
const vars = ensureDevVars();
// Never reach for the network: no Request.cf download, no metrics, no update check.
const env = {
  ...process.env,
  CLOUDFLARE_CF_FETCH_ENABLED: "false",
  WRANGLER_SEND_METRICS: "false",
  NO_UPDATE_NOTIFIER: "1",
  CI: process.env.CI ?? "",
};

console.log("Applying local D1 migrations…");
execSync("npx wrangler d1 migrations apply kura --local", { stdio: ["ignore", "inherit", "inherit"], env });

// Each child runs in a process group of its own (detached), and stopping signals the whole group:
// `npx` passes nothing on, so a SIGTERM to npx alone left wrangler, workerd and the simulator
// running (and holding their ports) whenever npm start was stopped by anything but a terminal's
// Ctrl-C, which happens to reach the whole foreground group.
const children = [];
let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  for (const c of children) {
    try {
      process.kill(-c.pid, "SIGTERM");
    } catch {
      // already gone
    }
  }
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);

children.push(spawn("npx", ["tsx", "sim/server.ts"], { env: { ...env, SIM_PORT: String(SIM_PORT) }, stdio: ["ignore", "inherit", "inherit"], detached: true }));
const dev = spawn(
  "npx",
  ["wrangler", "dev", "--local", "--log-level", process.env.KURA_LOG_LEVEL ?? "info", "--ip", "127.0.0.1", "--port", String(PORT), "--test-scheduled", "--show-interactive-dev-session=false", ...Object.entries(connectDevVars(`http://127.0.0.1:${SIM_PORT}`)).flatMap(([k, v]) => ["--var", `${k}:${v}`])],
  { env, stdio: ["ignore", "inherit", "inherit"], detached: true },
);
children.push(dev);
dev.on("exit", (code) => {
  console.error(`wrangler dev exited (${code})`);
  stop();
});

async function waitFor(url, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {}
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not answer within ${seconds} s`);
}

await waitFor(`${BASE}/api/v1/openapi.json`, 90);
await waitFor(`http://127.0.0.1:${SIM_PORT}/`, 30);
const SIM = `http://127.0.0.1:${SIM_PORT}`;
const demo = await seedDemo(BASE, vars.OPERATOR_TOKEN);
const shops = [...(await seedShops(BASE, demo.token, SIM)), await seedMailShop(BASE, demo.token)];
const staff = await seedStaff(BASE);
startDemoTraffic({ base: BASE, token: demo.token, simBaseUrl: SIM, shops });
const shopLines = shops
  .map((s) => (s.intake === "mail" ? `    メール取込み    ${s.name} (${s.kind}) ← ${s.inboundEmail}` : `    ${s.test.ok ? "接続テスト OK" : "接続テスト NG"}  ${s.name} (${s.kind}, ${s.via})${s.test.ok ? "" : ` — ${s.test.reason}`}`))
  .join("\n");

console.log(`
  ┌──────────────────────────────────────────────────────────────┐
    Kura 蔵 is running:      ${BASE}
    API (OpenAPI):           ${BASE}/api/v1/openapi.json
    Mall simulator:          http://127.0.0.1:${SIM_PORT}
    Dashboard:               ${BASE}/login
    Demo login (owner):      ${DEMO_EMAIL} / ${DEMO_PASSWORD}
${staff.map((s) => `    Demo login (${s.role}):${" ".repeat(11 - s.role.length)}${s.email} / ${s.password}`).join("\n")}
    Demo API token:          ${demo.token}
    Operator token:          ${vars.OPERATOR_TOKEN}
    Demo shops (on the simulator):
${shopLines}
    Orders arrive on the simulated malls every few seconds (the Qoo10 shop's
    as order mails to ${BASE}/cdn-cgi/handler/email); Kura takes them
    in and pushes stock back on each scheduled run. \`touch .demo-paused\`
    pauses the orders (rm it to resume). Ctrl-C stops everything.
  └──────────────────────────────────────────────────────────────┘
`);
