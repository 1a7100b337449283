import type { Task } from "../schemas/tasks";
import { dueTasks } from "./tasks";

// The cron entry point (every minute). It only decides what is due and enqueues small tasks;
// it never talks to a mall itself.
export async function schedule(_controller: ScheduledController, env: Env): Promise<{ enqueued: number }> {
  const tasks = await dueTasks(env);
  const send = async (queue: Queue, items: Task[]) => {
    for (let i = 0; i < items.length; i += 100) await queue.sendBatch(items.slice(i, i + 100).map((body) => ({ body })));
  };
  await send(env.PULL_QUEUE, tasks.filter((t) => t.kind === "pull"));
  await send(env.PUSH_QUEUE, tasks.filter((t) => t.kind === "push"));
  return { enqueued: tasks.length };
}
