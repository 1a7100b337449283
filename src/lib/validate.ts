import { type Hook, OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../env";
import { AppError, notFound } from "./errors";

/**
 * The validation hook every API route shares (OpenAPIHono's defaultHook): a bad body or query is
 * a 400 problem naming each bad field; a path parameter that cannot name anything is a 404, as
 * an unknown id is.
 */
export const validationHook: Hook<unknown, AppEnv, string, undefined> = (result, c) => {
  if (result.success) return;
  if (result.target === "param") throw notFound(`nothing at ${c.req.path}`);
  const issues = result.error.issues.map((i) => ({ path: i.path.join("."), message: i.message }));
  const detail = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join("; ");
  throw new AppError(400, "Invalid request", detail || "invalid input", { issues });
};

/** A router whose routes are declared with createRoute, so the OpenAPI document is derived from them. */
export function apiRouter() {
  return new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
}
