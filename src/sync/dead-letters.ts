import { createDb } from "../db/client";
import { recordDeadLetters } from "../db/queries/sync";

// Consumers of kura-pull-dlq and kura-push-dlq (ARCHITECTURE.md §4 "Failures"): a task that
// exhausted its retries is written to D1 (sync_failures), where the merchant sees it
// (GET /sync/failures) and can send it again (POST /sync/failures/{id}/retry); then it is
// acknowledged. Nothing is dropped silently, not even a body that does not parse.

/** The dead-letter queue of each work queue (wrangler.toml), and back. */
export const DEAD_LETTER_QUEUES: Record<string, string> = { "kura-pull-dlq": "kura-pull", "kura-push-dlq": "kura-push" };

/**
 * Deliveries a task got on its own queue before it was dead-lettered: wrangler.toml's
 * max_retries (10) plus the first. The dead-letter queue does not carry the count along (its
 * own `attempts` starts again at 1), so it is stated here; keep the two in step.
 */
export const SOURCE_DELIVERIES = 11;

export const isDeadLetterQueue = (queue: string) => queue in DEAD_LETTER_QUEUES;

const num = (v: unknown) => (typeof v === "number" && Number.isInteger(v) ? v : null);

export async function storeDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const queue = DEAD_LETTER_QUEUES[batch.queue];
  const rows = batch.messages.map((msg) => {
    const body = msg.body as Record<string, unknown> | null;
    const kind = body && typeof body === "object" && typeof body.kind === "string" ? body.kind : "unknown";
    return {
      accountId: num(body?.accountId),
      shopId: num(body?.shopId),
      queue,
      messageId: msg.id,
      kind,
      body: msg.body ?? null,
      attempts: SOURCE_DELIVERIES,
      enqueuedAt: msg.timestamp.getTime(),
    };
  });
  try {
    await recordDeadLetters(createDb(env.DB), rows);
  } catch (err) {
    // D1 is the only thing that can fail here. The messages stay on this queue and come back
    // later (wrangler.toml gives this consumer many retries); recording is idempotent per message.
    console.error(JSON.stringify({ msg: "dead letters not recorded, will retry", queue: batch.queue, count: rows.length, error: err instanceof Error ? err.message : String(err) }));
    batch.retryAll({ delaySeconds: Math.min(60 * 2 ** Math.min(batch.messages[0]?.attempts ?? 1, 6), 3600) });
    return;
  }
  for (const r of rows) {
    // Loud on purpose: a dead-lettered task is an incident someone should look at.
    console.error(JSON.stringify({ msg: "task dead-lettered", queue, kind: r.kind, accountId: r.accountId, shopId: r.shopId, messageId: r.messageId }));
  }
  batch.ackAll();
}
