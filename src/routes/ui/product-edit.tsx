import { type Context, Hono } from "hono";
import { getAccount } from "../../db/queries/accounts";
import { listGroups } from "../../db/queries/groups";
import { getComponents, getProductByCode, type Product, setsUsing } from "../../db/queries/products";
import { listShops, upsertListing } from "../../db/queries/shops";
import { listings } from "../../db/schema";
import type { Principal } from "../../env";
import { randomToken } from "../../lib/crypto";
import { AppError, notFound } from "../../lib/errors";
import { can } from "../../lib/permissions";
import type { UiEnv } from "../../lib/session";
import { mallCodeOf } from "../../malls/registry";
import { productsChanged } from "../../sync/changes";
import { createProduct, deleteProduct, readProduct, updateProduct } from "../../stock/catalog";
import { stockGroup } from "../../stock/client";
import { and, eq } from "drizzle-orm";
import { DeleteProductPage } from "../../views/product-delete-page";
import { ProductPage, type ProductPageProps } from "../../views/product-page";
import type { StockBox } from "../../views/product-stock";
import { frame } from "./middleware";
import { checkProductForm, COMPONENT_ROWS, type FieldErrors, type ProductForm, readProductForm } from "./product-form";

// 商品の登録・編集・削除 and the product page's 総在庫数 change (with its 確認 step). The catalog
// functions the JSON API uses do the work; this file turns forms into their arguments and their
// refusals into messages next to the fields. Each save is one 操作ログ entry naming the user.

export const productEditor = new Hono<UiEnv>();

const LIMIT = 9_999_999;

const who = (c: Context<UiEnv>): Principal => {
  const s = c.get("session")!;
  return { accountId: s.account.id, actor: `user:${s.user.id}`, scopes: ["read", "write"] };
};

/** The product named in the URL, in the session's account only (another account's code is 404). */
async function owned(c: Context<UiEnv>): Promise<Product> {
  const p = await getProductByCode(c.get("db"), c.get("session")!.account.id, c.req.param("code") ?? "");
  if (!p) throw notFound("no such product");
  return p;
}

async function listingsOf(c: Context<UiEnv>, productId: number) {
  const accountId = c.get("session")!.account.id;
  return c.get("db").select().from(listings).where(and(eq(listings.accountId, accountId), eq(listings.productId, productId))).all();
}

function defaultCode(kind: string, masterCode: string): string {
  try {
    return mallCodeOf(kind, masterCode, null);
  } catch {
    return masterCode; // a kind without an adapter (e-mail shops): the code as it is
  }
}

/** Empty セット構成 rows to type into (no JavaScript adds them): up to COMPONENT_ROWS, or two more when all are used. */
const padRows = (rows: ProductForm["components"]) => {
  const free = rows.filter((r) => r.code === "" && r.qty === "").length;
  return [...rows, ...Array.from({ length: Math.max(COMPONENT_ROWS - rows.length, free ? 0 : 2) }, () => ({ code: "", qty: "" }))];
};

/** What every drawing of the form needs besides the form itself. */
async function pageProps(c: Context<UiEnv>, p: Product | undefined) {
  const s = c.get("session")!;
  const db = c.get("db");
  const [groups, shops] = await Promise.all([listGroups(db, s.account.id), listShops(db, s.account.id)]);
  return {
    frame: frame(c),
    editable: can(s.user.role, "catalog"),
    groups: groups.map((g) => ({ id: g.id, name: g.name })),
    shops: shops.map((x) => ({ id: x.id, name: x.name, defaultCode: p ? defaultCode(x.kind, p.masterCode) : "" })),
    defaultGroupId: groups.find((g) => g.isDefault)?.id ?? groups[0]?.id,
  };
}

async function formOf(c: Context<UiEnv>, p: Product): Promise<ProductForm> {
  const db = c.get("db");
  const accountId = c.get("session")!.account.id;
  const [comps, rows, shops] = await Promise.all([getComponents(db, accountId, [p.id]), listingsOf(c, p.id), listShops(db, accountId)]);
  return {
    masterCode: p.masterCode,
    name: p.name,
    groupId: String(p.groupId),
    reserved: p.reserved === null ? "" : String(p.reserved),
    lowStockThreshold: p.lowStockThreshold === null ? "" : String(p.lowStockThreshold),
    syncMode: p.syncMode,
    onHand: "",
    components: comps.map((x) => ({ code: x.masterCode, qty: String(x.quantity) })),
    shops: shops.map((x) => {
      const l = rows.find((r) => r.shopId === x.id);
      return { shopId: x.id, managed: l?.managed ?? true, mallCode: l?.mallCode ?? "", manual: l?.manualFigure == null ? "" : String(l.manualFigure) };
    }),
  };
}

/** The 総在庫数 box of the product page: the authoritative figure and, after 確認, the movement a change would make. */
async function stockBox(c: Context<UiEnv>, p: Product, onHand: number): Promise<StockBox> {
  const to = (c.req.query("to") ?? "").trim();
  const mode = c.req.query("mode") === "adjust" ? "adjust" : "set";
  if (to === "") return { onHand, to, mode };
  const n = /^-?\d{1,8}$/.test(to) ? Number(to) : NaN;
  const after = mode === "set" ? n : onHand + n;
  if (!Number.isSafeInteger(n) || Math.abs(after) > LIMIT) return { onHand, to, mode, error: true };
  return { onHand, to, mode, preview: { quantity: n, after, delta: after - onHand }, nonce: randomToken(12) };
}

async function drawProduct(c: Context<UiEnv>, p: Product, extra: Partial<ProductPageProps> = {}, status: 200 | 400 | 409 = 200) {
  const t = c.get("t");
  const out = await readProduct(c.env, c.get("db"), p.accountId, p.masterCode);
  const saved = c.req.query("saved");
  const notice = saved === "created" ? t("product.created") : saved === "updated" ? t("product.updated") : saved === "stock" ? t("product.stockSaved") : undefined;
  const stale = c.req.query("stale") ? t("product.stockStale") : undefined;
  const form = extra.form ?? (await formOf(c, p));
  return c.html(
    <ProductPage
      {...(await pageProps(c, p))}
      masterCode={p.masterCode}
      isSet={p.isSet}
      onHand={out.onHand}
      stock={p.isSet ? undefined : await stockBox(c, p, out.onHand)}
      notice={notice}
      errorText={stale}
      errors={{}}
      {...extra}
      form={{ ...form, components: padRows(form.components) }}
    />,
    status,
  );
}

productEditor.get("/products/new", async (c) => {
  const props = await pageProps(c, undefined);
  // 未登録コード: "register a product with this code" arrives with the code filled in.
  const code = (c.req.query("code") ?? "").trim().slice(0, 64);
  const form: ProductForm = {
    masterCode: code, name: "", groupId: String(props.defaultGroupId ?? ""), reserved: "", lowStockThreshold: "", syncMode: "auto", onHand: "",
    components: padRows([]), shops: props.shops.map((s) => ({ shopId: s.id, managed: true, mallCode: "", manual: "" })),
  };
  return c.html(<ProductPage {...props} form={form} errors={{}} />);
});

productEditor.post("/products/new", async (c) => {
  const s = c.get("session")!;
  const db = c.get("db");
  const t = c.get("t");
  const props = await pageProps(c, undefined);
  const account = await getAccount(db, s.account.id);
  const form = readProductForm(await c.req.parseBody(), props.shops.map((x) => x.id));
  const again = (errors: FieldErrors, errorText?: string) =>
    c.html(<ProductPage {...props} form={{ ...form, components: padRows(form.components) }} errors={errors} errorText={errorText ?? t("product.err.summary")} />, 400);
  const checked = await checkProductForm(form, {
    db, accountId: s.account.id, groupIds: props.groups.map((g) => g.id),
    allowSets: account?.allowSets ?? false, allowCodeMapping: account?.allowCodeMapping ?? false, currentMallCodes: new Map(),
  });
  if (!checked.ok) return again(checked.errors);
  const v = checked.value;
  // Only settings that differ from a new listing's defaults (対象, the mall's own code, no 手動 figure).
  const shops = v.shops.filter((x) => !x.managed || x.mallCode !== null || x.manualFigure !== null);
  try {
    await createProduct(
      c.env, db, who(c),
      {
        masterCode: v.masterCode, name: v.name, group: v.groupId, reserved: v.reserved ?? undefined, lowStockThreshold: v.lowStockThreshold ?? undefined,
        syncMode: v.syncMode, onHand: v.onHand, components: v.components.length ? v.components : undefined,
      },
      shops.length ? { after: { shops } } : {},
    );
  } catch (err) {
    if (err instanceof AppError && err.status === 403) return again({}, t("product.err.plan", { max: s.account.maxProducts }));
    if (err instanceof AppError && err.status < 500) return again({}, t("product.err.refused", { detail: err.detail }));
    throw err;
  }
  const p = (await getProductByCode(db, s.account.id, v.masterCode))!;
  for (const x of shops) await upsertListing(db, s.account.id, p.id, x.shopId, x);
  if (shops.length) await productsChanged(c.env, db, s.account.id, [p.id], { shopIds: shops.map((x) => x.shopId) });
  return c.redirect(`/products/${encodeURIComponent(v.masterCode)}?saved=created`, 303);
});

productEditor.get("/products/:code", async (c) => drawProduct(c, await owned(c)));

productEditor.post("/products/:code/save", async (c) => {
  const s = c.get("session")!;
  const db = c.get("db");
  const t = c.get("t");
  const p = await owned(c);
  const props = await pageProps(c, p);
  const account = await getAccount(db, s.account.id);
  const form = readProductForm(await c.req.parseBody(), props.shops.map((x) => x.id));
  const current = await formOf(c, p);
  const rows = await listingsOf(c, p.id);
  const checked = await checkProductForm(form, {
    db, accountId: s.account.id, product: p, groupIds: props.groups.map((g) => g.id),
    allowSets: account?.allowSets ?? false, allowCodeMapping: account?.allowCodeMapping ?? false,
    currentMallCodes: new Map(rows.map((r) => [r.shopId, r.mallCode])),
  });
  if (!checked.ok) return drawProduct(c, p, { form: { ...form, masterCode: p.masterCode }, errors: checked.errors, errorText: t("product.err.summary") }, 400);
  const v = checked.value;

  // Only what changed goes into the patch and the 操作ログ entry.
  const patch = {
    ...(v.name !== p.name && { name: v.name }),
    ...(v.groupId !== p.groupId && { group: v.groupId }),
    ...(v.reserved !== p.reserved && { reserved: v.reserved }),
    ...(v.lowStockThreshold !== p.lowStockThreshold && { lowStockThreshold: v.lowStockThreshold }),
    ...(v.syncMode !== p.syncMode && { syncMode: v.syncMode }),
    ...(p.isSet && JSON.stringify(v.components) !== JSON.stringify(current.components.map((x) => ({ masterCode: x.code, quantity: Number(x.qty) }))) && { components: v.components }),
  };
  const was = (shopId: number) => {
    const l = rows.find((r) => r.shopId === shopId);
    return { shopId, managed: l?.managed ?? true, mallCode: l?.mallCode ?? null, manualFigure: l?.manualFigure ?? null };
  };
  const changedShops = v.shops.filter((x) => JSON.stringify(x) !== JSON.stringify(was(x.shopId)));
  if (Object.keys(patch).length === 0 && changedShops.length === 0) return c.redirect(`/products/${encodeURIComponent(p.masterCode)}?saved=updated`, 303);
  try {
    await updateProduct(c.env, db, who(c), p.masterCode, patch, changedShops.length ? { before: { shops: changedShops.map((x) => was(x.shopId)) }, after: { shops: changedShops } } : {});
  } catch (err) {
    // Refused (a group move the objects would not make): nothing was written, listings included.
    if (err instanceof AppError && err.status < 500) return drawProduct(c, p, { form: { ...form, masterCode: p.masterCode }, errors: {}, errorText: t("product.err.refused", { detail: err.detail }) }, 409);
    throw err;
  }
  // Checked above (plan, mapping taken), so these plain upserts cannot be refused.
  for (const x of changedShops) await upsertListing(db, s.account.id, p.id, x.shopId, x);
  if ("reserved" in patch || "syncMode" in patch || "components" in patch || changedShops.length) {
    await productsChanged(c.env, db, s.account.id, [p.id], "reserved" in patch || "syncMode" in patch || "components" in patch ? {} : { shopIds: changedShops.map((x) => x.shopId) });
  }
  return c.redirect(`/products/${encodeURIComponent(p.masterCode)}?saved=updated`, 303);
});

// 上書き / 加算・減算 of 総在庫数 after the page showed the movement it makes (?to=…, the 確認 step).
productEditor.post("/products/:code/stock", async (c) => {
  const s = c.get("session")!;
  const p = await owned(c);
  const body = await c.req.parseBody();
  const mode = body.mode === "adjust" ? "adjust" : "set";
  const quantity = Number(body.quantity);
  const was = Number(body.was);
  const nonce = typeof body.nonce === "string" ? body.nonce.slice(0, 64) : crypto.randomUUID();
  const here = `/products/${encodeURIComponent(p.masterCode)}`;
  if (p.isSet || !Number.isSafeInteger(quantity) || !Number.isSafeInteger(was)) return c.redirect(here, 303);
  const ref = { accountId: s.account.id, groupId: p.groupId };
  const group = stockGroup(c.env, ref);
  const [now] = await group.getStock(ref, [p.id]);
  // A sale taken in since the preview was drawn would make it lie: show the new figure instead.
  if ((now?.onHand ?? 0) !== was) return c.redirect(`${here}?stale=1`, 303);
  const after = mode === "set" ? quantity : was + quantity;
  if (Math.abs(after) > LIMIT) return c.redirect(here, 303);
  await group.changeStock(ref, { productId: p.id, masterCode: p.masterCode, mode, quantity, actor: `user:${s.user.id}`, reason: "商品ページ", idempotencyKey: `ui:${nonce}:${p.id}` });
  return c.redirect(`${here}?saved=stock`, 303);
});

productEditor.get("/products/:code/delete", async (c) => {
  const p = await owned(c);
  const usedBy = await setsUsing(c.get("db"), p.accountId, [p.id]);
  return c.html(<DeleteProductPage frame={frame(c)} masterCode={p.masterCode} name={p.name} blocked={usedBy.length > 0} />);
});

productEditor.post("/products/:code/delete", async (c) => {
  const p = await owned(c);
  if ((await setsUsing(c.get("db"), p.accountId, [p.id])).length) {
    return c.html(<DeleteProductPage frame={frame(c)} masterCode={p.masterCode} name={p.name} blocked />, 409);
  }
  await deleteProduct(c.env, c.get("db"), who(c), p.masterCode);
  return c.redirect(`/products?deleted=${encodeURIComponent(p.masterCode)}`, 303);
});
