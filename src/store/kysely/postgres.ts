import { readFileSync } from "node:fs";
import type { ConnectionOptions } from "node:tls";
import pg from "pg";
import { StoreOpenError } from "../errors.js";
import type { PostgresTarget } from "../url.js";

export interface PostgresOptions {
  /** Connections in the pool (DATABASE_POOL_SIZE). */
  poolSize: number;
  /** Server-side statement_timeout for every pooled connection (DATABASE_STATEMENT_TIMEOUT_MS). */
  statementTimeoutMs: number;
  /** How long to wait for a connection (DATABASE_CONNECT_TIMEOUT_MS). */
  connectTimeoutMs: number;
}

export const POSTGRES_DEFAULTS: PostgresOptions = {
  poolSize: 10,
  statementTimeoutMs: 30_000,
  connectTimeoutMs: 10_000,
};

const INT8 = 20;

/**
 * bigint (int8) columns and COUNT(*) come back as numbers, like SQLite's: ids stay far below 2^53. Set on
 * our clients only (pg's `types` option), never on pg's global parsers.
 */
const types = {
  getTypeParser: ((oid: number, format?: "text" | "binary") =>
    oid === INT8 && format !== "binary"
      ? (value: string) => Number(value)
      : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
};

/**
 * libpq's sslmode, in Node's terms: `require` encrypts without checking the certificate (libpq's meaning
 * when no root certificate is given), `verify-ca` checks the chain but not the host name, `verify-full`
 * checks both (postgresql.org/docs/15/libpq-ssl.html#LIBPQ-SSL-PROTECTION).
 */
function tlsOptions(target: PostgresTarget): ConnectionOptions | false {
  if (target.sslmode === "disable") return false;
  if (target.sslmode === "require") return { rejectUnauthorized: false };
  const ca = target.sslrootcert ? readFileSync(target.sslrootcert, "utf8") : undefined;
  return target.sslmode === "verify-ca"
    ? { ca, rejectUnauthorized: true, checkServerIdentity: () => undefined }
    : { ca, rejectUnauthorized: true };
}

/** Client settings shared by the pool and by dedicated (lock, migration) connections. */
export function pgClientConfig(target: PostgresTarget, options: PostgresOptions): pg.ClientConfig {
  return {
    host: target.host,
    port: target.port,
    user: target.user,
    password: target.password,
    database: target.database,
    ssl: tlsOptions(target),
    application_name: target.applicationName,
    options: target.options,
    connectionTimeoutMillis: options.connectTimeoutMs,
    keepAlive: true,
    types,
  };
}

export function pgPool(target: PostgresTarget, options: PostgresOptions): pg.Pool {
  const pool = new pg.Pool({
    ...pgClientConfig(target, options),
    statement_timeout: options.statementTimeoutMs,
    max: options.poolSize,
    idleTimeoutMillis: 30_000,
  });
  // An idle client whose server went away emits 'error' on the pool; without a listener Node would crash.
  // The pool has already dropped that client; the next query opens a fresh one (or fails, and says so).
  pool.on("error", () => undefined);
  return pool;
}

/** One line naming DATABASE_URL and the fix, for a connection that failed at start. Never the password. */
export function describeOpenFailure(err: unknown, target: PostgresTarget, options: PostgresOptions): string {
  const e = err as { code?: string; message?: string; errors?: { code?: string }[] };
  const code = e.code ?? e.errors?.[0]?.code ?? "";
  const where = `PostgreSQL at ${target.host}:${target.port}`;
  const prefix = `DATABASE_URL (${target.display}):`;
  switch (code) {
    case "ECONNREFUSED":
      return `${prefix} ${where} refused the connection (ECONNREFUSED). Start PostgreSQL or fix the host and port.`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `${prefix} the host ${target.host} cannot be resolved (${code}). Fix the host name.`;
    case "28P01":
    case "28000":
      return `${prefix} ${where} refused the login of ${target.user ?? "the default user"} (${e.message}). Fix the user name and password.`;
    case "3D000":
      return `${prefix} the database "${target.database}" does not exist on ${target.host}. Create it (createdb ${target.database}) or fix the name.`;
    case "ETIMEDOUT":
      return `${prefix} ${where} did not answer (ETIMEDOUT). Check the host, port and firewall.`;
  }
  const message = e.message ?? String(err);
  if (/timeout/i.test(message))
    return `${prefix} ${where} did not answer within ${options.connectTimeoutMs} ms (DATABASE_CONNECT_TIMEOUT_MS). Check the host, port and firewall.`;
  if (/ssl|tls|certificate/i.test(message) || /^(ERR_TLS|CERT_|DEPTH_|SELF_SIGNED|UNABLE_TO)/.test(code))
    return `${prefix} the TLS connection to ${where} failed (${message}). Check sslmode (disable, require, verify-ca, verify-full) and sslrootcert.`;
  return `${prefix} cannot connect to ${where} (${code ? `${code}: ` : ""}${message}).`;
}

/**
 * A connected client outside the pool; start-up failures become StoreOpenError. `overrides` adjust one
 * session (a lock session's name and timeouts) on top of the shared settings.
 */
export async function connectClient(
  target: PostgresTarget,
  options: PostgresOptions,
  overrides: Partial<pg.ClientConfig> = {},
): Promise<pg.Client> {
  const client = new pg.Client({ ...pgClientConfig(target, options), ...overrides });
  // A session that dies while held (server restart) surfaces on its next query; never crash the process.
  client.on("error", () => undefined);
  try {
    await client.connect();
    return client;
  } catch (err) {
    await client.end().catch(() => undefined);
    throw new StoreOpenError(describeOpenFailure(err, target, options));
  }
}
