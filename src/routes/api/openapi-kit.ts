import type { z } from "@hono/zod-openapi";
import { problemOut } from "../../schemas/api";

// Small builders for createRoute definitions, so each route states only what is its own.

const PROBLEM_TEXT = {
  400: "Invalid request: `detail` and `issues` name each bad field",
  401: "No valid bearer token",
  403: "Not allowed (scope or plan)",
  404: "No such resource in this account",
  409: "Conflicts with the current state",
  415: "The body must be application/json",
  502: "The mall answered with an error",
  503: "The mall asked to wait (rate limit); see retryAfterSec",
} as const;
type ProblemStatus = keyof typeof PROBLEM_TEXT;

const problem = <S extends ProblemStatus>(status: S) => ({
  description: PROBLEM_TEXT[status],
  content: { "application/problem+json": { schema: problemOut } },
});

/** Problem responses by status; 401 is added to every authenticated route by `authed`. */
export function problems<const S extends ProblemStatus[]>(...statuses: S) {
  return Object.fromEntries(statuses.map((s) => [s, problem(s)])) as { [K in S[number]]: ReturnType<typeof problem<K>> };
}

export const json = <T extends z.ZodType>(schema: T, description = "OK") => ({
  description,
  content: { "application/json": { schema } },
});

/** A required JSON body; any other content type is answered 415 by OpenAPIHono. */
export const jsonBody = <T extends z.ZodType>(schema: T) => ({
  required: true,
  content: { "application/json": { schema } },
});

export const noContent = { description: "Done; no body" } as const;

export const API_TOKEN = [{ apiToken: [] }];
export const OPERATOR_TOKEN = [{ operatorToken: [] }];
