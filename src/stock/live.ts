import type { OnHandSource } from "../db/queries/stock";
import { stockGroup } from "./client";
import type { GroupRef } from "./types";

/** on_hand read from the group's StockGroup itself: exact, for answers that must not lag. */
export function liveStock(env: Env, ref: GroupRef): OnHandSource {
  return async (ids) => new Map((await stockGroup(env, ref).getStock(ref, ids)).map((r) => [r.productId, r.onHand]));
}
