import fs from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";

// Tests run inside workerd with real local D1, Durable Objects and Queues (storage is isolated
// per test file). Secrets are fixed test values here; `npm start` generates real ones.
export default defineConfig(async () => {
  const migrations = await readD1Migrations(path.join(__dirname, "migrations"));
  // The platforms' own machine-readable specs, vendored under test/fixtures/specs (see its
  // README for sources and licences), are handed to the tests as bindings: workerd cannot read
  // the host's files.
  const specs = path.join(__dirname, "test", "fixtures", "specs");
  const amazon = (f: string) => JSON.parse(fs.readFileSync(path.join(specs, "amazon", f), "utf8"));
  // The synthetic order mails of test/fixtures/mail (written by `npm run mail:fixtures`), raw
  // bytes as base64 by file name: Shift_JIS and ISO-2022-JP bodies must reach the tests unchanged.
  const mailDir = path.join(__dirname, "test", "fixtures", "mail");
  const mailFixtures = Object.fromEntries(
    fs.readdirSync(mailDir).filter((f) => f.endsWith(".eml")).map((f) => [f, fs.readFileSync(path.join(mailDir, f)).toString("base64")]),
  );
  return {
    plugins: [
      cloudflareTest({
        wrangler: { configPath: "./wrangler.toml" },
        miniflare: {
          bindings: {
            TEST_MIGRATIONS: migrations,
            SPEC_SHOPIFY_ADMIN_GZ_B64: fs
              .readFileSync(path.join(specs, "shopify", "admin_2026-07.json.gz"))
              .toString("base64"),
            SPEC_AMAZON: {
              listingsItems: amazon("listingsItems_2021-08-01.json"),
              feeds: amazon("feeds_2021-06-30.json"),
              listingsFeedSchema: amazon("listings-feed-schema-v2.json"),
              ordersV0: amazon("ordersV0.json"),
              orders2026: amazon("orders_2026-01-01.json"),
            },
            MAIL_FIXTURES: mailFixtures,
            OPERATOR_TOKEN: "test-operator-token-0123456789abcdef",
            // 32 bytes, base64: a test-only AES-256 key.
            CREDENTIALS_KEY: "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=",
            SESSION_SECRET: "test-session-secret-0123456789abcdef",
            AMAZON_LWA_URL: "https://sim.test/amazon/auth/o2/token", // LWA of the in-process Amazon simulator
            // 連携する against the in-process simulators, with each simulator's own app.
            SHOPIFY_OAUTH_URL: "https://sim.test/shopify/admin/oauth",
            BASE_OAUTH_URL: "https://sim.test/base/1/oauth",
            YAHOO_OAUTH_URL: "https://sim.test/yahoo/yconnect/v2",
            AMAZON_CONSENT_URL: "https://sim.test/amazon/apps/authorize/consent",
            CONNECT_SHOP_BASE_URL: "https://sim.test/{kind}",
            SHOPIFY_APP_CLIENT_ID: "kura-sim-client-id",
            SHOPIFY_APP_CLIENT_SECRET: "kura-sim-client-secret-0123456789",
            BASE_APP_CLIENT_ID: "kura-demo-base-client",
            BASE_APP_CLIENT_SECRET: "kura-demo-base-secret",
            YAHOO_APP_CLIENT_ID: "dj00aiZpPWt1cmEtZGVtbyZzPWNvbnN1bWVyc2VjcmV0Jng9OTk-",
            YAHOO_APP_CLIENT_SECRET: "kura-demo-client-secret",
            AMAZON_SPAPI_APP_ID: "amzn1.sp.solution.kura-demo-0000-0000-0000-000000000000",
            AMAZON_LWA_CLIENT_ID: "amzn1.application-oa2-client.0kurademo0000000000000000000000",
            AMAZON_LWA_CLIENT_SECRET: "amzn1.oa2-cs.v1.kura-demo-client-secret-000000000000000000",
          },
          compatibilityFlags: ["service_binding_extra_handlers"],
          queueConsumers: {
            "kura-pull": { maxBatchTimeout: 0.05 },
            "kura-push": { maxBatchTimeout: 0.05 },
          },
        },
      }),
    ],
    test: {
      setupFiles: ["./test/setup/apply-migrations.ts"],
      include: ["test/**/*.test.ts", "test/**/*.test.tsx"],
      exclude: ["test/e2e/**"],
      // Most of a test's time is spent waiting for simulated malls' rate budgets, not on the CPU:
      // three files at a time on a 2-core box halves the run (one at a time took ~15 min).
      maxWorkers: 3,
      testTimeout: 30_000,
      hookTimeout: 30_000,
    },
  };
});
