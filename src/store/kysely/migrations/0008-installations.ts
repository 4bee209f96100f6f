import type { Migration } from "../migration.js";

export const installations: Migration = {
  version: 8,
  name: "installations (distributed mode): sealed tokens, org-wide installs, used OAuth states",
  sqlite: `
    -- One row per install: key is the team id, or the enterprise id for an org-wide install.
    CREATE TABLE installations (
      installation_key      TEXT PRIMARY KEY,
      team_id               TEXT,
      enterprise_id         TEXT,
      is_enterprise_install INTEGER NOT NULL CHECK (is_enterprise_install IN (0, 1)),
      bot_token             TEXT NOT NULL,   -- sealed: v1.<iv>.<tag>.<ciphertext> (src/install/seal.ts)
      bot_user_id           TEXT NOT NULL,
      bot_id                TEXT NOT NULL,
      scopes                TEXT NOT NULL,   -- JSON array
      installer_user_id     TEXT NOT NULL,
      refresh_token         TEXT,            -- sealed, token rotation only
      token_expires_at      TEXT,
      installed_at          TEXT NOT NULL,
      updated_at            TEXT NOT NULL
    );
    CREATE INDEX installations_by_team ON installations (team_id);

    -- Workspaces seen under an org-wide install, so jobs find the organisation's token for a team's rows.
    CREATE TABLE installation_teams (
      team_id       TEXT PRIMARY KEY,
      enterprise_id TEXT NOT NULL,
      seen_at       TEXT NOT NULL
    );

    -- OAuth state values already redeemed (a replayed redirect is refused); pruned after they expire.
    CREATE TABLE oauth_used_states (
      digest  TEXT PRIMARY KEY,
      used_at TEXT NOT NULL
    );
  `,
  postgres: `
    CREATE TABLE installations (
      installation_key      text COLLATE "C" PRIMARY KEY,
      team_id               text COLLATE "C",
      enterprise_id         text COLLATE "C",
      is_enterprise_install boolean NOT NULL,
      bot_token             text NOT NULL,
      bot_user_id           text NOT NULL,
      bot_id                text NOT NULL,
      scopes                text NOT NULL,
      installer_user_id     text NOT NULL,
      refresh_token         text,
      token_expires_at      timestamptz,
      installed_at          timestamptz NOT NULL,
      updated_at            timestamptz NOT NULL
    );
    CREATE INDEX installations_by_team ON installations (team_id);

    CREATE TABLE installation_teams (
      team_id       text COLLATE "C" PRIMARY KEY,
      enterprise_id text COLLATE "C" NOT NULL,
      seen_at       timestamptz NOT NULL
    );

    CREATE TABLE oauth_used_states (
      digest  text COLLATE "C" PRIMARY KEY,
      used_at timestamptz NOT NULL
    );
  `,
};
