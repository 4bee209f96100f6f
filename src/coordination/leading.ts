import type { Store } from "../store/index.js";

/**
 * `store` as a coordinated job sees it: every repository call and every transaction first checks the
 * job's `signal` (Coordinator.exclusive) and rejects with its reason (LeadershipLost) once this instance
 * stopped leading the job, so a run that lost its lock mid-way writes and claims nothing more, wherever it
 * was. A transaction already open when the signal aborts fails at its next statement and rolls back.
 * Reads are refused too: a run that no longer leads has nothing left to do with what it would read.
 */
export function whileLeading(store: Store, signal: AbortSignal): Store {
  const guarded = <R extends object>(repository: R): R => {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(repository))
      out[name] =
        typeof value === "function"
          ? (...args: unknown[]) =>
              signal.aborted ? Promise.reject(signal.reason) : value.apply(repository, args)
          : value;
    return out as R;
  };
  // Every repository (each an object of methods), whatever the Store interface grows to hold.
  const repositories: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(store))
    if (value && typeof value === "object") repositories[name] = guarded(value);
  return {
    ...store,
    ...repositories,
    transaction: (fn) =>
      signal.aborted
        ? Promise.reject(signal.reason)
        : store.transaction((tx) => fn(whileLeading(tx, signal))),
    ping: () => store.ping(),
    close: () => store.close(),
  } as Store;
}
