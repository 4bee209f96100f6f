import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { Kysely, type SqliteDatabase, SqliteDialect } from "kysely";
import { StoreOpenError } from "../errors.js";
import type { ChangeFeed } from "./change-feed.js";
import type { DB } from "./schema.js";

/** Statements kept prepared per connection; the bot issues a few dozen distinct ones. */
const STATEMENT_CACHE = 256;

/**
 * Kysely's SQLite driver prepares every query anew; better-sqlite3 statements are reusable, so keep the
 * compiled statement per SQL text (the hot queries — outbox due, review flags, campaign reads — are
 * prepared once, as the hand-written store did).
 */
export function cachedStatements(db: Database.Database): SqliteDatabase {
  const cache = new Map<string, Database.Statement>();
  return {
    close: () => db.close(),
    prepare(sql) {
      let statement = cache.get(sql);
      if (!statement) {
        statement = db.prepare(sql);
        if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value as string);
        cache.set(sql, statement);
      }
      return statement;
    },
  };
}

/** Opens (creating if needed) the file with the pragmas the bot relies on. */
export function openSqliteFile(path: string): {
  raw: Database.Database;
  opened: { dev: number; ino: number } | undefined;
} {
  try {
    if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
    const raw = new Database(path);
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = NORMAL");
    raw.pragma("foreign_keys = ON");
    raw.pragma("busy_timeout = 5000");
    // Reading the header fails now, not at the first query, if the file is not a database.
    raw.pragma("user_version", { simple: true });
    return { raw, opened: path === ":memory:" ? undefined : statSync(path) };
  } catch (err) {
    throw sqliteOpenError(path, err);
  }
}

export const sqliteOpenError = (path: string, err: unknown) => {
  const code = (err as NodeJS.ErrnoException).code ?? "";
  return new StoreOpenError(
    `DATABASE_URL: cannot open the SQLite database at ${resolve(path)} (${code || (err as Error).message}). ` +
      "Check that the folder exists or can be created and is writable, e.g. DATABASE_URL=sqlite:./data/ai-privacy.db",
  );
};

export const sqliteKysely = (raw: Database.Database) =>
  new Kysely<DB>({ dialect: new SqliteDialect({ database: cachedStatements(raw) }) });

/**
 * SQLite's word that another connection (the CLI, another process on the same file) committed: PRAGMA
 * data_version moves then and only then (https://www.sqlite.org/pragma.html#pragma_data_version). This
 * connection's own writes do not move it; the cache hears of those itself (shared-read.ts, cachedRead).
 * Always live: the file is read on every check, so nothing can be missed.
 */
export function sqliteChangeFeed(raw: Database.Database): ChangeFeed {
  const dataVersion = raw.prepare("PRAGMA data_version").pluck();
  return {
    live: true,
    get generation() {
      return Number(dataVersion.get());
    },
    close: async () => undefined,
  };
}
