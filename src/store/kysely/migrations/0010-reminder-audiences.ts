import type { Migration } from "../migration.js";

/**
 * Campaigns that follow their audience: the `#channel`s and `@group`s a campaign was started for, and, per
 * person and source, whether they are in it now. `seen_us` is the time (microseconds since the epoch) of
 * the Slack event or membership re-read that set the row: an older event never overwrites a newer fact, so
 * retried and out-of-order `member_joined_channel` / `member_left_channel` deliveries cannot re-add a leaver.
 * `joined_at` is set for people enrolled after the start (the lead sees how many joined). Both tables hang
 * off their campaign (ON DELETE CASCADE): purging or uninstalling a campaign removes them.
 */
export const reminderAudiences: Migration = {
  version: 10,
  name: "reminders: followed channels and user groups, who joined and who left",
  sqlite: `
    CREATE TABLE reminder_audience_sources (
      campaign_id INTEGER NOT NULL REFERENCES reminder_campaigns (id) ON DELETE CASCADE,
      team_id     TEXT NOT NULL,
      kind        TEXT NOT NULL CHECK (kind IN ('channel','usergroup')),
      source_id   TEXT NOT NULL,
      auto_enrol  INTEGER NOT NULL DEFAULT 1,
      PRIMARY KEY (campaign_id, kind, source_id)
    );
    CREATE INDEX reminder_audience_sources_by_source ON reminder_audience_sources (team_id, kind, source_id);

    CREATE TABLE reminder_memberships (
      campaign_id INTEGER NOT NULL REFERENCES reminder_campaigns (id) ON DELETE CASCADE,
      team_id     TEXT NOT NULL,
      user_id     TEXT NOT NULL,
      source_id   TEXT NOT NULL,
      status      TEXT NOT NULL CHECK (status IN ('member','left')),
      seen_us     INTEGER NOT NULL,
      joined_at   TEXT,
      PRIMARY KEY (campaign_id, user_id, source_id)
    );
    CREATE INDEX reminder_memberships_by_user ON reminder_memberships (user_id);
  `,
  postgres: `
    CREATE TABLE reminder_audience_sources (
      campaign_id bigint NOT NULL REFERENCES reminder_campaigns (id) ON DELETE CASCADE,
      team_id     text COLLATE "C" NOT NULL,
      kind        text COLLATE "C" NOT NULL CHECK (kind IN ('channel','usergroup')),
      source_id   text COLLATE "C" NOT NULL,
      auto_enrol  boolean NOT NULL DEFAULT true,
      PRIMARY KEY (campaign_id, kind, source_id)
    );
    CREATE INDEX reminder_audience_sources_by_source ON reminder_audience_sources (team_id, kind, source_id);

    CREATE TABLE reminder_memberships (
      campaign_id bigint NOT NULL REFERENCES reminder_campaigns (id) ON DELETE CASCADE,
      team_id     text COLLATE "C" NOT NULL,
      user_id     text COLLATE "C" NOT NULL,
      source_id   text COLLATE "C" NOT NULL,
      status      text COLLATE "C" NOT NULL CHECK (status IN ('member','left')),
      seen_us     bigint NOT NULL,
      joined_at   timestamptz,
      PRIMARY KEY (campaign_id, user_id, source_id)
    );
    CREATE INDEX reminder_memberships_by_user ON reminder_memberships (user_id);
  `,
};
