import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { createAccount, createApiToken, emailTaken, findAccountByOwnerEmail, getAccount, listAccounts } from "../../db/queries/accounts";
import { operationInsert } from "../../db/queries/logs";
import { operatorAuth } from "../../lib/auth";
import { conflict, notFound } from "../../lib/errors";
import { validate } from "../../lib/validate";
import { createAccountBody, createTokenBody } from "../../schemas/api";

export const operatorApi = new Hono<AppEnv>();
operatorApi.use("*", operatorAuth);

operatorApi.post("/accounts", validate("json", createAccountBody), async (c) => {
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

operatorApi.get("/accounts", async (c) => {
  const email = c.req.query("email");
  const db = c.get("db");
  if (email) {
    const found = await findAccountByOwnerEmail(db, email);
    const a = found ? await getAccount(db, found.id) : undefined;
    return c.json({ items: a ? [accountOut(a)] : [] });
  }
  return c.json({ items: (await listAccounts(db)).map(accountOut) });
});

// A new API token for an account (e.g. when its owner lost theirs); shown once.
operatorApi.post("/accounts/:id{[0-9]+}/tokens", validate("json", createTokenBody), async (c) => {
  const db = c.get("db");
  const account = await getAccount(db, Number(c.req.param("id")));
  if (!account) throw notFound(`account ${c.req.param("id")} does not exist`);
  const body = c.req.valid("json");
  const { id, token } = await createApiToken(db, account.id, body.name, body.scopes);
  await operationInsert(db, account.id, { actor: "operator", action: "token.create", target: body.name, after: { id, scopes: body.scopes } });
  return c.json({ id, apiToken: token, scopes: body.scopes }, 201);
});
