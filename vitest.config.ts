import fs from "node:fs";
import path from "node:path";
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-pool-workers";
import { defineConfig } from "vitest/config";
import { connectDevVars } from "./scripts/dev-vars.mjs";

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
            // Amazon's LWA and 連携する against the in-process simulators, with each simulator's own
            // app: the same vars `npm start` hands wrangler dev, on the tests' simulator host.
            ...connectDevVars("https://sim.test"),
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
