import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./env";
import { createDb } from "./db/client";
import { AppError, problem } from "./lib/errors";
import { securityHeaders } from "./lib/secure-headers";
import { docsPage } from "./routes/api/docs";
import { api } from "./routes/api/index";
import { dashboard } from "./routes/ui/index";
import { shopifyWebhooks } from "./routes/webhooks/shopify";

export const app = new Hono<AppEnv>();

app.use("*", securityHeaders);
app.use("*", async (c, next) => {
  c.set("requestId", c.req.header("cf-ray") ?? crypto.randomUUID());
  c.set("db", createDb(c.env.DB));
  await next();
});
// API answers carry tokens and account data: no cache may keep any of them, errors included.
app.use("/api/*", async (c, next) => {
  await next();
  c.res.headers.set("Cache-Control", "no-store");
});

// The one error funnel: AppError → problem+json; anything else is logged with its request id.
app.onError((err, c) => {
  if (err instanceof AppError) return problem(c, err.status, err.title, err.detail, err.extra);
  // OpenAPIHono refuses a body in a content type the route does not declare.
  if (err instanceof HTTPException && err.status === 415) {
    return problem(c, 415, "Unsupported Media Type", `the body must be application/json, not ${c.req.header("content-type") ?? "(none)"}`);
  }
  if (err instanceof HTTPException && err.status < 500) return problem(c, err.status, "Invalid request", err.message || "invalid request");
  const requestId = c.get("requestId");
  console.error(JSON.stringify({ msg: "unhandled error", requestId, path: c.req.path, error: err instanceof Error ? err.stack ?? err.message : String(err) }));
  return problem(c, 500, "Internal Server Error", `Something went wrong; quote request id ${requestId} when reporting it.`, { requestId });
});
app.notFound((c) => (c.req.path.startsWith("/api/") || c.req.path.startsWith("/webhooks/") ? problem(c, 404, "Not Found", `no route for ${c.req.method} ${c.req.path}`) : c.text("Not Found", 404)));

app.route("/api/v1", api);
// Before the dashboard: its same-origin check would refuse a mall's POST.
app.route("/webhooks/shopify", shopifyWebhooks);
app.route("/api", docsPage);
app.route("/", dashboard);
