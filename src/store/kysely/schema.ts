import type { ColumnType, Generated } from "kysely";

/**
 * The tables of migrations 1–5, as Kysely sees them. Both dialects share this one shape; what differs is
 * how a value comes back:
 * - times are written as ISO-8601 UTC strings (`Date#toISOString`, millisecond precision). SQLite keeps
 *   them as TEXT (the form every existing file already holds, which also sorts correctly as text);
 *   PostgreSQL keeps `timestamptz` and hands back a `Date`. Readers accept both (`new Date(value)`).
 * - booleans are written as 1/0. SQLite keeps INTEGER 0/1; PostgreSQL keeps `boolean` (it accepts '1'/'0'
 *   as input) and hands back true/false.
 * - JSON is TEXT in both: it is opaque to SQL (never queried), and TEXT round-trips it byte for byte,
 *   whereas jsonb would reorder keys and change what `db copy` reproduces.
 */
type Time = ColumnType<string | Date, string, string>;
type NullableTime = ColumnType<string | Date | null, string | null, string | null>;
type Flag = ColumnType<number | boolean, number | undefined, number>;
type Id = Generated<number>;

export interface SubscriptionsTable {
  id: Id;
  team_id: string;
  channel_id: string;
  provider_id: string;
  kinds: string;
  created_by: string;
  created_at: Time;
  paused_at: NullableTime;
  paused_reason: string | null;
}

export interface OutboxTable {
  id: Id;
  idempotency_key: string;
  kind: string;
  team_id: string;
  channel_id: string;
  thread_of: string | null;
  payload: string;
  status: ColumnType<string, string | undefined, string>;
  attempts: ColumnType<number, number | undefined, number>;
  next_attempt_at: Time;
  last_error: string | null;
  posted_ts: string | null;
  notify_user_id: string | null;
  subscription_id: number | null;
  created_at: Time;
  updated_at: Time;
  maybe_posted: Flag;
}

export interface AuditLogTable {
  id: Id;
  at: Time;
  team_id: string;
  actor_id: string;
  action: string;
  detail: string;
}

export interface KvTable {
  key: string;
  value: string;
  updated_at: Time;
}

export interface DocumentStateTable {
  document_id: string;
  provider_id: string;
  url: string;
  rules_key: string | null;
  etag: string | null;
  last_modified: string | null;
  raw_hash: string | null;
  text_hash: string | null;
  version_id: number | null;
  failures: number;
  failing_since: NullableTime;
  last_error: string | null;
  failure_may_be_transient: ColumnType<number | boolean | null, number | null | undefined, number | null>;
  notified_failure: Flag;
  last_status: string | null;
  last_checked_at: NullableTime;
}

export interface DocumentVersionsTable {
  id: Id;
  document_id: string;
  provider_id: string;
  hash: string;
  raw_hash: string;
  text: string;
  first_seen_at: Time;
  last_seen_at: Time;
  effective_date: string | null;
  baseline: Flag;
}

export interface DocumentRawTable {
  document_id: string;
  raw_hash: string;
  /** gzip of the decoded HTML (BLOB / bytea). */
  body: Buffer;
  fetched_at: Time;
}

export interface NeedsReviewTable {
  provider_id: string;
  document_id: string;
  version_id: number | null;
  since: Time;
}

export interface BrokenLinksTable {
  provider_id: string;
  url: string;
  reason: string;
  since: Time;
}

export interface ReminderCampaignsTable {
  id: Id;
  team_id: string;
  lead_id: string;
  channel_id: string;
  provider_id: string;
  deadline: string | null;
  recheck: Flag;
  status: ColumnType<string, string | undefined, string>;
  created_at: Time;
  closed_at: NullableTime;
  last_digest_at: NullableTime;
}

export interface ReminderStatesTable {
  id: Id;
  campaign_id: number;
  team_id: string;
  user_id: string;
  provider_id: string;
  state: ColumnType<string, string | undefined, string>;
  tz: string | null;
  next_at: NullableTime;
  snoozed_until: NullableTime;
  sends: ColumnType<number, number | undefined, number>;
  last_sent_at: NullableTime;
  answered_at: NullableTime;
  updated_at: Time;
  account: ColumnType<number, number | undefined, number>;
  plan: string | null;
}

export interface ReminderUserToolsTable {
  team_id: string;
  user_id: string;
  provider_id: string;
  added_at: Time;
}

export interface ReminderAnonymousCountsTable {
  campaign_id: number;
  state: string;
  count: number;
}

export interface ReminderAudienceSourcesTable {
  campaign_id: number;
  team_id: string;
  kind: string;
  source_id: string;
  auto_enrol: Flag;
}

export interface ReminderMembershipsTable {
  campaign_id: number;
  team_id: string;
  user_id: string;
  source_id: string;
  status: string;
  /** bigint on PostgreSQL: node-postgres hands it back as a string. */
  seen_us: ColumnType<number | string, number, number>;
  joined_at: NullableTime;
}

export interface CatalogHistoryTable {
  id: Id;
  provider_id: string;
  seq: number;
  provider_name: string;
  from_hash: string;
  to_hash: string;
  fields: string;
  steps_changed: Flag;
  detected_at: Time;
}

export interface InstallationsTable {
  installation_key: string;
  team_id: string | null;
  enterprise_id: string | null;
  is_enterprise_install: Flag;
  bot_token: string;
  bot_user_id: string;
  bot_id: string;
  scopes: string;
  installer_user_id: string;
  refresh_token: string | null;
  token_expires_at: NullableTime;
  /** Token rotation: until when one instance holds the right to refresh (migration 9). */
  refresh_claimed_until: NullableTime;
  installed_at: Time;
  updated_at: Time;
}

export interface InstallationTeamsTable {
  team_id: string;
  enterprise_id: string;
  seen_at: Time;
}

export interface OauthUsedStatesTable {
  digest: string;
  used_at: Time;
}

/** The migration runner's own bookkeeping (not a numbered migration: it must exist before any is applied). */
export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: Time;
}

export interface DB {
  subscriptions: SubscriptionsTable;
  outbox: OutboxTable;
  audit_log: AuditLogTable;
  kv: KvTable;
  document_state: DocumentStateTable;
  document_versions: DocumentVersionsTable;
  document_raw: DocumentRawTable;
  needs_review: NeedsReviewTable;
  broken_links: BrokenLinksTable;
  reminder_campaigns: ReminderCampaignsTable;
  reminder_states: ReminderStatesTable;
  reminder_user_tools: ReminderUserToolsTable;
  reminder_anonymous_counts: ReminderAnonymousCountsTable;
  reminder_audience_sources: ReminderAudienceSourcesTable;
  reminder_memberships: ReminderMembershipsTable;
  catalog_history: CatalogHistoryTable;
  installations: InstallationsTable;
  installation_teams: InstallationTeamsTable;
  oauth_used_states: OauthUsedStatesTable;
  schema_migrations: SchemaMigrationsTable;
}

/** Every data table in dependency order (parents before children): what `db copy` moves. */
export const DATA_TABLES = [
  "subscriptions",
  "outbox",
  "audit_log",
  "kv",
  "document_state",
  "document_versions",
  "document_raw",
  "needs_review",
  "broken_links",
  "reminder_campaigns",
  "reminder_states",
  "reminder_user_tools",
  "reminder_anonymous_counts",
  "reminder_audience_sources",
  "reminder_memberships",
  "catalog_history",
  "installations",
  "installation_teams",
  "oauth_used_states",
] as const satisfies readonly (keyof DB)[];
