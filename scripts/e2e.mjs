// `npm run test:e2e`: starts a real `npm start` (mall simulator, wrangler dev, demo seed), waits for
// its banner, runs the browser tests in test/e2e against it with Debian's Chromium, and stops it.
// With KURA_BASE set, it runs the tests against that running instance instead.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { createConnection } from "node:net";

const PORT = Number(process.env.PORT ?? 8787);
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing: install Debian's chromium package (apt-get install chromium fonts-noto-cjk).`);
  process.exit(1);
}

const busy = (port) =>
  new Promise((resolve) => {
    const s = createConnection({ port, host: "127.0.0.1" }, () => (s.destroy(), resolve(true)));
    s.on("error", () => resolve(false));
  });

let base = process.env.KURA_BASE;
let kura;
const stop = () => {
  // The whole process group: npm, start.mjs, the simulator, wrangler and workerd.
  if (kura) {
    try {
      process.kill(-kura.pid, "SIGTERM");
    } catch {}
  }
};
if (!base) {
  // One `npm start` per machine (fixed ports): wait for another run to finish rather than collide.
  // Free for three checks in a row: another run restarting frees its ports for a moment only.
  const free = async () => {
    for (let i = 0; i < 3; i++) {
      if ((await busy(PORT)) || (await busy(8790))) return false;
      await new Promise((r) => setTimeout(r, 2_000));
    }
    return true;
  };
  for (let waited = 0; !(await free()); waited += 10) {
    if (waited >= 600) {
      console.error(`ports ${PORT}/8790 are still in use after 10 minutes; stop the other npm start or set KURA_BASE`);
      process.exit(1);
    }
    console.log(`ports ${PORT}/8790 are in use; waiting…`);
    await new Promise((r) => setTimeout(r, 10_000));
  }
  base = `http://127.0.0.1:${PORT}`;
  kura = spawn("npm", ["start"], { detached: true, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, KURA_LOG_LEVEL: "warn" } });
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error("npm start printed no banner within 4 minutes")), 240_000);
    let out = "";
    kura.stdout.on("data", (chunk) => {
      out += chunk;
      process.stdout.write(chunk);
      if (out.includes("Ctrl-C stops everything")) (clearTimeout(timer), resolve());
    });
    kura.on("exit", (code) => reject(new Error(`npm start exited (${code}) before it was ready`)));
  }).catch((err) => {
    console.error(err.message);
    stop();
    process.exit(1);
  });
}

process.on("SIGINT", () => (stop(), process.exit(130)));

// Node 20's runner finds only .js test files in a folder: name the TypeScript ones.
const files = readdirSync("test/e2e").filter((f) => f.endsWith(".test.ts")).map((f) => `test/e2e/${f}`);
const run = spawnSync(process.execPath, ["--import", "tsx", "--test", "--test-concurrency=1", ...process.argv.slice(2), ...files], {
  stdio: "inherit",
  env: { ...process.env, KURA_BASE: base, CHROMIUM_PATH: CHROMIUM },
});
stop();
process.exit(run.status ?? 1);
