import { and, eq } from "drizzle-orm";
import { products } from "../../db/schema";
import { productsChanged } from "../../sync/changes";
import { createGroup, getGroup, getGroupByName, listGroups, updateGroup, type Group } from "../../db/queries/groups";
import { operationInsert } from "../../db/queries/logs";
import { conflict, notFound } from "../../lib/errors";
import type { Db } from "../../env";
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
  return c.json(out(await addGroup(c.get("db"), accountId, actor, c.req.valid("json"))), 201);
});

groupsApi.openapi(r.patchGroupRoute, async (c) => {
  const { accountId, actor } = c.get("principal");
  return c.json(out(await changeGroup(c.env, c.get("db"), accountId, actor, Number(c.req.valid("param").id), c.req.valid("json"))), 200);
});

type GroupRules = Partial<Pick<Group, "reserved" | "ratio" | "salesLimit">>;

/** A new product group (names are unique per account), logged. The API and the 商品グループ page share it. */
export async function addGroup(db: Db, accountId: number, actor: string, body: { name: string } & GroupRules) {
  if (await getGroupByName(db, accountId, body.name)) throw conflict(`group ${body.name} already exists`);
  const g = await createGroup(db, accountId, { name: body.name, reserved: body.reserved ?? null, ratio: body.ratio ?? null, salesLimit: body.salesLimit ?? null });
  await operationInsert(db, accountId, { actor, action: "group.create", target: g.name, after: body });
  return g;
}

/** Changes exactly the fields given; a changed rule marks every product of the group dirty. */
export async function changeGroup(env: Env, db: Db, accountId: number, actor: string, id: number, body: { name?: string } & GroupRules) {
  const before = await getGroup(db, accountId, id);
  if (!before) throw notFound(`group ${id} does not exist`);
  if (body.name && body.name !== before.name && (await getGroupByName(db, accountId, body.name))) throw conflict(`group ${body.name} already exists`);
  const g = await updateGroup(db, accountId, before.id, body);
  await operationInsert(db, accountId, { actor, action: "group.update", target: g.name, before: out(before), after: body });
  if (body.reserved !== undefined || body.ratio !== undefined || body.salesLimit !== undefined) {
    // 確保在庫 / 在庫比率 / 販売制限 change every figure of the group without a movement.
    const ids = (await db.select({ id: products.id }).from(products).where(and(eq(products.accountId, accountId), eq(products.groupId, g.id))).all()).map((r) => r.id);
    await productsChanged(env, db, accountId, ids);
  }
  return g;
}

groupsApi.openapi(r.getGroupRoute, async (c) => {
  const id = c.req.valid("param").id;
  const g = await getGroup(c.get("db"), c.get("principal").accountId, Number(id));
  if (!g) throw notFound(`group ${id} does not exist`);
  return c.json(out(g), 200);
});
