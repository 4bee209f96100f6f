import { mkdirSync, statSync } from "node:fs";
import { dirname, resolve } from "node:path";
import Database from "better-sqlite3";
import { StoreOpenError } from "../errors.js";
import type { Store } from "../types.js";
import { sqliteCatalogHistory } from "./catalog.js";
import { sqliteAudit, sqliteKeyValue, sqliteOutbox, sqliteSubscriptions } from "./core.js";
import { asyncRepository, Gate } from "./gate.js";
import { sqliteInstallations } from "./installations.js";
import { migrate } from "./migrate.js";
import { migrations } from "./migrations/index.js";
import { sqliteDocuments } from "./monitor.js";
import { sqlitePing } from "./ping.js";
import { sqliteReminders } from "./reminders.js";

export { StoreOpenError } from "../errors.js";

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
  const sync = {
    subscriptions: sqliteSubscriptions(db),
    outbox: sqliteOutbox(db),
    audit: sqliteAudit(db),
    kv: sqliteKeyValue(db),
    documents: sqliteDocuments(db),
    reminders: sqliteReminders(db),
    catalogHistory: sqliteCatalogHistory(db),
    installations: sqliteInstallations(db),
  };
  const gate = new Gate(db);
  const repositories = (exec: <T>(statement: () => T) => Promise<T>) => ({
    subscriptions: asyncRepository(sync.subscriptions, exec),
    outbox: asyncRepository(sync.outbox, exec),
    audit: asyncRepository(sync.audit, exec),
    kv: asyncRepository(sync.kv, exec),
    documents: asyncRepository(sync.documents, exec),
    reminders: asyncRepository(sync.reminders, exec),
    catalogHistory: asyncRepository(sync.catalogHistory, exec),
    installations: asyncRepository(sync.installations, exec),
  });
  const ping = () => sqlitePing(db, path, opened);
  /** The store bound to one open transaction; a transaction on it joins that one. */
  const inTransaction = (token: symbol): Store => {
    const tx: Store = {
      ...repositories((statement) => gate.runIn(token, statement)),
      transaction: (fn) => fn(tx),
      ping,
      close: () => Promise.reject(new Error("store: close the outer store, not a transaction")),
    };
    return tx;
  };
  return {
    ...repositories((statement) => gate.run(statement)),
    transaction: (fn) => gate.transaction((token) => fn(inTransaction(token))),
    ping,
    close: () => gate.drain(() => void db.close()),
  };
}
