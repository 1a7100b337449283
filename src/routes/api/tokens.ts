import { createRoute, z } from "@hono/zod-openapi";
import { operationInsert } from "../../db/queries/logs";
import { listApiTokens, revokeApiToken } from "../../db/queries/tokens";
import { forgetToken, TOKEN_TTL_MS } from "../../lib/auth";
import { notFound } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { idParam } from "../../schemas/api";
import { API_TOKEN, json, noContent, problems } from "./openapi-kit";

// The account's own API tokens: listed without their secrets, revoked by id.

export const tokensApi = apiRouter();

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

const tokenSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    scopes: z.array(z.string()),
    createdAt: z.string(),
    lastUsedAt: z.string().nullable(),
    revokedAt: z.string().nullable(),
  })
  .openapi("ApiToken", { description: "An API token's record; the token itself is shown once when minted and never again" });

const tags = ["tokens"];

const listTokensRoute = createRoute({
  method: "get", path: "/", tags, security: API_TOKEN,
  summary: "The account's API tokens (never their secrets)",
  responses: { 200: json(z.object({ items: z.array(tokenSchema) })), ...problems(401) },
});

const revokeTokenRoute = createRoute({
  method: "delete", path: "/{id}", tags, security: API_TOKEN,
  summary: "Revoke an API token of this account",
  description: `Takes effect at once on the isolate that handles this call; another isolate that looked the token up in the last ${TOKEN_TTL_MS / 1000} s may accept it until then.`,
  request: { params: z.object({ id: idParam() }) },
  responses: { 204: noContent, ...problems(401, 403, 404) },
});

tokensApi.openapi(listTokensRoute, async (c) => {
  const rows = await listApiTokens(c.get("db"), c.get("principal").accountId);
  return c.json({ items: rows.map((t) => ({ ...t, createdAt: iso(t.createdAt)!, lastUsedAt: iso(t.lastUsedAt), revokedAt: iso(t.revokedAt) })) }, 200);
});

tokensApi.openapi(revokeTokenRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const id = Number(c.req.valid("param").id);
  const row = await revokeApiToken(db, accountId, id);
  if (!row) throw notFound(`token ${id} does not exist`);
  forgetToken(id);
  await operationInsert(db, accountId, { actor, action: "token.revoke", target: row.name, after: { id } });
  return c.body(null, 204);
});
