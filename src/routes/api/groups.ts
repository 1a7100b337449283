import { Hono } from "hono";
import type { AppEnv } from "../../env";
import { createGroup, getGroup, getGroupByName, listGroups, updateGroup, type Group } from "../../db/queries/groups";
import { operationInsert } from "../../db/queries/logs";
import { conflict, notFound } from "../../lib/errors";
import { validate } from "../../lib/validate";
import { groupBody, patchGroupBody } from "../../schemas/api";

export const groupsApi = new Hono<AppEnv>();

const out = (g: Group) => ({
  id: g.id,
  name: g.name,
  isDefault: g.isDefault,
  reserved: g.reserved,
  ratio: g.ratio,
  salesLimit: g.salesLimit,
  updatedAt: new Date(g.updatedAt).toISOString(),
});

groupsApi.get("/", async (c) => {
  const rows = await listGroups(c.get("db"), c.get("principal").accountId);
  return c.json({ items: rows.map(out) });
});

groupsApi.post("/", validate("json", groupBody), async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const body = c.req.valid("json");
  if (await getGroupByName(db, accountId, body.name)) throw conflict(`group ${body.name} already exists`);
  const g = await createGroup(db, accountId, { name: body.name, reserved: body.reserved ?? null, ratio: body.ratio ?? null, salesLimit: body.salesLimit ?? null });
  await operationInsert(db, accountId, { actor, action: "group.create", target: g.name, after: body });
  return c.json(out(g), 201);
});

groupsApi.patch("/:id{[0-9]+}", validate("json", patchGroupBody), async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const before = await getGroup(db, accountId, Number(c.req.param("id")));
  if (!before) throw notFound(`group ${c.req.param("id")} does not exist`);
  const body = c.req.valid("json");
  if (body.name && body.name !== before.name && (await getGroupByName(db, accountId, body.name))) throw conflict(`group ${body.name} already exists`);
  const g = await updateGroup(db, accountId, before.id, body);
  await operationInsert(db, accountId, { actor, action: "group.update", target: g.name, before: out(before), after: body });
  return c.json(out(g));
});

groupsApi.get("/:id{[0-9]+}", async (c) => {
  const g = await getGroup(c.get("db"), c.get("principal").accountId, Number(c.req.param("id")));
  if (!g) throw notFound(`group ${c.req.param("id")} does not exist`);
  return c.json(out(g));
});
