import { AsyncLocalStorage } from "node:async_hooks";
import type { Database } from "better-sqlite3";

/**
 * The one connection's turn-taking. better-sqlite3 is synchronous and `db.transaction()` cannot span an
 * `await` (https://github.com/WiseLibs/better-sqlite3/blob/master/docs/api.md#transactionfunction), so an
 * async transaction is an explicit BEGIN IMMEDIATE … COMMIT on the shared connection. While one is open,
 * every other caller waits in a FIFO queue: otherwise its statements would run inside the open transaction
 * (and be rolled back with it, or see its uncommitted writes). With no transaction open and nobody waiting,
 * a statement runs at once.
 */
export class Gate {
  /** The open transaction, or null. */
  private owner: symbol | null = null;
  private readonly waiting: (() => boolean)[] = [];
  /** Marks the async context of an open transaction, to turn "used the outer store inside it" into an error. */
  private readonly context = new AsyncLocalStorage<symbol>();

  constructor(private readonly db: Database) {}

  /** A statement from outside any transaction. */
  run<T>(statement: () => T): Promise<T> {
    if (this.owner === null && this.waiting.length === 0) return settle(statement);
    if (this.insideOwnTransaction()) return Promise.reject(outerStoreInsideTransaction());
    return new Promise<T>((resolve, reject) => {
      this.waiting.push(() => {
        settle(statement).then(resolve, reject);
        return false;
      });
    });
  }

  /** A statement from a transaction's `tx`: it already holds the connection. */
  runIn<T>(token: symbol, statement: () => T): Promise<T> {
    if (this.owner !== token)
      return Promise.reject(new Error("store: this transaction has already finished; use the outer store"));
    return settle(statement);
  }

  /** Runs `fn` between BEGIN IMMEDIATE and COMMIT once every earlier caller has had its turn. */
  async transaction<T>(fn: (token: symbol) => Promise<T>): Promise<T> {
    const token = Symbol("transaction");
    if (this.owner !== null || this.waiting.length > 0) {
      if (this.insideOwnTransaction()) throw outerStoreInsideTransaction();
      await new Promise<void>((resolve) => {
        this.waiting.push(() => {
          this.owner = token;
          resolve();
          return true;
        });
      });
    } else {
      this.owner = token;
    }
    try {
      this.db.exec("BEGIN IMMEDIATE");
    } catch (err) {
      this.release();
      throw err;
    }
    try {
      const result = await this.context.run(token, () => fn(token));
      this.db.exec("COMMIT");
      return result;
    } catch (err) {
      // A failed COMMIT (or a statement error SQLite answered with its own rollback) may leave nothing open.
      if (this.db.inTransaction) this.db.exec("ROLLBACK");
      throw err;
    } finally {
      this.release();
    }
  }

  /** Waits for every earlier caller, then runs `last` (closing the connection). */
  drain<T>(last: () => T): Promise<T> {
    return this.run(last);
  }

  private release(): void {
    this.owner = null;
    // Statements queued behind the transaction run now, in order, until the next transaction takes over.
    while (this.waiting.length > 0 && this.owner === null) {
      const next = this.waiting.shift()!;
      if (next()) return;
    }
  }

  /**
   * Waiting for the transaction one is running inside would never end: a call on the outer store (or a new
   * outer transaction) from within `store.transaction(async (tx) => …)` must use `tx` instead.
   */
  private insideOwnTransaction(): boolean {
    const inside = this.context.getStore();
    return inside !== undefined && inside === this.owner;
  }
}

const outerStoreInsideTransaction = () =>
  new Error("store: called the outer store inside its own transaction; use the transaction's tx");

function settle<T>(statement: () => T): Promise<T> {
  try {
    return Promise.resolve(statement());
  } catch (err) {
    return Promise.reject(err);
  }
}

/** A repository's synchronous twin: the same methods, answering at once (what better-sqlite3 gives). */
export type Sync<R> = {
  [K in keyof R]: R[K] extends (...args: infer A) => Promise<infer T> ? (...args: A) => T : never;
};

/** The async repository: each call runs its synchronous statement(s) when `exec` gives it the turn. */
export function asyncRepository<R>(sync: Sync<R>, exec: <T>(statement: () => T) => Promise<T>): R {
  const out: Record<string, unknown> = {};
  for (const [name, fn] of Object.entries(sync as Record<string, (...args: unknown[]) => unknown>))
    out[name] = (...args: unknown[]) => exec(() => fn(...args));
  return out as R;
}
