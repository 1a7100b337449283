import { enqueueImport } from "../csv/import-job";
import { createDb } from "../db/client";
import { stalledImports } from "../db/queries/imports";
import { housekeepingDue } from "./housekeeping";
import { dueTasks } from "./tasks";

// The cron entry point (every minute). It only decides what is due and enqueues small tasks;
// it never talks to a mall itself.
export async function schedule(controller: ScheduledController, env: Env): Promise<{ enqueued: number }> {
  const due = [...(await dueTasks(env)), ...(await housekeepingDue(env, controller.scheduledTime))];
  const send = async (queue: Queue, items: typeof due) => {
    for (let i = 0; i < items.length; i += 100) {
      await queue.sendBatch(items.slice(i, i + 100).map(({ task, delaySeconds }) => ({ body: task, ...(delaySeconds ? { delaySeconds } : {}) })));
    }
  };
  await send(env.PULL_QUEUE, due.filter((d) => d.task.kind === "pull"));
  await send(env.PUSH_QUEUE, due.filter((d) => d.task.kind !== "pull"));
  // An import whose worker went quiet (a restart, a lost message) is handed on again.
  for (const imp of await stalledImports(createDb(env.DB))) await enqueueImport(env, imp.accountId, imp.id);
  return { enqueued: due.length };
}
