import { type StockGroup, stockGroupName } from "./stock-group";
import type { GroupRef } from "./types";

/** The StockGroup object that owns the stock of one (account, group). */
export function stockGroup(env: Env, ref: GroupRef): DurableObjectStub<StockGroup> {
  return env.STOCK.getByName(stockGroupName(ref));
}
