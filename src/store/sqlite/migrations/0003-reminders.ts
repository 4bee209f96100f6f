import type { Migration } from "../migrate.js";

export const reminders: Migration = {
  version: 3,
  name: "reminders: campaigns, per-person states, tools people use, anonymous counts",
  sql: `
    CREATE TABLE reminder_campaigns (
      id             INTEGER PRIMARY KEY AUTOINCREMENT, -- ids appear in idempotency keys: never reused
      team_id        TEXT NOT NULL,
      lead_id        TEXT NOT NULL,
      channel_id     TEXT NOT NULL,             -- where the lead ran /ai-privacy remind
      provider_id    TEXT NOT NULL,
      deadline       TEXT,                      -- YYYY-MM-DD
      recheck        INTEGER NOT NULL DEFAULT 1,
      status         TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open','closed')),
      created_at     TEXT NOT NULL,
      closed_at      TEXT,
      last_digest_at TEXT
    );
    CREATE INDEX reminder_campaigns_by_status ON reminder_campaigns (status, team_id, provider_id);

    CREATE TABLE reminder_states (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      campaign_id   INTEGER NOT NULL REFERENCES reminder_campaigns (id) ON DELETE CASCADE,
      team_id       TEXT NOT NULL,
      user_id       TEXT NOT NULL,
      provider_id   TEXT NOT NULL,
      state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','done','snoozed','not_using')),
      tz            TEXT,
      next_at       TEXT,
      snoozed_until TEXT,
      sends         INTEGER NOT NULL DEFAULT 0,
      last_sent_at  TEXT,
      answered_at   TEXT,
      updated_at    TEXT NOT NULL,
      UNIQUE (campaign_id, user_id)
    );
    CREATE INDEX reminder_states_due ON reminder_states (next_at) WHERE next_at IS NOT NULL;
    CREATE INDEX reminder_states_by_user ON reminder_states (user_id);

    CREATE TABLE reminder_user_tools (
      team_id     TEXT NOT NULL,
      user_id     TEXT NOT NULL,
      provider_id TEXT NOT NULL,
      added_at    TEXT NOT NULL,
      PRIMARY KEY (team_id, user_id, provider_id)
    );

    CREATE TABLE reminder_anonymous_counts (
      campaign_id INTEGER NOT NULL REFERENCES reminder_campaigns (id) ON DELETE CASCADE,
      state       TEXT NOT NULL,
      count       INTEGER NOT NULL,
      PRIMARY KEY (campaign_id, state)
    );
  `,
};
