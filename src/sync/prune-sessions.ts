import { IDLE_MS } from "../lib/session";
import { LOGIN_WINDOW_MS } from "../lib/login";

// Dashboard sign-in leftovers, deleted daily with the logs: sessions past their absolute expiry
// (ABSOLUTE_MS after login) or idle expiry (IDLE_MS without a request) can never be used again, and
// a login_failures row whose window has closed counts for nothing (the next failure starts a new
// window). Both tables are deployment-wide and small (live sessions, recent failures), so each
// DELETE finds its rows by a scan bounded by LIMIT rather than by an index that every login or
// page view would have to update; a run stops after `budget` statements and the caller enqueues
// the rest, as prune-logs does.

/** Rows per DELETE and DELETE statements per run (an object so a test can lower them). */
export const SESSION_PRUNE_LIMITS = { chunk: 1000, budget: 20 };

export interface SessionPruneResult {
  sessions: number;
  loginFailures: number;
  /** False when the budget ran out with expired rows left: run again. */
  done: boolean;
}

export async function pruneSessions(d1: D1Database, opts: { chunk?: number; budget?: number; now?: number } = {}): Promise<SessionPruneResult> {
  const chunk = opts.chunk ?? SESSION_PRUNE_LIMITS.chunk;
  let budget = opts.budget ?? SESSION_PRUNE_LIMITS.budget;
  const now = opts.now ?? Date.now();
  const statements = {
    sessions: d1
      .prepare("DELETE FROM sessions WHERE rowid IN (SELECT rowid FROM sessions WHERE expires_at <= ?1 OR last_seen_at <= ?2 LIMIT ?3)")
      .bind(now, now - IDLE_MS, chunk),
    loginFailures: d1.prepare("DELETE FROM login_failures WHERE rowid IN (SELECT rowid FROM login_failures WHERE window_start <= ?1 LIMIT ?2)").bind(now - LOGIN_WINDOW_MS, chunk),
  };
  const out: SessionPruneResult = { sessions: 0, loginFailures: 0, done: false };
  let left: (keyof typeof statements)[] = ["sessions", "loginFailures"];
  while (left.length > 0 && budget >= left.length) {
    budget -= left.length;
    const results = await d1.batch(left.map((k) => statements[k]));
    results.forEach((r, i) => (out[left[i]] += r.meta.changes));
    // A table that gave less than a full chunk has nothing expired left.
    left = left.filter((_, i) => results[i].meta.changes >= chunk);
  }
  out.done = left.length === 0;
  return out;
}
