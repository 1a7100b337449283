import { computeFigure, effectiveReserved, type FigureInput, type GroupRules } from "./figure";

// One 商品管理 grid cell: the figure a shop is sent (SPEC §3.2, the same rule a push uses) and
// whether the mall shows it. Pure: the route loads the rows, this judges them.

export type CellState = "excluded" | "ok" | "unsynced" | "error";

export interface GridListing {
  managed: boolean;
  manualFigure: number | null;
  lastSentFigure: number | null;
  mallFigure: number | null;
  lastResult: string | null;
}

export interface GridCell {
  shopId: number;
  figure: number | null;
  state: CellState;
  /** What the mall shows now as far as Kura knows (null: never accepted a figure). */
  showing: number | null;
  error: string | null;
}

/**
 * 対象外 (no figure is sent), エラー (the mall refused the last push), 未反映 (the mall shows
 * another figure, was never sent one, or a sale too close to the last push left it unsure), or
 * in step. The same judgement a push makes (src/sync/push-plan.ts).
 */
export function cellState(figure: number | null, l: GridListing | null): Pick<GridCell, "state" | "showing" | "error"> {
  const showing = l?.lastSentFigure === null || l?.lastSentFigure === undefined ? null : (l.mallFigure ?? l.lastSentFigure);
  if (figure === null) return { state: "excluded", showing, error: null };
  if (l?.lastResult && l.lastResult !== "ok" && l.lastResult !== "recheck") return { state: "error", showing, error: l.lastResult };
  if (showing !== figure || l?.lastResult === "recheck") return { state: "unsynced", showing, error: null };
  return { state: "ok", showing, error: null };
}

export interface GridShop {
  id: number;
  updateEnabled: boolean;
  ratio: number | null;
  salesLimit: number | null;
}

export function gridCell(
  base: Omit<FigureInput, "shop" | "listing">,
  shop: GridShop,
  listing: GridListing | null,
): GridCell {
  const { figure } = computeFigure({ ...base, shop, listing: listing ? { managed: listing.managed, manualFigure: listing.manualFigure } : null });
  return { shopId: shop.id, figure, ...cellState(figure, listing) };
}

/** 確保在庫 as the grid shows it: the product's own value, else its group's (marked as such). */
export function reservedShown(productReserved: number | null, group: GroupRules): { value: number; fromGroup: boolean } {
  return { value: effectiveReserved(productReserved, group), fromGroup: productReserved === null && group.reserved !== null };
}
