import { DurableObject } from "cloudflare:workers";
export class StockGroup extends DurableObject<Env> {}
export default {
  async fetch() { return new Response("kura"); },
} satisfies ExportedHandler<Env>;
