import type { Migration } from "../migrate.js";

export const catalogHistory: Migration = {
  version: 6,
  name: "catalog history: each detected change to a provider's catalog facts",
  sql: `
    -- One row per detected catalog change. fields is a JSON array of {field, before, after}: public
    -- catalog text, read back through a zod schema. (provider_id, seq) names an entry for good.
    CREATE TABLE catalog_history (
      id            INTEGER PRIMARY KEY AUTOINCREMENT,
      provider_id   TEXT NOT NULL,
      seq           INTEGER NOT NULL,
      provider_name TEXT NOT NULL,
      from_hash     TEXT NOT NULL,
      to_hash       TEXT NOT NULL,
      fields        TEXT NOT NULL,
      steps_changed INTEGER NOT NULL CHECK (steps_changed IN (0, 1)),
      detected_at   TEXT NOT NULL,
      UNIQUE (provider_id, seq)
    );
    CREATE INDEX catalog_history_detected ON catalog_history (detected_at);
  `,
};
