import { Hono, type Context, type MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";

// The uniform control API every Kura mall simulator offers (tests, `npm start`, the demo and the
// benchmarks drive a simulated mall with it):
//   POST /__sim/reset                      → { ok: true }
//   GET  /__sim/listings                   → { items: [{ code, quantity }] }
//   POST /__sim/listings { items }         → { items } (the listings after the change)
//   POST /__sim/orders { lines }           → { orderId, lineIds }
//   POST /__sim/orders/:orderId/cancel { lineId?, quantity? } (body optional) → the mall's answer
//   POST /__sim/faults { type, times?, delayMs? } → { ok: true, pending }
//   GET  /__sim/calls                      → { calls }
// This module holds the bodies, how a body is read, how errors answer, and the routes. Each
// sim/<kind>/control.ts plugs its state in through a thin SimControl adapter and keeps only what
// is its own: extra or looser body fields, extra routes, its cancel answer and its error wording.

export const FAULT_TYPES = ["5xx", "429", "timeout", "slow", "expired", "auth"] as const;
export type SimFaultType = (typeof FAULT_TYPES)[number];

// The fields of the uniform bodies. A mall overrides a field or adds one through controlBodies().
const LISTING_ITEM = { code: z.string().min(1), quantity: z.number().int().min(0) };
const ORDER_LINE = { code: z.string().min(1), quantity: z.number().int().min(1) };
const CANCEL = { lineId: z.string().optional(), quantity: z.number().int().min(1).optional() };
const FAULT = {
  type: z.enum(FAULT_TYPES),
  times: z.number().int().min(1).optional(),
  delayMs: z.number().int().min(0).optional(),
};

/**
 * The schemas of the four uniform bodies. Each `extra` shape is merged into the standard fields of
 * a listing item, an order line, a cancel body or a fault body: a field named like a standard one
 * replaces it (in place), any other is added after them.
 */
export function controlBodies<
  L extends z.ZodRawShape = {},
  O extends z.ZodRawShape = {},
  C extends z.ZodRawShape = {},
  F extends z.ZodRawShape = {},
>(extra: { listingItem?: L; orderLine?: O; cancel?: C; fault?: F } = {}) {
  return {
    listings: z.object({ items: z.array(z.object(LISTING_ITEM).extend(extra.listingItem ?? ({} as L))) }),
    orders: z.object({ lines: z.array(z.object(ORDER_LINE).extend(extra.orderLine ?? ({} as O))).min(1) }),
    cancel: z.object(CANCEL).extend(extra.cancel ?? ({} as C)),
    fault: z.object(FAULT).extend(extra.fault ?? ({} as F)),
  };
}

export type FaultBody = { type: SimFaultType; times?: number; delayMs?: number };

/** What controlRoutes() needs of the bodies (controlBodies() gives them): a listing item I, an order line L, a cancel body C, a fault body F. */
export interface ControlBodies<I extends object, L extends object, C extends object, F extends FaultBody> {
  listings: z.ZodType<{ items: I[] }>;
  orders: z.ZodType<{ lines: L[] }>;
  cancel: z.ZodType<C>;
  fault: z.ZodType<F>;
}

/** What every mall's state offers as is (its listing items I, its order lines L). */
export interface UniformSimState<I extends object, L extends object> {
  reset(): void;
  setListings(items: I[]): void;
  /** Answered as is ({ orderId, lineIds }). */
  createOrder(lines: L[]): object;
  /** The queued faults (POST /faults answers how many). */
  readonly faults: readonly unknown[];
}

/** The rest of the state as the control routes see it: a thin adapter object over the mall's state. */
export interface SimControl<C extends object, F extends FaultBody> {
  listings(): object;
  /** Cancels the order (or one line, or some of a line); returns the mall's answer. */
  cancelOrder(orderId: string, body: C): object;
  addFault(fault: F): void;
  calls(): object;
}

/** How a mall reads bodies and answers errors, and where it differs in its answers. */
export interface ControlOptions {
  /** Prefix of every route (default "/__sim"; "" for an app that is itself mounted at /__sim). */
  prefix?: string;
  /**
   * Which empty bodies read as {}: on the cancel route only, when blank (the default; elsewhere a
   * blank body is not JSON); or on every route, when "blank" (empty or whitespace) or strictly "empty".
   */
  emptyBody?: "cancel" | "blank" | "empty";
  /** The error for a body that is not JSON (default "body must be JSON"). */
  notJson?: string | ((e: SyntaxError) => string);
  /** The error for a body its schema rejects (default: the ZodError's message). */
  invalid?: (e: z.ZodError) => string;
  /** The mall's error class (with an HTTP status): answered { error: message } with that status. */
  simError?: abstract new (...args: never[]) => Error & { status: number };
  /** Any other error: rethrown to the enclosing app unless this answers it. */
  otherError?: (e: Error, c: Context) => Response | Promise<Response>;
  /** POST /listings answers this instead of { items: listings() }. */
  listingsAnswer?: (items: object[]) => object;
  /** Name of the queued-fault count in the POST /faults answer (default "pending"). */
  faultCountKey?: string;
}

/** A control request the simulator refuses: answered { error: message } with its status. */
export class ControlError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
  }
}

export interface BodyReading {
  /** Whether an empty body reads as {}: when "blank" (empty or whitespace), strictly "empty", or "never". */
  empty: "blank" | "empty" | "never";
  notJson: string | ((e: SyntaxError) => string);
  invalid: (e: z.ZodError) => string;
}

/** Reads a request's JSON body against `schema`; a body that is not JSON or does not fit throws a ControlError (400). */
export async function readBody<T>(c: Context, schema: z.ZodType<T>, how: BodyReading): Promise<T> {
  const text = await c.req.text();
  let json: unknown = {};
  const empty = how.empty === "blank" ? !text.trim() : how.empty === "empty" && text === "";
  if (!empty) {
    try {
      json = JSON.parse(text);
    } catch (e) {
      throw new ControlError(400, typeof how.notJson === "string" ? how.notJson : how.notJson(e as SyntaxError));
    }
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new ControlError(400, how.invalid(r.error));
  return r.data;
}

/**
 * A Hono app answering the uniform control routes over a mall's state (and `control`, the adapter
 * for what the state does not offer as is); a mall adds its extra routes to it.
 */
export function controlRoutes<I extends object, L extends object, C extends object, F extends FaultBody>(
  state: UniformSimState<I, L>,
  bodies: ControlBodies<I, L, C, F>,
  control: SimControl<C, F>,
  options: ControlOptions = {},
): Hono {
  const { prefix = "/__sim", emptyBody = "cancel", simError, otherError, listingsAnswer, faultCountKey = "pending" } = options;
  const reading = (cancel: boolean): BodyReading => ({
    empty: emptyBody === "cancel" ? (cancel ? "blank" : "never") : emptyBody,
    notJson: options.notJson ?? "body must be JSON",
    invalid: options.invalid ?? ((e) => e.message),
  });
  const body = <T>(c: Context, schema: z.ZodType<T>, cancel = false) => readBody(c, schema, reading(cancel));

  const app = new Hono();
  app.onError((e, c) => {
    if (e instanceof ControlError || (simError && e instanceof simError)) {
      return c.json({ error: e.message }, e.status as ContentfulStatusCode);
    }
    if (otherError) return otherError(e, c);
    throw e;
  });

  app.post(`${prefix}/reset`, (c) => {
    state.reset();
    return c.json({ ok: true });
  });
  app.get(`${prefix}/listings`, (c) => c.json({ items: control.listings() }));
  app.post(`${prefix}/listings`, async (c) => {
    const { items } = await body(c, bodies.listings);
    state.setListings(items);
    return c.json(listingsAnswer ? listingsAnswer(items) : { items: control.listings() });
  });
  app.post(`${prefix}/orders`, async (c) => c.json(state.createOrder((await body(c, bodies.orders)).lines)));
  app.post(`${prefix}/orders/:orderId/cancel`, async (c) => {
    const b = await body(c, bodies.cancel, true);
    return c.json(control.cancelOrder(c.req.param("orderId"), b));
  });
  app.post(`${prefix}/faults`, async (c) => {
    control.addFault(await body(c, bodies.fault));
    return c.json({ ok: true, [faultCountKey]: state.faults.length });
  });
  app.get(`${prefix}/calls`, (c) => c.json({ calls: control.calls() }));
  return app;
}

/** One API call as a simulator logs it (GET /<kind>/__sim/calls). */
export interface SimCall {
  method: string;
  path: string;
  status: number;
}

/**
 * Logs every API call (the last 1,000) with the status it was answered, and answers with an
 * injected fault instead when `fault` has one for it.
 */
export function logCalls(calls: () => SimCall[], fault: (c: Context) => Promise<Response | null>): MiddlewareHandler {
  return async (c, next) => {
    const entry: SimCall = { method: c.req.method, path: c.req.path, status: 0 };
    const log = calls();
    log.push(entry);
    if (log.length > 1000) log.shift();
    const res = await fault(c);
    if (res) {
      entry.status = res.status;
      return res;
    }
    await next();
    entry.status = c.res.status;
  };
}
