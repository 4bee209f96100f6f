import type { Migration } from "../migrate.js";

export const core: Migration = {
  version: 1,
  name: "core: subscriptions, outbox, audit log, key-value state",
  sql: `
    CREATE TABLE subscriptions (
      id            INTEGER PRIMARY KEY,
      team_id       TEXT NOT NULL,
      channel_id    TEXT NOT NULL,
      provider_id   TEXT NOT NULL,              -- '*' = every provider
      kinds         TEXT NOT NULL,              -- JSON array of 'deadlines' | 'changes' | 'catalog'
      created_by    TEXT NOT NULL,
      created_at    TEXT NOT NULL,
      paused_at     TEXT,
      paused_reason TEXT,
      UNIQUE (team_id, channel_id, provider_id)
    );

    CREATE TABLE outbox (
      id              INTEGER PRIMARY KEY,
      idempotency_key TEXT NOT NULL UNIQUE,
      kind            TEXT NOT NULL,
      team_id         TEXT NOT NULL,
      channel_id      TEXT NOT NULL,
      thread_of       TEXT,                     -- idempotency key of the message this one replies to
      payload         TEXT NOT NULL,            -- JSON {text, blocks, metadata}
      status          TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending','sending','sent','failed','cancelled')),
      attempts        INTEGER NOT NULL DEFAULT 0,
      next_attempt_at TEXT NOT NULL,
      last_error      TEXT,
      posted_ts       TEXT,
      notify_user_id  TEXT,                     -- who to tell if it fails for good
      subscription_id INTEGER,
      created_at      TEXT NOT NULL,
      updated_at      TEXT NOT NULL
    );
    CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
    CREATE INDEX outbox_by_channel ON outbox (channel_id);
    CREATE INDEX outbox_by_notify ON outbox (notify_user_id);

    CREATE TABLE audit_log (
      id         INTEGER PRIMARY KEY,
      at         TEXT NOT NULL,
      team_id    TEXT NOT NULL,
      actor_id   TEXT NOT NULL,
      action     TEXT NOT NULL,
      detail     TEXT NOT NULL                  -- JSON, IDs only
    );

    CREATE TABLE kv (
      key        TEXT PRIMARY KEY,
      value      TEXT NOT NULL,
      updated_at TEXT NOT NULL
    );
  `,
};
