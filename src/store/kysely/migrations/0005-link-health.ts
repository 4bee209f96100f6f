import type { Migration } from "../migration.js";

export const linkHealth: Migration = {
  version: 5,
  name: "link health: settings and help-article links that may be broken",
  sqlite: `
    -- One row per link the monitor found broken (404/410 or a redirect to another site); deleted on recovery.
    CREATE TABLE broken_links (
      provider_id TEXT NOT NULL,
      url         TEXT NOT NULL,
      reason      TEXT NOT NULL,
      since       TEXT NOT NULL,
      PRIMARY KEY (provider_id, url)
    );
  `,
  postgres: `
    CREATE TABLE broken_links (
      provider_id text COLLATE "C" NOT NULL,
      url         text COLLATE "C" NOT NULL,
      reason      text NOT NULL,
      since       timestamptz NOT NULL,
      PRIMARY KEY (provider_id, url)
    );
  `,
};
