import { defineConfig } from "drizzle-kit";

// drizzle-kit writes SQL into migrations/; wrangler applies it (locally by `npm start`,
// remotely by `wrangler d1 migrations apply kura --remote`, in tests by applyD1Migrations).
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/db/schema.ts",
  out: "./migrations",
  casing: "snake_case",
});
