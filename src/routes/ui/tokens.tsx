import { type Context, Hono } from "hono";
import { z } from "zod";
import { createApiToken } from "../../db/queries/accounts";
import { operationInsert } from "../../db/queries/logs";
import { listApiTokens, revokeApiToken } from "../../db/queries/tokens";
import { forgetToken, TOKEN_TTL_MS } from "../../lib/auth";
import { notFound } from "../../lib/errors";
import type { UiEnv } from "../../lib/session";
import { TokensPage } from "../../views/tokens-page";
import { field, frame } from "./middleware";

// API tokens: created (the secret shown once, in the answer to the POST itself, never stored),
// listed, revoked. Who may is in the permission table (settings right).

export const tokensPages = new Hono<UiEnv>();

const newToken = z.object({ name: z.string().min(1).max(100), scopes: z.array(z.enum(["read", "write"])).min(1) });

async function page(c: Context<UiEnv>, extra: { created?: string; notice?: string; error?: string } = {}, status: 200 | 400 = 200) {
  const tokens = await listApiTokens(c.get("db"), c.get("session")!.account.id);
  return c.html(<TokensPage frame={frame(c)} tokens={tokens} ttlSeconds={TOKEN_TTL_MS / 1000} {...extra} />, status);
}

tokensPages.get("/tokens", (c) => page(c, { notice: c.req.query("done") ? c.get("t")("tokens.revokedDone") : undefined }));

tokensPages.post("/tokens", async (c) => {
  const s = c.get("session")!;
  const body = await c.req.parseBody({ all: true });
  const scopes = ([] as unknown[]).concat(body.scope ?? []);
  const parsed = newToken.safeParse({ name: await field(c, "name"), scopes: [...new Set(scopes)] });
  if (!parsed.success) return page(c, { error: c.get("t")(parsed.error.issues.some((i) => i.path[0] === "scopes") ? "tokens.needScope" : "error.invalid") }, 400);
  const { id, token } = await createApiToken(c.get("db"), s.account.id, parsed.data.name, parsed.data.scopes);
  await operationInsert(c.get("db"), s.account.id, { actor: `user:${s.user.id}`, action: "token.create", target: parsed.data.name, after: { id, scopes: parsed.data.scopes } });
  return page(c, { created: token });
});

tokensPages.post("/tokens/:id/revoke", async (c) => {
  const s = c.get("session")!;
  const id = Number(c.req.param("id"));
  const row = Number.isSafeInteger(id) ? await revokeApiToken(c.get("db"), s.account.id, id) : undefined;
  if (!row) throw notFound(`no token ${c.req.param("id")}`);
  forgetToken(id);
  await operationInsert(c.get("db"), s.account.id, { actor: `user:${s.user.id}`, action: "token.revoke", target: row.name, after: { id } });
  return c.redirect("/tokens?done=revoked", 303);
});
