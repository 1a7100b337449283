// Creates .dev.vars with fresh random secrets when it is missing (never overwrites one).
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";

export function ensureDevVars(path = ".dev.vars") {
  if (!existsSync(path)) {
    const lines = [
      "# Local secrets for `npm start` (generated; never commit this file).",
      `CREDENTIALS_KEY=${randomBytes(32).toString("base64")}`,
      `OPERATOR_TOKEN=op_${randomBytes(24).toString("base64url")}`,
      `SESSION_SECRET=${randomBytes(32).toString("base64url")}`,
      "",
    ];
    writeFileSync(path, lines.join("\n"), { mode: 0o600 });
    console.log(`Created ${path} with fresh secrets.`);
  }
  const vars = {};
  for (const line of readFileSync(path, "utf8").split("\n")) {
    const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line.trim());
    if (m) vars[m[1]] = m[2];
  }
  return vars;
}
