/** The store could not be opened: the message is one line for the operator, naming DATABASE_URL and the fix. */
export class StoreOpenError extends Error {
  override name = "StoreOpenError";
}

/** The database holds migrations this release does not know: an older binary must not write to it. */
export class SchemaTooNewError extends StoreOpenError {
  override name = "SchemaTooNewError";
  constructor(
    readonly databaseVersion: number,
    readonly releaseVersion: number,
  ) {
    super(
      `the database is at schema version ${databaseVersion}, newer than this release (${releaseVersion}); run a newer release`,
    );
  }
}

/**
 * The database went away while running (connection refused or cut, server restarting, statement timeout,
 * SQLite locked). Callers answer "try again in a minute"; the pool reconnects by itself on the next query.
 */
export class StoreUnavailableError extends Error {
  override name = "StoreUnavailableError";
}

export const isStoreUnavailable = (err: unknown): err is StoreUnavailableError =>
  err instanceof StoreUnavailableError;

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENETDOWN",
]);

const TRANSIENT_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "timeout expired",
  "not queryable",
  "Client was closed",
  "Connection ended",
];

const codeOf = (err: unknown): string => {
  const e = err as { code?: unknown; errors?: unknown[] };
  if (typeof e?.code === "string") return e.code;
  // Node reports a refused dual-stack connect (::1 and 127.0.0.1) as an AggregateError.
  if (Array.isArray(e?.errors)) return codeOf(e.errors[0]);
  return "";
};

/**
 * Whether an error means "the database is not reachable right now" rather than a bug or a constraint:
 * network errors, PostgreSQL SQLSTATE classes 08 (connection exception) and 57 (operator intervention:
 * admin shutdown, crash recovery, cannot connect now, statement timeout), 53300 (too many connections)
 * (postgresql.org/docs/15/errcodes-appendix.html), and SQLite's SQLITE_BUSY after busy_timeout.
 */
export function isConnectionFailure(err: unknown): boolean {
  const code = codeOf(err);
  if (NETWORK_CODES.has(code)) return true;
  if (/^(08|57)[0-9A-Z]{3}$/.test(code) || code === "53300") return true;
  if (code === "SQLITE_BUSY" || code === "SQLITE_LOCKED") return true;
  const message = (err as Error)?.message ?? "";
  return TRANSIENT_MESSAGES.some((m) => message.includes(m));
}

/** Re-throws connection failures as StoreUnavailableError (keeping the cause); anything else unchanged. */
export function classify(err: unknown): unknown {
  if (err instanceof StoreUnavailableError || !isConnectionFailure(err)) return err;
  const message = (err as Error).message || codeOf(err);
  return new StoreUnavailableError(`the database is unavailable (${message})`, { cause: err });
}
