import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import type { Store } from "../types.js";
import { sqliteCatalogHistory } from "./catalog.js";
import { sqliteAudit, sqliteKeyValue, sqliteOutbox, sqliteSubscriptions } from "./core.js";
import { migrate } from "./migrate.js";
import { migrations } from "./migrations/index.js";
import { sqliteDocuments } from "./monitor.js";
import { sqlitePing } from "./ping.js";
import { sqliteReminders } from "./reminders.js";

export class StoreOpenError extends Error {
  override name = "StoreOpenError";
}

/** Opens (creating if needed) the SQLite database, applies migrations, and returns the repositories. */
export function openSqliteStore(path: string): Store {
  let db: Database.Database;
  let opened: { dev: number; ino: number } | undefined;
  try {
    if (path !== ":memory:") mkdirSync(dirname(resolve(path)), { recursive: true });
    db = new Database(path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
    db.pragma("busy_timeout = 5000");
    migrate(db, migrations);
    if (path !== ":memory:") opened = statSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? "";
    throw new StoreOpenError(
      `DATABASE_URL: cannot open the SQLite database at ${resolve(path)} (${code || (err as Error).message}). ` +
        "Check that the folder exists or can be created and is writable, e.g. DATABASE_URL=sqlite:./data/ai-privacy.db",
    );
  }
  return {
    subscriptions: sqliteSubscriptions(db),
    outbox: sqliteOutbox(db),
    audit: sqliteAudit(db),
    kv: sqliteKeyValue(db),
    documents: sqliteDocuments(db),
    reminders: sqliteReminders(db),
    catalogHistory: sqliteCatalogHistory(db),
    transaction: <T>(fn: () => T): T => db.transaction(fn)(),
    ping: () => sqlitePing(db, path, opened),
    close: () => db.close(),
  };
}
