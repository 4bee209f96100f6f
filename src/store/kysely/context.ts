import type { Kysely } from "kysely";
import type { DB } from "./schema.js";

export type Dialect = "sqlite" | "postgres";

/** What every repository is built from: the executor (the pool, or an open transaction) and its dialect. */
export interface Ctx {
  db: Kysely<DB>;
  dialect: Dialect;
  /** Runs `fn` atomically: inside the current transaction if there is one, else in a new one. */
  atomic<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T>;
}

export function context(db: Kysely<DB>, dialect: Dialect, inTransaction: boolean): Ctx {
  return {
    db,
    dialect,
    atomic: inTransaction ? (fn) => fn(db) : (fn) => db.transaction().execute((trx) => fn(trx)),
  };
}
