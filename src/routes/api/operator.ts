import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { createAccount, emailTaken } from "../../db/queries/accounts";
import { operationInsert } from "../../db/queries/logs";
import { operatorAuth } from "../../lib/auth";
import { conflict } from "../../lib/errors";
import { validate } from "../../lib/validate";
import { createAccountBody } from "../../schemas/api";

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
