import type { AudienceRepository } from "./audiences.js";
import type { CatalogHistoryRepository } from "./catalog.js";
import type {
  AuditRepository,
  KeyValueRepository,
  OutboxRepository,
  SubscriptionRepository,
} from "./core.js";
import type { InstallationRepository } from "./installations.js";
import type { DocumentRepository } from "./monitor.js";
import type { ReminderRepository } from "./reminders.js";

/**
 * Everything the bot persists, as repositories. Callers never see SQL; SQLite and PostgreSQL satisfy the
 * same interface. Every call is async: a network database cannot answer synchronously.
 */
export interface Store {
  /** Which database backs this store: lets coordination code use PostgreSQL-only features (advisory locks). */
  readonly dialect: StoreDialect;
  readonly subscriptions: SubscriptionRepository;
  readonly outbox: OutboxRepository;
  readonly audit: AuditRepository;
  readonly kv: KeyValueRepository;
  readonly documents: DocumentRepository;
  readonly reminders: ReminderRepository;
  /** The channels and user groups open campaigns follow, and who joined or left them. */
  readonly audiences: AudienceRepository;
  readonly catalogHistory: CatalogHistoryRepository;
  /** Distributed mode: who installed the app where, with sealed tokens. Empty in single-workspace mode. */
  readonly installations: InstallationRepository;
  /**
   * Runs `fn` atomically: everything it does through `tx` (a Store bound to the transaction) commits or
   * rolls back together. Code inside must use `tx`, never the outer store. A transaction on `tx` joins the
   * outer one. A rejected promise rolls back and is re-thrown.
   */
  transaction<T>(fn: (tx: Store) => Promise<T>): Promise<T>;
  /**
   * Can the store still serve? Used by `/healthz` and its watchdog. Cheap (no table scans); an
   * implementation checks what can silently go wrong for it: for SQLite, that the file it opened is still
   * the file at its path (a deleted or replaced file keeps "working" through the open descriptor) and still
   * a SQLite database; for a server database, a round trip.
   */
  ping(): Promise<StoreHealth>;
  close(): Promise<void>;
}

export type StoreDialect = "sqlite" | "postgres";

export type StoreHealth = { ok: true } | { ok: false; error: string };
