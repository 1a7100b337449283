import { and, eq } from "drizzle-orm";
import { products } from "../../db/schema";
import { productsChanged } from "../../sync/changes";
import { createGroup, getGroup, getGroupByName, listGroups, updateGroup, type Group } from "../../db/queries/groups";
import { operationInsert } from "../../db/queries/logs";
import { conflict, notFound } from "../../lib/errors";
import { apiRouter } from "../../lib/validate";
import * as r from "./groups-routes";

export const groupsApi = apiRouter();

const out = (g: Group) => ({
  id: g.id,
  name: g.name,
  isDefault: g.isDefault,
  reserved: g.reserved,
  ratio: g.ratio,
  salesLimit: g.salesLimit,
  updatedAt: new Date(g.updatedAt).toISOString(),
});

groupsApi.openapi(r.listGroupsRoute, async (c) => {
  const rows = await listGroups(c.get("db"), c.get("principal").accountId);
  return c.json({ items: rows.map(out) }, 200);
});

groupsApi.openapi(r.createGroupRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const body = c.req.valid("json");
  if (await getGroupByName(db, accountId, body.name)) throw conflict(`group ${body.name} already exists`);
  const g = await createGroup(db, accountId, { name: body.name, reserved: body.reserved ?? null, ratio: body.ratio ?? null, salesLimit: body.salesLimit ?? null });
  await operationInsert(db, accountId, { actor, action: "group.create", target: g.name, after: body });
  return c.json(out(g), 201);
});

groupsApi.openapi(r.patchGroupRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  const db = c.get("db");
  const id = c.req.valid("param").id;
  const before = await getGroup(db, accountId, Number(id));
  if (!before) throw notFound(`group ${id} does not exist`);
  const body = c.req.valid("json");
  if (body.name && body.name !== before.name && (await getGroupByName(db, accountId, body.name))) throw conflict(`group ${body.name} already exists`);
  const g = await updateGroup(db, accountId, before.id, body);
  await operationInsert(db, accountId, { actor, action: "group.update", target: g.name, before: out(before), after: body });
  if (body.reserved !== undefined || body.ratio !== undefined || body.salesLimit !== undefined) {
    // 確保在庫 / 在庫比率 / 販売制限 change every figure of the group without a movement.
    const ids = (await db.select({ id: products.id }).from(products).where(and(eq(products.accountId, accountId), eq(products.groupId, g.id))).all()).map((r) => r.id);
    await productsChanged(c.env, db, accountId, ids);
  }
  return c.json(out(g), 200);
});

groupsApi.openapi(r.getGroupRoute, async (c) => {
  const id = c.req.valid("param").id;
  const g = await getGroup(c.get("db"), c.get("principal").accountId, Number(id));
  if (!g) throw notFound(`group ${id} does not exist`);
  return c.json(out(g), 200);
});
