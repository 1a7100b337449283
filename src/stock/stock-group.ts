import { DurableObject } from "cloudflare:workers";
import { migrate } from "./do-schema";
import { createDb } from "../db/client";
import { productsChanged } from "../sync/changes";
import { drainOnce } from "./drain";
import { Ledger } from "./ledger";
import { applyLine, applyOp } from "./lines";
import { register, remove } from "./structure";
import { family, type Handoff, takeIn, takeOut } from "./transfer";
import type { GroupRef, Movement, RegisterProduct, SaleLineIn, SaleLineOut, StockError, StockOp, StockOpResult, StockRow } from "./types";

// One object per (account, product group): the only writer of stock (ARCHITECTURE.md §2).
// Every public method is an RPC endpoint whose reads and writes run inside one transactionSync
// with no foreign I/O in between, so concurrent calls cannot interleave. Foreign I/O (D1, the
// queue, other objects) happens only after the commit: in the alarm's drain, or when handing a
// moved product on.

// Changes reach D1 in batches about once a second; a figure that reached 0 goes out at once,
// because that is the push that prevents an oversell (SPEC §3.3). Draining more often than this
// measurably hurt intake latency (p99 of single-line sales) without helping anyone.
const DRAIN_DELAY_MS = 1000;
const SOLD_OUT_DRAIN_DELAY_MS = 20;
const MAX_RETRY_DELAY_MS = 60_000;

export function stockGroupName(ref: GroupRef): string {
  return `${ref.accountId}:${ref.groupId}`;
}

export class StockGroup extends DurableObject<Env> {
  private readonly ledger: Ledger;
  private drainAt: number | null = null;
  private drainFailures = 0;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.ledger = new Ledger(ctx.storage.sql);
    ctx.blockConcurrencyWhile(async () => {
      migrate(ctx.storage.sql);
      this.drainAt = await ctx.storage.getAlarm();
    });
  }

  // ---- RPC: catalog structure --------------------------------------------------------------

  async registerProducts(ref: GroupRef, items: RegisterProduct[], actor: string): Promise<StockError | { ok: true; parked: SaleLineOut[] }> {
    const at = Date.now();
    const out = this.tx(ref, () => {
      const res = register(this.ledger, items, actor, at);
      if (!res.ok) throw new RollBack(res);
      return this.applyParked(items.map((i) => i.productId), at);
    });
    return out instanceof RollBack ? out.error : { ok: true, parked: out };
  }

  async removeProduct(ref: GroupRef, productId: number): Promise<StockError | { ok: true }> {
    const out = this.tx(ref, () => {
      const res = remove(this.ledger, productId);
      if (!res.ok) throw new RollBack(res);
      return res;
    });
    return out instanceof RollBack ? out.error : out;
  }

  // ---- RPC: stock ----------------------------------------------------------------------------

  /** Sale and cancel lines; idempotent per line key. Lines for products moved away are forwarded. */
  async applySales(ref: GroupRef, lines: SaleLineIn[]): Promise<SaleLineOut[]> {
    const at = Date.now();
    const forward = new Map<number, SaleLineIn[]>();
    const results = this.tx(ref, () =>
      lines.map((line): SaleLineOut | null => {
        const done = applyLine(this.ledger, line, line.at ?? at);
        if (done) return done;
        const moved = this.ctx.storage.sql
          .exec<{ to_group: number }>("SELECT to_group FROM moved_out WHERE product_id = ?", line.productId)
          .toArray()[0];
        if (moved) {
          forward.set(moved.to_group, [...(forward.get(moved.to_group) ?? []), line]);
          return null;
        }
        // Not here yet (a registration or a move is in flight): park it, apply it on arrival.
        this.ctx.storage.sql.exec(
          "INSERT OR IGNORE INTO pending (key, kind, product_id, line) VALUES (?, ?, ?, ?)",
          line.key,
          line.kind,
          line.productId,
          JSON.stringify({ ...line, at: line.at ?? at }),
        );
        return { key: line.key, result: "applied", pending: true };
      }),
    );
    if (results instanceof RollBack) throw new Error(results.error.detail);
    const forwarded = new Map<SaleLineIn, SaleLineOut>();
    for (const [groupId, fwd] of forward) {
      const next = this.env.STOCK.getByName(stockGroupName({ accountId: ref.accountId, groupId }));
      const res = await next.applySales({ accountId: ref.accountId, groupId }, fwd);
      fwd.forEach((line, i) => forwarded.set(line, res[i]));
    }
    return results.map((r, i) => r ?? forwarded.get(lines[i])!);
  }

  async changeStock(ref: GroupRef, op: StockOp): Promise<StockOpResult> {
    const out = this.tx(ref, () => applyOp(this.ledger, op, Date.now()));
    if (out instanceof RollBack) throw new Error(out.error.detail);
    return out;
  }

  /**
   * Many set/adjust requests in one transaction (a chunk of a CSV import): one RPC for ~500 rows
   * instead of 500. Each op keeps its own idempotency key, so a chunk sent twice changes nothing
   * the second time. An op for a product not here (moved meanwhile, a set) fails alone.
   */
  async changeStocks(ref: GroupRef, ops: StockOp[]): Promise<StockOpResult[]> {
    const at = Date.now();
    const out = this.tx(ref, () => ops.map((op) => applyOp(this.ledger, op, at)));
    if (out instanceof RollBack) throw new Error(out.error.detail);
    return out;
  }

  async getStock(ref: GroupRef, productIds?: number[]): Promise<StockRow[]> {
    this.remember(ref);
    return this.ledger.stock(productIds);
  }

  async getMovements(ref: GroupRef, productId: number, beforeId: number | null, limit: number): Promise<Movement[]> {
    this.remember(ref);
    return this.ledger.movements(productId, beforeId, limit);
  }

  /** on_hand = Σ movements for every product here; returns the violations (empty when sound). */
  async checkInvariant(ref: GroupRef) {
    this.remember(ref);
    return this.ledger.invariantViolations();
  }

  /** True when every change has reached D1 (used by tests and the invariant job). */
  async isDrained(): Promise<boolean> {
    const sql = this.ctx.storage.sql;
    return sql.exec("SELECT 1 FROM dirty UNION ALL SELECT 1 FROM outbox UNION ALL SELECT 1 FROM handoffs LIMIT 1").toArray().length === 0;
  }

  // ---- RPC: moving products between groups ---------------------------------------------------

  /** Hands the products (and every set/component tied to them) to group `toGroupId`. */
  async moveOut(ref: GroupRef, productIds: number[], toGroupId: number, moveId: string): Promise<StockError | { ok: true; moved: number[] }> {
    if (toGroupId === ref.groupId) return { ok: true, moved: [] };
    const out = this.tx(ref, () => {
      const known = productIds.filter((id) => this.ledger.product(id) && !this.ledger.product(id)!.removed);
      if (known.length !== productIds.length) throw new RollBack({ ok: false, code: "not_found", detail: "product is not in this group" });
      const ids = family(this.ctx.storage.sql, known);
      takeOut(this.ctx.storage.sql, ids, moveId, ref.groupId, toGroupId, Date.now());
      return ids;
    });
    if (out instanceof RollBack) return out.error;
    // Deliver now; a failure is retried by the alarm, and lines arriving meanwhile are parked
    // at the new object (or forwarded there from here), so nothing is lost or doubled.
    await this.deliverHandoffs(ref).catch(() => this.scheduleDrain(1000));
    return { ok: true, moved: out };
  }

  async adopt(ref: GroupRef, handoff: Handoff): Promise<{ ok: true }> {
    const at = Date.now();
    const out = this.tx(ref, () => {
      const parked = takeIn(this.ctx.storage.sql, handoff, at);
      if (parked) for (const line of parked) applyLine(this.ledger, line, line.at ?? at);
      return { ok: true as const };
    });
    if (out instanceof RollBack) throw new Error(out.error.detail);
    return out;
  }

  // ---- the outbox ----------------------------------------------------------------------------

  async alarm() {
    this.drainAt = null;
    const ref = this.ref();
    if (!ref) return;
    try {
      await this.deliverHandoffs(ref);
      const changed = (ids: number[], soldOut: number[]) => productsChanged(this.env, createDb(this.env.DB), ref.accountId, ids, { urgent: soldOut });
      while (await drainOnce({ sql: this.ctx.storage.sql, db: this.env.DB, queue: this.env.PUSH_QUEUE, group: ref, objectId: this.ctx.id.toString(), now: Date.now(), changed }));
      this.drainFailures = 0;
    } catch (err) {
      // Never give up: rows stay in the outbox and the next alarm tries again, backing off.
      this.drainFailures++;
      console.error(JSON.stringify({ msg: "stock drain failed", group: stockGroupName(ref), attempt: this.drainFailures, error: String(err) }));
      await this.scheduleDrain(Math.min(DRAIN_DELAY_MS * 2 ** this.drainFailures, MAX_RETRY_DELAY_MS));
    }
  }

  private async deliverHandoffs(ref: GroupRef) {
    const rows = this.ctx.storage.sql.exec<{ move_id: string; to_group: number; payload: string }>("SELECT * FROM handoffs").toArray();
    for (const row of rows) {
      const to = { accountId: ref.accountId, groupId: row.to_group };
      await this.env.STOCK.getByName(stockGroupName(to)).adopt(to, JSON.parse(row.payload) as Handoff);
      this.ctx.storage.sql.exec("DELETE FROM handoffs WHERE move_id = ?", row.move_id);
    }
  }

  // ---- helpers -------------------------------------------------------------------------------

  /** Runs `fn` as one atomic transaction and schedules the drain. A RollBack undoes everything. */
  private tx<T>(ref: GroupRef, fn: () => T): T | RollBack {
    this.remember(ref);
    try {
      let soldOut = false;
      const out = this.ctx.storage.transactionSync(() => {
        this.ledger.begin();
        const result = fn();
        soldOut = this.ledger.reachedZero;
        this.ledger.flush();
        return result;
      });
      void this.scheduleDrain(soldOut ? SOLD_OUT_DRAIN_DELAY_MS : DRAIN_DELAY_MS);
      return out;
    } catch (err) {
      if (err instanceof RollBack) return err;
      throw err;
    }
  }

  private applyParked(productIds: number[], at: number): SaleLineOut[] {
    const out: SaleLineOut[] = [];
    for (const id of productIds) {
      const parked = this.ctx.storage.sql.exec<{ line: string }>("SELECT line FROM pending WHERE product_id = ?", id).toArray();
      this.ctx.storage.sql.exec("DELETE FROM pending WHERE product_id = ?", id);
      for (const p of parked) {
        const line = JSON.parse(p.line) as SaleLineIn;
        const r = applyLine(this.ledger, line, line.at ?? at);
        if (r) out.push(r);
      }
    }
    return out;
  }

  private remembered = false;

  /** The alarm has no caller to say which group this is, so the first call writes it down. */
  private remember(ref: GroupRef) {
    if (this.remembered) return;
    const sql = this.ctx.storage.sql;
    sql.exec("INSERT OR IGNORE INTO meta (key, value) VALUES ('account_id', ?), ('group_id', ?)", String(ref.accountId), String(ref.groupId));
    this.remembered = true;
  }

  private ref(): GroupRef | null {
    const rows = this.ctx.storage.sql.exec<{ key: string; value: string }>("SELECT key, value FROM meta").toArray();
    const m = Object.fromEntries(rows.map((r) => [r.key, Number(r.value)]));
    return m.account_id ? { accountId: m.account_id, groupId: m.group_id } : null;
  }

  /** Sets the alarm unless one is already due at least as soon. */
  private async scheduleDrain(delayMs: number) {
    const at = Date.now() + delayMs;
    if (this.drainAt !== null && this.drainAt <= at) return;
    this.drainAt = at;
    await this.ctx.storage.setAlarm(at);
  }
}

class RollBack {
  constructor(readonly error: StockError) {}
}
