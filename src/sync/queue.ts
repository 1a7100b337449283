import { MallError } from "../malls/types";
import { task } from "../schemas/tasks";
import { runTask } from "./tasks";

// Queue consumers for kura-pull and kura-push. Each message is parsed at the boundary; a body
// that does not parse is acknowledged and logged (retrying cannot fix it). A mall that asks to
// wait is retried after its hint; an auth failure has already stopped the shop (停止中), so it is
// acknowledged; anything else is retried with backoff and ends in the dead-letter queue.

export async function consume(batch: MessageBatch<unknown>, env: Env, ctx?: Pick<ExecutionContext, "waitUntil">) {
  // The messages of a batch are for different shops (or the same shop, which its ShopSync
  // serialises): taken one after another, a pull waiting for a busy shop's turn (BASE spends a
  // second per item) held every other shop's pull in the batch behind it.
  await Promise.all(batch.messages.map((msg) => consumeOne(batch.queue, msg, env, ctx)));
}

async function consumeOne(queue: string, msg: Message<unknown>, env: Env, ctx?: Pick<ExecutionContext, "waitUntil">) {
  const parsed = task.safeParse(msg.body);
  if (!parsed.success) {
    console.error(JSON.stringify({ msg: "dropping malformed task", queue, id: msg.id, issues: parsed.error.issues.length }));
    msg.ack();
    return;
  }
  // A drift step reads the mall for seconds (BASE: a second an item) and is best effort: a step
  // that fails is simply tried next minute. Awaited here it held the whole kura-push batch, and
  // every stock-changed message queued behind it: sold-out p99 6.6 s on every shop at once in
  // bench:propagation. It runs beside the batch instead.
  if (parsed.data.kind === "drift" && ctx) {
    ctx.waitUntil(runTask(env, parsed.data).catch((err: unknown) => console.warn(JSON.stringify({ msg: "drift step failed", error: err instanceof Error ? err.message : String(err) }))));
    msg.ack();
    return;
  }
  try {
    await runTask(env, parsed.data);
    msg.ack();
  } catch (err) {
    if (err instanceof MallError && err.errorClass === "auth") {
      msg.ack();
      return;
    }
    const hinted = err instanceof MallError ? err.opts.retryAfterSec : undefined;
    const delaySeconds = Math.min(hinted ?? 2 ** msg.attempts * 5, 3600);
    const line = JSON.stringify({ msg: "task failed", queue, kind: parsed.data.kind, attempt: msg.attempts, retryIn: delaySeconds, error: err instanceof Error ? err.message : String(err) });
    // A mall asking to wait is ordinary traffic shaping, not an incident.
    if (err instanceof MallError && err.errorClass === "rate") console.warn(line);
    else console.error(line);
    msg.retry({ delaySeconds });
  }
}
