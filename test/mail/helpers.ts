import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env, exports } from "cloudflare:workers";
import worker from "../../src/index";
import type { Client } from "../helpers/api";

// Delivering a mail to the Worker as Cloudflare Email Routing does: a ForwardableEmailMessage
// built from the raw bytes, handed to the worker's email() handler.

export const fixture = (name: string) => Uint8Array.from(atob(env.MAIL_FIXTURES[name]), (c) => c.charCodeAt(0));

export interface Delivery {
  rejected: string | null;
  forwarded: string[];
}

export function emailMessage(raw: Uint8Array, from: string, to: string) {
  const out: Delivery = { rejected: null, forwarded: [] };
  const message = {
    from,
    to,
    raw: new Response(raw).body!,
    rawSize: raw.byteLength,
    headers: new Headers(),
    setReject(reason: string) {
      out.rejected = reason;
    },
    async forward(rcptTo: string) {
      out.forwarded.push(rcptTo);
      return { messageId: "fwd@test" };
    },
    async reply() {
      return { messageId: "reply@test" };
    },
  } satisfies ForwardableEmailMessage;
  return { message, out };
}

/**
 * Delivers `raw` to `to` through the Worker's email() handler; says whether it was rejected. The
 * handler is called directly so that setReject lands before this returns; through
 * exports.default.email (the entrypoint, over RPC) the callback arrives a moment later.
 */
export async function deliver(raw: Uint8Array, to: string, from = "kurata-shop@example.jp"): Promise<Delivery> {
  const { message, out } = emailMessage(raw, from, to);
  const ctx = createExecutionContext();
  await worker.email(message, env, ctx);
  await waitOnExecutionContext(ctx);
  return out;
}

/** The account's inbound address, as GET /settings gives it. */
export async function inboundOf(c: Client): Promise<string> {
  const res = await c.get("/settings");
  return res.json.inboundEmail as string;
}

/** The same delivery through the Worker's entrypoint (exports.default.email); setReject arrives asynchronously. */
export async function deliverViaEntrypoint(raw: Uint8Array, to: string, from = "kurata-shop@example.jp"): Promise<Delivery> {
  const { message, out } = emailMessage(raw, from, to);
  await (exports.default as unknown as { email(m: ForwardableEmailMessage): Promise<void> }).email(message);
  return out;
}
