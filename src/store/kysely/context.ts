import type { Kysely } from "kysely";
import type { DB } from "./schema.js";
import type { CachedRead } from "./shared-read.js";

export type Dialect = "sqlite" | "postgres";

/** What one open store shares with every transaction it runs. */
export interface SessionShared {
  /** The review flags as the pool reads them, kept while nothing can have changed them (shared-read.ts). */
  readonly reviewFlags: CachedRead<unknown[]>;
}

/** What every repository is built from: the executor (the pool, or an open transaction) and its dialect. */
export interface Ctx {
  db: Kysely<DB>;
  dialect: Dialect;
  /** Runs `fn` atomically: inside the current transaction if there is one, else in a new one. */
  atomic<T>(fn: (db: Kysely<DB>) => Promise<T>): Promise<T>;
  shared: SessionShared;
  /** Inside a transaction, `fn` runs once it has settled (committed or rolled back); else `undefined`. */
  afterTransaction: ((fn: () => void) => void) | undefined;
}

export function context(
  db: Kysely<DB>,
  dialect: Dialect,
  shared: SessionShared,
  afterTransaction?: (fn: () => void) => void,
): Ctx {
  return {
    db,
    dialect,
    atomic: afterTransaction ? (fn) => fn(db) : (fn) => db.transaction().execute((trx) => fn(trx)),
    shared,
    afterTransaction,
  };
}
