import type {
  AuditRepository,
  KeyValueRepository,
  OutboxRepository,
  SubscriptionRepository,
} from "./core.js";
import type { DocumentRepository } from "./monitor.js";
import type { ReminderRepository } from "./reminders.js";

/**
 * Everything the bot persists, as repositories. Callers never see SQL; a Postgres implementation can
 * satisfy the same interface. `transaction` runs its callback atomically (nested calls join the outer one).
 */
export interface Store {
  readonly subscriptions: SubscriptionRepository;
  readonly outbox: OutboxRepository;
  readonly audit: AuditRepository;
  readonly kv: KeyValueRepository;
  readonly documents: DocumentRepository;
  readonly reminders: ReminderRepository;
  transaction<T>(fn: () => T): T;
  close(): void;
}
