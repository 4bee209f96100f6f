/**
 * One read shared by the callers that ask while it is in flight. The slash command reads the review flags
 * on every request; at 50 requests in flight that was 50 identical queries queued for one SQLite connection
 * or a pool of ten PostgreSQL ones. A caller that joins a read already running gets what a query started a
 * moment before its own call saw, which is what it would have seen had it arrived that moment earlier: the
 * two are concurrent. A write through the same repository (`invalidate`) makes later callers read afresh.
 * Nothing is kept once the read settles, so a read never answers from a finished query.
 */
export interface SharedRead<T> {
  read(): Promise<T>;
  invalidate(): void;
}

export function sharedRead<T>(query: () => Promise<T>): SharedRead<T> {
  let inFlight: Promise<T> | undefined;
  return {
    read() {
      if (inFlight) return inFlight;
      const started = query();
      inFlight = started;
      const settle = () => {
        if (inFlight === started) inFlight = undefined;
      };
      started.then(settle, settle);
      return started;
    },
    invalidate() {
      inFlight = undefined;
    },
  };
}

/** A SharedRead that, with a live change feed, answers from memory until the rows may have changed. */
export interface CachedRead<T> {
  read(): Promise<T>;
  /** A write to the rows begins here: nothing is answered from memory until `written`. */
  writing(): void;
  /** That write has settled, and so has the transaction it ran in (its commit is what others see). */
  written(): void;
}

/**
 * The review flags are read by every slash command and written a few times a day: on PostgreSQL the read
 * was one round trip per command (~15 % of a command's CPU at 50 in flight, bench/commands.mjs). An answer
 * is kept while `feed` is live and its generation has not moved since that answer's query started (a
 * NOTIFY from any instance, change-feed.ts; on SQLite another connection's commit, sqlite.ts), and while
 * no write of this process is under way. A query that started before a write began is never kept.
 * Without a feed this is `sharedRead`.
 */
export function cachedRead<T>(
  query: () => Promise<T>,
  feed: { readonly live: boolean; readonly generation: number } | undefined,
): CachedRead<T> {
  const shared = sharedRead(query);
  let writes = 0;
  /** Moves at every local write's start and end: with the feed's generation, what a kept answer saw. */
  let local = 0;
  let kept: { value: T; feedGeneration: number; local: number } | undefined;
  const usable = () => feed?.live === true && writes === 0;
  return {
    read() {
      if (kept && usable() && kept.feedGeneration === feed?.generation && kept.local === local)
        return Promise.resolve(kept.value);
      kept = undefined;
      const seen = { feedGeneration: feed?.generation ?? 0, local };
      const reading = shared.read();
      reading.then(
        (value) => {
          if (usable() && seen.feedGeneration === feed?.generation && seen.local === local)
            kept = { value, ...seen };
        },
        () => undefined,
      );
      return reading;
    },
    writing() {
      writes += 1;
      local += 1;
      kept = undefined;
      shared.invalidate();
    },
    written() {
      writes -= 1;
      local += 1;
      kept = undefined;
      shared.invalidate();
    },
  };
}
