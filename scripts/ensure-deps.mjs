// Installs dependencies when node_modules is missing or was installed from another
// package-lock.json, so a fresh clone needs nothing but `npm start` or `npm test`.
// The check is by content (a hash of the lock file kept in node_modules), not by modification
// time: a checkout or a second git worktree touches the lock file without changing it, and an
// `npm ci` it set off would empty a node_modules that other processes are using.
import { execSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

const stamp = "node_modules/.kura-deps";
const want = createHash("sha256").update(readFileSync("package-lock.json")).digest("hex");
const have = existsSync(stamp) ? readFileSync(stamp, "utf8").trim() : null;
if (have !== want || !existsSync("node_modules/.package-lock.json")) {
  console.log("Installing dependencies (npm ci)…");
  execSync("npm ci --no-audit --no-fund", { stdio: "inherit" });
  writeFileSync(stamp, `${want}\n`);
}
