export type * from "./audiences.js";
export type * from "./catalog.js";
export * from "./core.js";
export { isStoreUnavailable, SchemaTooNewError, StoreOpenError, StoreUnavailableError } from "./errors.js";
export { FORGOTTEN_ACTOR } from "./forgotten.js";
export type * from "./installations.js";
export { type CopyResult, copyDatabase, databaseStatus, migrateDatabase } from "./kysely/admin.js";
export {
  type LockSessionOptions,
  type OpenOptions,
  openKyselyStore,
  openPgLockClient,
  openSqliteStore,
} from "./kysely/index.js";
export type { MigrationRun, MigrationStatus } from "./kysely/migration.js";
export { MIGRATION_LOCK_KEY } from "./kysely/migration.js";
export type * from "./monitor.js";
export { openStore } from "./open.js";
export * from "./reminders.js";
export type { Store, StoreDialect, StoreHealth } from "./types.js";
export { type DatabaseTarget, parseDatabaseUrl, type SslMode } from "./url.js";
