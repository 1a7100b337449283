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

/**
 * 連携する in `npm start`: each mall's authorize and token endpoints on the local simulator, and the
 * simulator's own apps as the deployment's apps (the sim's demo client ids and secrets, not real
 * ones). Passed to wrangler dev as --var, so an existing .dev.vars needs no edit; a real
 * deployment sets the secrets with `wrangler secret put` (README "連携する").
 */
export function connectDevVars(sim) {
  return {
    AMAZON_LWA_URL: `${sim}/amazon/auth/o2/token`,
    SHOPIFY_OAUTH_URL: `${sim}/shopify/admin/oauth`,
    BASE_OAUTH_URL: `${sim}/base/1/oauth`,
    YAHOO_OAUTH_URL: `${sim}/yahoo/yconnect/v2`,
    AMAZON_CONSENT_URL: `${sim}/amazon/apps/authorize/consent`,
    CONNECT_SHOP_BASE_URL: `${sim}/{kind}`,
    SHOPIFY_APP_CLIENT_ID: "kura-sim-client-id",
    SHOPIFY_APP_CLIENT_SECRET: "kura-sim-client-secret-0123456789",
    BASE_APP_CLIENT_ID: "kura-demo-base-client",
    BASE_APP_CLIENT_SECRET: "kura-demo-base-secret",
    YAHOO_APP_CLIENT_ID: "dj00aiZpPWt1cmEtZGVtbyZzPWNvbnN1bWVyc2VjcmV0Jng9OTk-",
    YAHOO_APP_CLIENT_SECRET: "kura-demo-client-secret",
    AMAZON_SPAPI_APP_ID: "amzn1.sp.solution.kura-demo-0000-0000-0000-000000000000",
    AMAZON_LWA_CLIENT_ID: "amzn1.application-oa2-client.0kurademo0000000000000000000000",
    AMAZON_LWA_CLIENT_SECRET: "amzn1.oa2-cs.v1.kura-demo-client-secret-000000000000000000",
  };
}
