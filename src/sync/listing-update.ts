import type { Db } from "../env";
import { getAccount } from "../db/queries/accounts";
import { operationInsert } from "../db/queries/logs";
import type { Product } from "../db/queries/products";
import { getListing, listingByMallCode, type Shop, upsertListing } from "../db/queries/shops";
import { conflict, forbidden } from "../lib/errors";
import { productsChanged } from "./changes";

// 管理 対象/対象外, 別品番紐づけ and the 手動 figure of one product on one shop, as PUT
// /api/v1/products/{code}/shops/{shopId} and the dashboard's 未登録コード mapping set them. Fields
// left out keep their value: switching a listing to 対象外 must not drop its mapping.

export interface ListingChange {
  managed?: boolean;
  mallCode?: string | null;
  manualFigure?: number | null;
}

export async function updateListing(env: Env, db: Db, accountId: number, actor: string, p: Product, shop: Shop, body: ListingChange) {
  if (typeof body.mallCode === "string") {
    const account = await getAccount(db, accountId);
    if (!account?.allowCodeMapping) throw forbidden("別品番紐づけ is not part of this account's plan");
    const taken = await listingByMallCode(db, accountId, shop.id, body.mallCode);
    if (taken && taken.productId !== p.id) throw conflict(`mall code ${body.mallCode} is already mapped to another product on shop ${shop.id}`);
  }
  const before = await getListing(db, accountId, p.id, shop.id);
  const row = await upsertListing(db, accountId, p.id, shop.id, {
    managed: body.managed ?? before?.managed ?? true,
    mallCode: body.mallCode !== undefined ? body.mallCode : (before?.mallCode ?? null),
    manualFigure: body.manualFigure !== undefined ? body.manualFigure : (before?.manualFigure ?? null),
  });
  await operationInsert(db, accountId, {
    actor,
    action: "listing.update",
    target: p.masterCode,
    before: before ? { shopId: shop.id, managed: before.managed, mallCode: before.mallCode, manualFigure: before.manualFigure } : null,
    after: { shopId: shop.id, ...body },
  });
  await productsChanged(env, db, accountId, [p.id], { shopIds: [shop.id] });
  return row;
}
