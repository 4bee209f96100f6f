import type { Migration } from "../migration.js";

/**
 * "Unreachable" becomes a state of its own: a person deactivated or deleted after a campaign started is
 * marked so at the first permanent "no such user" from Slack, and `status`, `my-data` and forget-me treat
 * it like every other state. SQLite cannot change a CHECK constraint in place, so the table is rebuilt the
 * way https://www.sqlite.org/lang_altertable.html#otheralter describes (nothing references
 * reminder_states, so foreign keys need no special care). PostgreSQL replaces the constraint in place.
 */
export const remindersUnreachable: Migration = {
  version: 7,
  name: "reminders: 'unreachable' state",
  sqlite: `
    CREATE TABLE reminder_states_v7 (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      campaign_id   INTEGER NOT NULL REFERENCES reminder_campaigns (id) ON DELETE CASCADE,
      team_id       TEXT NOT NULL,
      user_id       TEXT NOT NULL,
      provider_id   TEXT NOT NULL,
      state         TEXT NOT NULL DEFAULT 'pending'
                      CHECK (state IN ('pending','done','snoozed','not_using','unreachable')),
      tz            TEXT,
      next_at       TEXT,
      snoozed_until TEXT,
      sends         INTEGER NOT NULL DEFAULT 0,
      last_sent_at  TEXT,
      answered_at   TEXT,
      updated_at    TEXT NOT NULL,
      UNIQUE (campaign_id, user_id)
    );
    INSERT INTO reminder_states_v7 SELECT id, campaign_id, team_id, user_id, provider_id, state, tz, next_at,
      snoozed_until, sends, last_sent_at, answered_at, updated_at FROM reminder_states;
    DROP TABLE reminder_states;
    ALTER TABLE reminder_states_v7 RENAME TO reminder_states;
    CREATE INDEX reminder_states_due ON reminder_states (next_at) WHERE next_at IS NOT NULL;
    CREATE INDEX reminder_states_by_user ON reminder_states (user_id);
  `,
  postgres: `
    ALTER TABLE reminder_states DROP CONSTRAINT reminder_states_state_check;
    ALTER TABLE reminder_states ADD CONSTRAINT reminder_states_state_check
      CHECK (state IN ('pending','done','snoozed','not_using','unreachable'));
  `,
};
