import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { secureHeaders } from "hono/secure-headers";
import type { AppEnv } from "./env";
import { createDb } from "./db/client";
import { apiAuth } from "./lib/auth";
import { AppError, problem } from "./lib/errors";
import { groupsApi } from "./routes/api/groups";
import { logsApi } from "./routes/api/logs";
import { openapiApi } from "./routes/api/openapi";
import { operatorApi } from "./routes/api/operator";
import { productsApi } from "./routes/api/products";
import { salesApi } from "./routes/api/sales";
import { shopsApi } from "./routes/api/shops";
import { syncFailuresApi } from "./routes/api/sync-failures";
import { syncInvariantsApi } from "./routes/api/sync-invariants";
import { homePage } from "./routes/ui/home";

export const app = new Hono<AppEnv>();

app.use("*", secureHeaders());
app.use("*", async (c, next) => {
  c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
  c.set("db", createDb(c.env.DB));
  await next();
});

// The one error funnel: AppError → problem+json; anything else is logged with its request id.
app.onError((err, c) => {
  if (err instanceof AppError) return problem(c, err.status, err.title, err.detail, err.extra);
  if (err instanceof HTTPException && err.status < 500) return problem(c, err.status, "Invalid request", err.message || "invalid request");
  const requestId = c.get("requestId");
  console.error(JSON.stringify({ msg: "unhandled error", requestId, path: c.req.path, error: err instanceof Error ? err.stack ?? err.message : String(err) }));
  return problem(c, 500, "Internal Server Error", `Something went wrong; quote request id ${requestId} when reporting it.`, { requestId });
});
app.notFound((c) => (c.req.path.startsWith("/api/") ? problem(c, 404, "Not Found", `no route for ${c.req.method} ${c.req.path}`) : c.text("Not Found", 404)));

const api = new Hono<AppEnv>();
api.route("/operator", operatorApi);
api.route("/", openapiApi);
api.use("/products/*", apiAuth);
api.use("/sales/*", apiAuth);
api.use("/groups/*", apiAuth);
api.use("/logs/*", apiAuth);
api.use("/shops/*", apiAuth);
api.use("/sync/*", apiAuth);
api.route("/products", productsApi);
api.route("/sales", salesApi);
api.route("/groups", groupsApi);
api.route("/logs", logsApi);
api.route("/shops", shopsApi);
api.route("/sync/failures", syncFailuresApi);
api.route("/sync/invariants", syncInvariantsApi);
app.route("/api/v1", api);

app.route("/", homePage);
