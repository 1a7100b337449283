import { createRoute, z } from "@hono/zod-openapi";
import { createAccount, createApiToken, emailTaken, findAccountByOwnerEmail, getAccount, listAccounts } from "../../db/queries/accounts";
import { operationInsert } from "../../db/queries/logs";
import { operatorAuth } from "../../lib/auth";
import { conflict, notFound } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import { createAccountBody, createTokenBody, idParam } from "../../schemas/api";
import { json, jsonBody, OPERATOR_TOKEN, problems } from "./openapi-kit";

export const operatorApi = apiRouter();
operatorApi.use("*", operatorAuth);

const tags = ["operator"];
const security = OPERATOR_TOKEN;
const shownOnce = z.string().describe("The token itself: shown once, stored only as a hash");

const accountSchema = z
  .object({
    id: z.number(),
    name: z.string(),
    plan: z.object({ maxProducts: z.number(), maxShops: z.number() }),
    createdAt: z.string(),
  })
  .openapi("Account");

const createAccountRoute = createRoute({
  method: "post", path: "/accounts", tags, security,
  summary: "Create an account with its owner and a first API token (shown once)",
  request: { body: jsonBody(createAccountBody) },
  responses: { 201: json(z.object({ account: z.object({ id: z.number(), name: z.string() }), apiToken: shownOnce }), "Created"), ...problems(400, 401, 409, 415) },
});

const listAccountsRoute = createRoute({
  method: "get", path: "/accounts", tags, security,
  summary: "The accounts, or the one whose owner has ?email=",
  request: { query: z.object({ email: z.string().max(254).optional() }) },
  responses: { 200: json(z.object({ items: z.array(accountSchema) })), ...problems(400, 401) },
});

const mintTokenRoute = createRoute({
  method: "post", path: "/accounts/{id}/tokens", tags, security,
  summary: "Mint another API token for an account (shown once), e.g. when its owner lost theirs",
  request: { params: z.object({ id: idParam() }), body: jsonBody(createTokenBody) },
  responses: { 201: json(z.object({ id: z.number(), apiToken: shownOnce, scopes: z.array(z.enum(["read", "write"])) }), "Created"), ...problems(400, 401, 404, 415) },
});

operatorApi.openapi(createAccountRoute, async (c) => {
  const body = c.req.valid("json");
  const db = c.get("db");
  if (await emailTaken(db, body.owner.email)) throw conflict(`a user with e-mail ${body.owner.email} already exists`);
  const plan = body.plan ?? { maxProducts: 1000, maxShops: 5 };
  const { account, apiToken } = await createAccount(db, { name: body.name, plan, owner: body.owner });
  await operationInsert(db, account.id, { actor: "operator", action: "account.create", target: account.name, after: { name: body.name, plan } });
  return c.json({ account: { id: account.id, name: account.name }, apiToken }, 201);
});

const accountOut = (a: { id: number; name: string; maxProducts: number; maxShops: number; createdAt: number }) => ({
  id: a.id,
  name: a.name,
  plan: { maxProducts: a.maxProducts, maxShops: a.maxShops },
  createdAt: new Date(a.createdAt).toISOString(),
});

operatorApi.openapi(listAccountsRoute, async (c) => {
  const { email } = c.req.valid("query");
  const db = c.get("db");
  if (email) {
    const found = await findAccountByOwnerEmail(db, email);
    const a = found ? await getAccount(db, found.id) : undefined;
    return c.json({ items: a ? [accountOut(a)] : [] }, 200);
  }
  return c.json({ items: (await listAccounts(db)).map(accountOut) }, 200);
});

operatorApi.openapi(mintTokenRoute, async (c) => {
  const db = c.get("db");
  const id = c.req.valid("param").id;
  const account = await getAccount(db, Number(id));
  if (!account) throw notFound(`account ${id} does not exist`);
  const body = c.req.valid("json");
  const { id: tokenId, token } = await createApiToken(db, account.id, body.name, body.scopes);
  await operationInsert(db, account.id, { actor: "operator", action: "token.create", target: body.name, after: { id: tokenId, scopes: body.scopes } });
  return c.json({ id: tokenId, apiToken: token, scopes: body.scopes }, 201);
});
