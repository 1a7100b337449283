// A token bucket as plain data and pure functions: `rate` tokens per second flow in, up to
// `burst`; a request takes one. This is how Amazon describes its SP-API usage plans (rate, burst),
// and the same functions serve a caller that paces itself (reserve a slot, wait, send) and a
// server that refuses (tryTake). No clock, no timers, no storage here: the caller passes `now`
// (epoch ms) and keeps the state wherever it likes (a Map per isolate, a Durable Object…).

export interface BucketPlan {
  /** Tokens added per second. */
  rate: number;
  /** Capacity: how many requests may go at once after a quiet spell. */
  burst: number;
}

/**
 * The bucket at time `at` (epoch ms). `tokens` may be negative: slots already promised to
 * requests that are waiting for their turn.
 */
export interface BucketState {
  tokens: number;
  at: number;
}

/** The bucket as it stands at `now`: a missing state is a full bucket; a clock that went back refills nothing. */
export function refill(state: BucketState | undefined, plan: BucketPlan, now: number): BucketState {
  if (!state) return { tokens: plan.burst, at: now };
  const elapsed = Math.max(0, now - state.at);
  return { tokens: Math.min(plan.burst, state.tokens + (elapsed / 1000) * plan.rate), at: now };
}

/** Milliseconds from `now` until the bucket holds one whole token (0 = one is there now). */
export function waitMs(state: BucketState | undefined, plan: BucketPlan, now: number): number {
  const tokens = refill(state, plan, now).tokens;
  // Rounded up: arriving a fraction of a millisecond early is a refusal.
  return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / plan.rate) * 1000);
}

/**
 * Reserves the next slot for a caller that paces itself: the bucket after taking one token
 * (possibly below zero) and how long to wait before sending. Send at `now + wait`, not earlier.
 */
export function reserve(
  state: BucketState | undefined,
  plan: BucketPlan,
  now: number,
): { state: BucketState; wait: number } {
  const wait = waitMs(state, plan, now);
  const s = refill(state, plan, now);
  return { state: { tokens: s.tokens - 1, at: now }, wait };
}

/**
 * What a server does with a request arriving at `now`: takes a token if there is one whole token
 * (`ok`), else refuses and leaves the bucket as it is. The tiny tolerance absorbs floating-point
 * noise of fractional rates, never a real early arrival.
 */
export function tryTake(
  state: BucketState | undefined,
  plan: BucketPlan,
  now: number,
): { ok: boolean; state: BucketState } {
  const s = refill(state, plan, now);
  if (s.tokens < 1 - 1e-9) return { ok: false, state: s };
  return { ok: true, state: { tokens: s.tokens - 1, at: now } };
}

/** The server refused (429): whatever we believed, the bucket is empty at `now`. */
export function drain(state: BucketState | undefined, plan: BucketPlan, now: number): BucketState {
  return { tokens: Math.min(0, refill(state, plan, now).tokens), at: now };
}
