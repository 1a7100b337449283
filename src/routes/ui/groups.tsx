import { type Context, Hono } from "hono";
import { getGroup, listGroups, productCountsByGroup } from "../../db/queries/groups";
import { getProductByCode, listProducts } from "../../db/queries/products";
import { AppError, notFound } from "../../lib/errors";
import type { MessageKey } from "../../lib/i18n";
import { can } from "../../lib/permissions";
import type { UiEnv } from "../../lib/session";
import { updateProduct } from "../../stock/catalog";
import type { FieldErrors } from "../../views/form-field";
import { GroupPage, GroupsPage } from "../../views/groups-page";
import { addGroup, changeGroup } from "../api/groups";
import { frame } from "./middleware";

// 商品グループ: the groups with 確保在庫 / 在庫比率 / 販売制限, create and edit them (through the
// API's addGroup / changeGroup, which mark the group's products dirty), and move a product into
// a group by its master code (the catalog's updateProduct, which moves a set with its family).

export const groupsPages = new Hono<UiEnv>();

const actor = (c: Context<UiEnv>) => `user:${c.get("session")!.user.id}`;
const str = (v: unknown) => (typeof v === "string" ? v.trim() : "");
const SHOWN = 50;

type Rules = { name: string; reserved: number | null; ratio: number | null; salesLimit: number | null };

/** The group form: every number optional (empty = not set), in range, with the reason per field. */
function readGroupForm(c: Context<UiEnv>, body: Record<string, unknown>): { form: Record<string, string>; rules?: Rules; errors: FieldErrors } {
  const t = c.get("t");
  const form = { name: str(body.name), reserved: str(body.reserved), ratio: str(body.ratio), salesLimit: str(body.salesLimit) };
  const errors: FieldErrors = {};
  const num = (field: "reserved" | "ratio" | "salesLimit", max: number, key: MessageKey) => {
    const v = form[field];
    if (v === "") return null;
    if (/^\d{1,10}$/.test(v) && Number(v) <= max) return Number(v);
    errors[field] = t(key);
    return null;
  };
  if (form.name === "" || form.name.length > 100 || /[\u0000-\u001f\u007f]/.test(form.name)) errors.name = t("groups.nameRequired");
  const rules = { name: form.name, reserved: num("reserved", 1_000_000_000, "groups.countError"), ratio: num("ratio", 100, "groups.ratioError"), salesLimit: num("salesLimit", 1_000_000_000, "groups.countError") };
  return Object.keys(errors).length ? { form, errors } : { form, rules, errors };
}

async function listPage(c: Context<UiEnv>, extra: { errors?: FieldErrors; form?: Record<string, string>; status?: 200 | 400 } = {}) {
  const s = c.get("session")!;
  const db = c.get("db");
  const [groups, counts] = await Promise.all([listGroups(db, s.account.id), productCountsByGroup(db, s.account.id)]);
  const created = c.req.query("created");
  return c.html(
    <GroupsPage
      frame={frame(c)}
      groups={groups.map((g) => ({ ...g, products: counts.get(g.id) ?? 0 }))}
      canEdit={can(s.user.role, "catalog")}
      notice={created ? c.get("t")("groups.created", { name: created.slice(0, 100) }) : undefined}
      errors={extra.errors}
      form={extra.form}
    />,
    extra.status ?? 200,
  );
}

async function ownedGroup(c: Context<UiEnv>, id: string) {
  const g = /^\d{1,12}$/.test(id) ? await getGroup(c.get("db"), c.get("session")!.account.id, Number(id)) : undefined;
  if (!g) throw notFound(`group ${id} does not exist`);
  return g;
}

async function groupPage(c: Context<UiEnv>, id: string, extra: { notice?: string; error?: string; errors?: FieldErrors; form?: Record<string, string>; status?: 200 | 400 | 409 } = {}) {
  const s = c.get("session")!;
  const db = c.get("db");
  const g = await ownedGroup(c, id);
  const [counts, list] = await Promise.all([productCountsByGroup(db, s.account.id), listProducts(db, s.account.id, { groupId: g.id, limit: SHOWN })]);
  return c.html(
    <GroupPage
      frame={frame(c)}
      group={{ ...g, products: counts.get(g.id) ?? 0 }}
      products={list.map((p) => ({ masterCode: p.masterCode, name: p.name, isSet: p.isSet }))}
      canEdit={can(s.user.role, "catalog")}
      notice={extra.notice}
      error={extra.error}
      errors={extra.errors}
      form={extra.form}
    />,
    extra.status ?? 200,
  );
}

groupsPages.get("/groups", (c) => listPage(c));

groupsPages.post("/groups", async (c) => {
  const t = c.get("t");
  const { form, rules, errors } = readGroupForm(c, await c.req.parseBody());
  if (!rules) return listPage(c, { errors, form, status: 400 });
  try {
    const g = await addGroup(c.get("db"), c.get("session")!.account.id, actor(c), rules);
    return c.redirect(`/groups?created=${encodeURIComponent(g.name)}`, 303);
  } catch (err) {
    if (err instanceof AppError && err.status === 409) return listPage(c, { errors: { name: t("groups.nameTaken") }, form, status: 400 });
    throw err;
  }
});

groupsPages.get("/groups/:id", async (c) => {
  const t = c.get("t");
  const done = c.req.query("done");
  const moved = c.req.query("moved");
  const notice = done === "saved" ? t("groups.saved") : moved ? t("groups.moved", { code: moved.slice(0, 200) }) : undefined;
  return groupPage(c, c.req.param("id"), { notice });
});

groupsPages.post("/groups/:id", async (c) => {
  const t = c.get("t");
  const g = await ownedGroup(c, c.req.param("id"));
  const { form, rules, errors } = readGroupForm(c, await c.req.parseBody());
  if (!rules) return groupPage(c, String(g.id), { errors, form, status: 400 });
  try {
    await changeGroup(c.env, c.get("db"), c.get("session")!.account.id, actor(c), g.id, rules);
  } catch (err) {
    if (err instanceof AppError && err.status === 409) return groupPage(c, String(g.id), { errors: { name: t("groups.nameTaken") }, form, status: 400 });
    throw err;
  }
  return c.redirect(`/groups/${g.id}?done=saved`, 303);
});

// Moves one product (a set with its components) into this group, by its master code. The code is
// kept exactly as typed (codes are never trimmed or case-folded).
groupsPages.post("/groups/:id/move", async (c) => {
  const t = c.get("t");
  const s = c.get("session")!;
  const db = c.get("db");
  const g = await ownedGroup(c, c.req.param("id"));
  const raw = (await c.req.parseBody()).masterCode;
  const code = typeof raw === "string" ? raw : "";
  const p = code ? await getProductByCode(db, s.account.id, code) : undefined;
  if (!p) return groupPage(c, String(g.id), { errors: { masterCode: t("groups.moveUnknown") }, form: { masterCode: code.slice(0, 200) }, status: 400 });
  try {
    await updateProduct(c.env, db, { accountId: s.account.id, actor: actor(c), scopes: [] }, p.masterCode, { group: g.id });
  } catch (err) {
    if (err instanceof AppError && err.status === 409) return groupPage(c, String(g.id), { error: t("groups.moveRefused", { reason: err.detail }), status: 409 });
    throw err;
  }
  return c.redirect(`/groups/${g.id}?moved=${encodeURIComponent(p.masterCode)}`, 303);
});
