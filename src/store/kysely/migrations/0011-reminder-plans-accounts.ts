import type { Migration } from "../migration.js";

/**
 * "Which plan do you use?" and "I have another account" (reminders/plans.ts, reminders/accounts.ts):
 * a state `not_affected` (the person chose a plan the catalog excludes from training), the chosen plan,
 * and an account number, so one person may answer for several accounts of one provider in one campaign —
 * unique per (campaign, person, account) instead of per (campaign, person). SQLite cannot change a CHECK or
 * a table's UNIQUE constraint in place, so the table is rebuilt the way
 * https://www.sqlite.org/lang_altertable.html#otheralter describes (nothing references reminder_states);
 * PostgreSQL changes the constraints in place.
 */
export const reminderPlansAccounts: Migration = {
  version: 11,
  name: "reminders: 'not_affected' state, chosen plan, several accounts per person",
  sqlite: `
    CREATE TABLE reminder_states_v11 (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      campaign_id   INTEGER NOT NULL REFERENCES reminder_campaigns (id) ON DELETE CASCADE,
      team_id       TEXT NOT NULL,
      user_id       TEXT NOT NULL,
      provider_id   TEXT NOT NULL,
      state         TEXT NOT NULL DEFAULT 'pending'
                      CHECK (state IN ('pending','done','snoozed','not_using','unreachable','not_affected')),
      tz            TEXT,
      next_at       TEXT,
      snoozed_until TEXT,
      sends         INTEGER NOT NULL DEFAULT 0,
      last_sent_at  TEXT,
      answered_at   TEXT,
      updated_at    TEXT NOT NULL,
      account       INTEGER NOT NULL DEFAULT 1 CHECK (account >= 1),
      plan          TEXT,
      UNIQUE (campaign_id, user_id, account)
    );
    INSERT INTO reminder_states_v11 (id, campaign_id, team_id, user_id, provider_id, state, tz, next_at,
      snoozed_until, sends, last_sent_at, answered_at, updated_at)
      SELECT id, campaign_id, team_id, user_id, provider_id, state, tz, next_at, snoozed_until, sends,
      last_sent_at, answered_at, updated_at FROM reminder_states;
    DROP TABLE reminder_states;
    ALTER TABLE reminder_states_v11 RENAME TO reminder_states;
    CREATE INDEX reminder_states_due ON reminder_states (next_at) WHERE next_at IS NOT NULL;
    CREATE INDEX reminder_states_by_user ON reminder_states (user_id);
  `,
  postgres: `
    ALTER TABLE reminder_states DROP CONSTRAINT reminder_states_state_check;
    ALTER TABLE reminder_states ADD CONSTRAINT reminder_states_state_check
      CHECK (state IN ('pending','done','snoozed','not_using','unreachable','not_affected'));
    ALTER TABLE reminder_states ADD COLUMN account integer NOT NULL DEFAULT 1 CHECK (account >= 1);
    ALTER TABLE reminder_states ADD COLUMN plan text;
    ALTER TABLE reminder_states DROP CONSTRAINT reminder_states_campaign_id_user_id_key;
    ALTER TABLE reminder_states ADD CONSTRAINT reminder_states_campaign_user_account_key
      UNIQUE (campaign_id, user_id, account);
  `,
};
