import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

// One error funnel (STYLE §9): routes throw AppError; the app turns it into
// application/problem+json under /api (RFC 9457) and into a Japanese page in the dashboard.

export class AppError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly title: string,
    readonly detail: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail);
    this.name = "AppError";
  }
}

export const badRequest = (detail: string, extra?: Record<string, unknown>) =>
  new AppError(400, "Bad Request", detail, extra);
export const unauthorized = (detail = "A valid bearer token is required.") =>
  new AppError(401, "Unauthorized", detail);
export const forbidden = (detail: string) => new AppError(403, "Forbidden", detail);
export const notFound = (detail: string) => new AppError(404, "Not Found", detail);
export const conflict = (detail: string, extra?: Record<string, unknown>) =>
  new AppError(409, "Conflict", detail, extra);
export const unavailable = (detail: string) => new AppError(503, "Service Unavailable", detail);

export function problem(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  detail: string,
  extra: Record<string, unknown> = {},
) {
  return c.body(JSON.stringify({ type: "about:blank", title, status, detail, ...extra }), status, {
    "content-type": "application/problem+json; charset=utf-8",
  });
}
