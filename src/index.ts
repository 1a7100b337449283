import { app } from "./app";
import { schedule } from "./sync/scheduler";
import { consume } from "./sync/queue";
import { isDeadLetterQueue, storeDeadLetters } from "./sync/dead-letters";
import { createDb } from "./db/client";
import { receiveMail } from "./mail/intake";

export { StockGroup } from "./stock/stock-group";
export { ShopSync } from "./sync/shop-sync-object";

export default {
  fetch: app.fetch,
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(schedule(controller, env));
  },
  async queue(batch, env, ctx?: ExecutionContext) {
    // The dead-letter queues are recorded, never run: their tasks already failed every retry.
    if (isDeadLetterQueue(batch.queue)) await storeDeadLetters(batch, env);
    else await consume(batch, env, ctx);
  },
  // Cloudflare Email Routing: order mails forwarded to an account's inbound address (src/mail/).
  // A mail for no account is refused at SMTP time, so the sender learns the address is wrong. A
  // failure inside (D1 or a StockGroup unavailable) throws: Email Routing then answers the sending
  // server with a temporary error and it delivers again later; lines already taken in are keyed
  // shop + order + line, so the second delivery changes stock only by what the first did not.
  async email(message, env, _ctx) {
    const raw = new Uint8Array(await new Response(message.raw).arrayBuffer());
    const res = await receiveMail(env, createDb(env.DB), { from: message.from, to: message.to, raw });
    if ("rejected" in res) message.setReject(res.rejected);
  },
} satisfies ExportedHandler<Env>;
