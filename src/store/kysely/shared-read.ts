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
