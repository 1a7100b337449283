import path from "node:path";
import { defineConfig } from "vitest/config";
import base from "../../vitest.config";

// Benchmarks that need no running server: the test pool's workerd, its local D1 and Durable
// Objects, and the app called in-process (`npm run bench:csv-export`). Not part of `npm test`.
export default defineConfig(async (env) => {
  const config = await (base as unknown as (e: typeof env) => Promise<Record<string, any>>)(env);
  return {
    ...config,
    root: path.join(__dirname, "..", ".."),
    test: { ...config.test, include: ["bench/workerd/**/*.bench.ts"], exclude: [], testTimeout: 600_000, hookTimeout: 600_000, maxWorkers: 1 },
  };
});
