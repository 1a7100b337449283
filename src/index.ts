import { app } from "./app";
import { schedule } from "./sync/scheduler";
import { consume } from "./sync/queue";
import { isDeadLetterQueue, storeDeadLetters } from "./sync/dead-letters";

export { StockGroup } from "./stock/stock-group";
export { ShopSync } from "./sync/shop-sync-object";

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(schedule(controller, env));
  },
  async queue(batch, env) {
    // The dead-letter queues are recorded, never run: their tasks already failed every retry.
    if (isDeadLetterQueue(batch.queue)) await storeDeadLetters(batch, env);
    else await consume(batch, env);
  },
} satisfies ExportedHandler<Env>;
