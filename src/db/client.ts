import { drizzle } from "drizzle-orm/d1";
import type { Db } from "../env";
import * as schema from "./schema";

// Building a drizzle instance walks the whole schema; do it once per D1 binding, not per request.
const instances = new WeakMap<D1Database, Db>();

export function createDb(d1: D1Database): Db {
  let db = instances.get(d1);
  if (!db) {
    db = drizzle(d1, { schema, casing: "snake_case" });
    instances.set(d1, db);
  }
  return db;
}
