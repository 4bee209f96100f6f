import { AsyncLocalStorage } from "node:async_hooks";
import { Kysely, PostgresDialect } from "kysely";
import type pg from "pg";
import { classify, StoreOpenError } from "../errors.js";
import type { Store, StoreHealth } from "../types.js";
import { type DatabaseTarget, type PostgresTarget, parseDatabaseUrl } from "../url.js";
import { audiences } from "./audiences.js";
import { catalogHistory } from "./catalog.js";
import { type ChangeFeed, listenForChanges } from "./change-feed.js";
import { type Ctx, context, type Dialect } from "./context.js";
import { audit, keyValue, subscriptions } from "./core.js";
import { installations } from "./installations.js";
import { migratePostgres, migrateSqlite } from "./migration.js";
import { MIGRATIONS } from "./migrations/index.js";
import { documents, reviewFlagsRead } from "./monitor.js";
import { outbox } from "./outbox.js";
import { connectClient, POSTGRES_DEFAULTS, type PostgresOptions, pgPool } from "./postgres.js";
import { reminders } from "./reminders.js";
import type { DB } from "./schema.js";
import { openSqliteFile, sqliteChangeFeed, sqliteKysely, sqliteOpenError } from "./sqlite.js";
import { sqlitePing } from "./sqlite-ping.js";

export interface OpenOptions {
  postgres?: Partial<PostgresOptions>;
  /** Clock for migration bookkeeping. */
  now?: () => Date;
  /**
   * Refuse the outer store inside its own transaction (default: on). It needs an AsyncLocalStorage around
   * every transaction, and on Node 20 and 22 an AsyncLocalStorage in use turns on promise hooks for the
   * whole process (nodejs.org/api/async_context.html): every promise then costs more, measured at ~15 % of
   * the CPU of each slash command (bench/commands.mjs). Node 24 tracks the context without them. The bot
   * turns it off under NODE_ENV=production (config.ts, databaseOptions); tests and tools keep it.
   */
  checkTransactionUse?: boolean;
}

/**
 * Every rejection from the database passes through `classify` (connection trouble → StoreUnavailableError),
 * after `check` (misuse: the outer store inside its own transaction, a finished transaction).
 */
function guarded<T extends object>(repository: T, check: () => void): T {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(repository))
    out[name] =
      typeof value === "function"
        ? async (...args: unknown[]) => {
            check();
            try {
              return await (value as (...a: unknown[]) => Promise<unknown>)(...args);
            } catch (err) {
              throw classify(err);
            }
          }
        : value;
  return out as T;
}

/** Which store's transaction the current async context is inside (AsyncLocalStorage follows awaits). */
const insideTransactionOf = new AsyncLocalStorage<Session>();

interface Session {
  dialect: Dialect;
  ping(): Promise<StoreHealth>;
  close(): Promise<void>;
}

interface Tracking {
  /** Transactions not yet settled: close() lets them finish first. */
  open: Set<Promise<unknown>>;
  /** OpenOptions.checkTransactionUse. */
  checkUse: boolean;
}

const newTracking = (options: OpenOptions): Tracking => ({
  open: new Set(),
  checkUse: options.checkTransactionUse ?? true,
});

function build(ctx: Ctx, session: Session, tracking: Tracking, transaction?: { finished: boolean }): Store {
  const check = transaction
    ? () => {
        if (transaction.finished)
          throw new Error("store: this transaction already finished; use the store it came from");
      }
    : () => {
        // On SQLite this would wait for its own transaction forever; on PostgreSQL it would silently run
        // outside it. Either way it is a bug in the caller.
        if (tracking.checkUse && insideTransactionOf.getStore() === session)
          throw new Error("store: inside a transaction, use the transaction's tx, not the outer store");
      };
  // Repositories are made on first use: a transaction touching one repository builds only that one.
  const made = new Map<string, unknown>();
  const lazy = <T extends object>(name: string, make: (c: Ctx) => T): T => {
    let repository = made.get(name) as T | undefined;
    if (!repository) {
      repository = guarded(make(ctx), check);
      made.set(name, repository);
    }
    return repository;
  };
  const store: Store = {
    dialect: session.dialect,
    get subscriptions() {
      return lazy("subscriptions", subscriptions);
    },
    get outbox() {
      return lazy("outbox", outbox);
    },
    get audit() {
      return lazy("audit", audit);
    },
    get kv() {
      return lazy("kv", keyValue);
    },
    get documents() {
      return lazy("documents", documents);
    },
    get reminders() {
      return lazy("reminders", reminders);
    },
    get audiences() {
      return lazy("audiences", audiences);
    },
    get catalogHistory() {
      return lazy("catalogHistory", catalogHistory);
    },
    get installations() {
      return lazy("installations", installations);
    },
    // A transaction inside a transaction joins it (no savepoint): the outer one decides.
    transaction: transaction
      ? (fn) => {
          check();
          return fn(store);
        }
      : (fn) => {
          check();
          const state = { finished: false };
          const settled: (() => void)[] = [];
          const afterTransaction = (then: () => void) => void settled.push(then);
          const running = ctx.db
            .transaction()
            .execute((trx) => {
              const txContext = context(trx, session.dialect, ctx.shared, afterTransaction);
              const inside = () => fn(build(txContext, session, tracking, state));
              return tracking.checkUse ? insideTransactionOf.run(session, inside) : inside();
            })
            .catch((err: unknown) => {
              throw classify(err);
            })
            .finally(() => {
              state.finished = true;
              tracking.open.delete(running);
              for (const then of settled) then();
            });
          tracking.open.add(running);
          return running;
        },
    ping: session.ping,
    close: transaction
      ? () => Promise.reject(new Error("store: close the store, not a transaction"))
      : async () => {
          await Promise.allSettled([...tracking.open]);
          await session.close();
        },
  };
  return store;
}

/** An open, migrated database: what the store and `db copy` are built on. */
export interface OpenDatabase extends Session {
  db: Kysely<DB>;
  target: DatabaseTarget;
  /** SQLite's own change signal (data_version); PostgreSQL's is a LISTEN session the store opens. */
  changes?: ChangeFeed;
}

const clock = (options: OpenOptions) => (options.now ?? (() => new Date()))();

function openSqlite(path: string, options: OpenOptions): OpenDatabase {
  const { raw, opened } = openSqliteFile(path);
  try {
    migrateSqlite(raw, MIGRATIONS, clock(options));
  } catch (err) {
    raw.close();
    throw err instanceof StoreOpenError ? err : sqliteOpenError(path, err);
  }
  const db = sqliteKysely(raw);
  return {
    db,
    target: { dialect: "sqlite", path },
    dialect: "sqlite",
    ping: () => sqlitePing(raw, path, opened),
    close: () => db.destroy(),
    changes: sqliteChangeFeed(raw),
  };
}

export const postgresOptions = (options: OpenOptions): PostgresOptions => ({
  ...POSTGRES_DEFAULTS,
  ...options.postgres,
});

async function openPostgres(target: PostgresTarget, options: OpenOptions): Promise<OpenDatabase> {
  const settings = postgresOptions(options);
  // Migrations run on their own session (it holds the migration lock); it also proves the database is
  // reachable before the pool is built.
  const client = await connectClient(target, settings);
  try {
    await migratePostgres(client, MIGRATIONS, clock(options));
  } catch (err) {
    if (err instanceof StoreOpenError) throw err;
    throw new StoreOpenError(`DATABASE_URL (${target.display}): migrating failed: ${(err as Error).message}`);
  } finally {
    await client.end().catch(() => undefined);
  }
  const pool = pgPool(target, settings);
  const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
  const where = `PostgreSQL at ${target.host}:${target.port}`;
  return {
    db,
    target,
    dialect: "postgres",
    ping: async () => {
      try {
        await pool.query("SELECT 1");
        return { ok: true };
      } catch (err) {
        return { ok: false, error: `${where} does not answer (${(err as Error).message})` };
      }
    },
    close: () => db.destroy(),
  };
}

/** Opens and migrates the database DATABASE_URL names. */
export async function openDatabase(databaseUrl: string, options: OpenOptions = {}): Promise<OpenDatabase> {
  const target = targetOf(databaseUrl);
  return target.dialect === "sqlite" ? openSqlite(target.path, options) : openPostgres(target, options);
}

/** A parsed DATABASE_URL, or StoreOpenError naming it. */
export function targetOf(databaseUrl: string): DatabaseTarget {
  const parsed = parseDatabaseUrl(databaseUrl);
  if (!parsed.ok) throw new StoreOpenError(`DATABASE_URL: ${parsed.error}`);
  return parsed.target;
}

/**
 * Opens the database DATABASE_URL names (`sqlite:<path>` or `postgres://…`), applies pending migrations
 * (under a lock), and returns the repositories. Start-up failures throw StoreOpenError with one line.
 */
export async function openKyselyStore(databaseUrl: string, options: OpenOptions = {}): Promise<Store> {
  const opened = await openDatabase(databaseUrl, options);
  if (opened.target.dialect === "sqlite") return storeOn(opened, opened.changes, options);
  // The store (not `db copy` or status) listens for other instances' writes to what it caches.
  const feed = listenForChanges(opened.target, postgresOptions(options));
  const session = {
    ...opened,
    close: async () => {
      await feed.close();
      await opened.close();
    },
  };
  return storeOn(session, feed, options);
}

function storeOn(opened: OpenDatabase, feed: ChangeFeed | undefined, options: OpenOptions): Store {
  const shared = { reviewFlags: reviewFlagsRead(opened.db, feed) };
  return build(context(opened.db, opened.dialect, shared), opened, newTracking(options));
}

/**
 * The embedded store, opened synchronously (SQLite needs no round trip): `openSqliteStore(":memory:")` in
 * tests and tools. The same implementation as `openKyselyStore("sqlite:<path>")`.
 */
export function openSqliteStore(path: string, options: OpenOptions = {}): Store {
  const opened = openSqlite(path, options);
  return storeOn(opened, opened.changes, options);
}

/** How one lock session differs from the pool's connections. */
export interface LockSessionOptions {
  /** Names the session in pg_stat_activity (default: the URL's application_name). */
  applicationName?: string;
  /** A query without an answer in this time fails (client- and server-side), so a dead session is noticed. */
  queryTimeoutMs?: number;
  /** TCP keepalive's first probe after this much idle time (node's net keepalive). */
  keepAliveInitialDelayMs?: number;
}

/**
 * A dedicated PostgreSQL session outside the pool (same host, credentials, TLS and timeouts), for
 * session-level advisory locks that must live exactly as long as this process's connection. The caller
 * owns it and must `end()` it. Throws StoreOpenError for a sqlite: URL or an unreachable server.
 */
export async function openPgLockClient(
  databaseUrl: string,
  options: OpenOptions = {},
  session: LockSessionOptions = {},
): Promise<pg.Client> {
  const target = targetOf(databaseUrl);
  if (target.dialect !== "postgres")
    throw new StoreOpenError("DATABASE_URL: advisory locks need PostgreSQL (postgres://…), not SQLite");
  return connectClient(target, postgresOptions(options), {
    ...(session.applicationName ? { application_name: session.applicationName } : {}),
    ...(session.queryTimeoutMs
      ? { query_timeout: session.queryTimeoutMs, statement_timeout: session.queryTimeoutMs }
      : {}),
    ...(session.keepAliveInitialDelayMs
      ? { keepAliveInitialDelayMillis: session.keepAliveInitialDelayMs }
      : {}),
  });
}
