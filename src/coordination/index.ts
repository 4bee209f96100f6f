/**
 * Which instance does what: cron jobs once per tick across instances, workspaces' deliveries on the
 * instance holding their partition. PostgreSQL advisory locks when several instances share a database;
 * an in-process coordinator that leads everything for the embedded single-instance SQLite default.
 */
export { fairShare, slotOf } from "./keys.js";
export { whileLeading } from "./leading.js";
export { createLocalCoordinator } from "./local.js";
export {
  createPostgresCoordinator,
  DEFAULT_POLL_MS,
  DEFAULT_SLOTS,
  type PostgresCoordinatorOptions,
} from "./postgres.js";
export { claimSqliteFile, type FileClaim } from "./sqlite-file.js";
export {
  type Coordinator,
  type DeliveryPartitions,
  isLeadershipLost,
  type JobOutcome,
  LeadershipLost,
  type Leads,
} from "./types.js";
