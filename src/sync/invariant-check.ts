import type { Db } from "../env";
import { getGroup } from "../db/queries/groups";
import { insertInvariantReport } from "../db/queries/sync";
import { stockGroupName } from "../stock/stock-group";
import type { StockRow } from "../stock/types";

// The invariant check of one product group: the StockGroup's own ledger (on_hand = Σ movements
// for every product) and, when everything it changed has reached D1, the D1 `stock` projection
// against the object's figures. Each check stores a report (invariant_reports); the API shows the
// latest per group (GET /sync/invariants).
//
// It runs daily, not hourly: a difference here means a bug, not a routine event the merchant
// waits on (figures pushed to malls are computed from the objects, not from this projection), and
// the ledger sum reads every movement of the group, which for a large catalogue is the most
// expensive read the object does. Once a day finds a bug the day it shows, without waking every
// group's object every hour.

export type InvariantProblem =
  | { type: "ledger"; productId: number; masterCode: string | null; onHand: number; movementsSum: number }
  | { type: "projection"; productId: number; masterCode: string; reason: "differs" | "missing" | "behind"; object: number; projection: number | null };

/** Object rows per D1 statement: one JSON parameter each, far below D1's 2 MB string limit. */
const ROWS_PER_STATEMENT = 2000;

// Only the rows that disagree come back. A projection row at the object's version must hold its
// figure; one at an older version (or none) missed a change, since the object had drained
// everything; one at a newer version took a change made after the object was read.
const DIFF = `
  SELECT json_extract(j.value, '$.p') AS productId, json_extract(j.value, '$.o') AS expected, json_extract(j.value, '$.v') AS version,
         s.on_hand AS onHand, s.version AS projVersion
    FROM json_each(?1) j LEFT JOIN stock s ON s.product_id = json_extract(j.value, '$.p') AND s.account_id = ?2
   WHERE s.product_id IS NULL OR s.version < json_extract(j.value, '$.v')
      OR (s.version = json_extract(j.value, '$.v') AND s.on_hand <> json_extract(j.value, '$.o'))`;

async function projectionProblems(d1: D1Database, accountId: number, rows: StockRow[]): Promise<InvariantProblem[]> {
  // The projection holds 0 for a set: its figure is derived from its components' rows.
  const expected = rows.map((r) => ({ p: r.productId, o: r.isSet ? 0 : r.onHand, v: r.version }));
  const code = new Map(rows.map((r) => [r.productId, r.masterCode]));
  const out: InvariantProblem[] = [];
  for (let i = 0; i < expected.length; i += ROWS_PER_STATEMENT) {
    const { results } = await d1
      .prepare(DIFF)
      .bind(JSON.stringify(expected.slice(i, i + ROWS_PER_STATEMENT)), accountId)
      .all<{ productId: number; expected: number; version: number; onHand: number | null; projVersion: number | null }>();
    for (const r of results) {
      const reason = r.projVersion === null ? "missing" : r.projVersion < r.version ? "behind" : "differs";
      out.push({ type: "projection", productId: r.productId, masterCode: code.get(r.productId) ?? "", reason, object: r.expected, projection: r.onHand });
    }
  }
  return out;
}

export async function checkGroupInvariant(env: Env, db: Db, accountId: number, groupId: number, now = Date.now()) {
  if (!(await getGroup(db, accountId, groupId))) return null;
  const ref = { accountId, groupId };
  const stub = env.STOCK.getByName(stockGroupName(ref));
  const [violations, rows] = await Promise.all([stub.checkInvariant(ref), stub.getStock(ref)]);
  // Drained after the figures were read: every version up to them is in D1 (the drain writes the
  // projection before it forgets a change), so any difference below is real.
  const drained = await stub.isDrained();
  const code = new Map(rows.map((r) => [r.productId, r.masterCode]));
  const problems: InvariantProblem[] = violations.map((v) => ({ type: "ledger", productId: v.productId, masterCode: code.get(v.productId) ?? null, onHand: v.onHand, movementsSum: v.sum }));
  if (drained) problems.push(...(await projectionProblems(env.DB, accountId, rows)));
  const report = { groupId, checkedAt: now, ok: problems.length === 0, projectionChecked: drained, problems };
  await insertInvariantReport(db, accountId, report);
  if (!report.ok) console.error(JSON.stringify({ msg: "invariant check found problems", accountId, groupId, problems: problems.length }));
  return report;
}
