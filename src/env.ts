import type { DrizzleD1Database } from "drizzle-orm/d1";
import type * as schema from "./db/schema";

export type Db = DrizzleD1Database<typeof schema>;

/** Who is acting: an API token of an account, a dashboard user, or the operator. */
export interface Principal {
  accountId: number;
  actor: string; // "token:<id>", "user:<id>"
  scopes: string[];
}

export interface AppEnv {
  Bindings: Env;
  Variables: {
    db: Db;
    principal: Principal;
    requestId: string;
  };
}
