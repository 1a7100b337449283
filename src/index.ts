import { app } from "./app";
import { schedule } from "./sync/scheduler";
import { consume } from "./sync/queue";

export { StockGroup } from "./stock/stock-group";
export { ShopSync } from "./sync/shop-sync-object";

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(schedule(controller, env));
  },
  async queue(batch, env) {
    await consume(batch, env);
  },
} satisfies ExportedHandler<Env>;
