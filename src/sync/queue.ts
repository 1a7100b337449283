import { task, type Task } from "../schemas/tasks";

// Queue consumers for kura-pull and kura-push. Each message is parsed at the boundary; a body
// that does not parse is acknowledged and logged (retrying cannot fix it), anything that throws
// is retried with backoff and ends in the dead-letter queue after max_retries.

export type TaskHandler = (env: Env, t: Task) => Promise<void>;

const handlers: Partial<Record<Task["kind"], TaskHandler>> = {};

/** Mall adapters and the sync engine register what they do with each task kind. */
export function onTask(kind: Task["kind"], handler: TaskHandler) {
  handlers[kind] = handler;
}

export async function consume(batch: MessageBatch<unknown>, env: Env) {
  for (const msg of batch.messages) {
    const parsed = task.safeParse(msg.body);
    if (!parsed.success) {
      console.error(JSON.stringify({ msg: "dropping malformed task", queue: batch.queue, id: msg.id, issues: parsed.error.issues.length }));
      msg.ack();
      continue;
    }
    try {
      await handlers[parsed.data.kind]?.(env, parsed.data);
      msg.ack();
    } catch (err) {
      const delaySeconds = Math.min(2 ** msg.attempts * 5, 3600);
      console.error(JSON.stringify({ msg: "task failed", queue: batch.queue, kind: parsed.data.kind, attempt: msg.attempts, retryIn: delaySeconds, error: String(err) }));
      msg.retry({ delaySeconds });
    }
  }
}
