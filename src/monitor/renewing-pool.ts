import type { Piscina } from "piscina";

/**
 * A piscina pool that is replaced when it can no longer start threads. Piscina emits "error" for a thread
 * that died holding no task: one that ran out of memory as it wound down, or one that never finished
 * starting (seen on Node 24 with a small heap; a worker module that fails to load does the same). After a
 * thread fails while starting, piscina starts no more threads for that pool, so the tasks queued in it
 * would wait forever. Such a pool is retired: a fresh one takes the next tasks, and destroying the old one
 * fails what it held; callers see that through `isRetired` and run those tasks again (a bounded number of
 * times), never blaming the task for it.
 */
export interface RenewingPool<Task, Result> {
  /** The pool to run the next task on. */
  current(): Piscina<Task, Result>;
  /** The pool was given up on: a task it failed is not to blame and may run again. */
  isRetired(pool: Piscina<Task, Result>): boolean;
  destroy(): Promise<void>;
}

/**
 * How many times a task that failed through no fault of its own (its thread died for another task, or its
 * pool was retired) is run again before it fails as "the worker stopped repeatedly".
 */
export const COLLATERAL_TRIES = 8;

export function renewingPool<Task, Result>(make: () => Piscina<Task, Result>): RenewingPool<Task, Result> {
  const retired = new WeakSet<Piscina<Task, Result>>();
  const fresh = (): Piscina<Task, Result> => {
    const pool = make();
    pool.on("error", () => {
      if (retired.has(pool)) return;
      retired.add(pool);
      if (current === pool) current = fresh();
      void pool.destroy().catch(() => undefined);
    });
    return pool;
  };
  let current = fresh();
  return {
    current: () => current,
    isRetired: (pool) => retired.has(pool),
    destroy: () => current.destroy(),
  };
}
