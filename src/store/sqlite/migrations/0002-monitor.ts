import type { Migration } from "../migrate.js";

export const monitor: Migration = {
  version: 2,
  name: "monitor: document state, versions, last raw page, review flags",
  sql: `
    CREATE TABLE document_state (
      document_id      TEXT PRIMARY KEY,
      provider_id      TEXT NOT NULL,
      url              TEXT NOT NULL,
      rules_key        TEXT,                    -- select/remove + extractor release behind text_hash
      etag             TEXT,
      last_modified    TEXT,
      raw_hash         TEXT,                    -- last readable raw page
      text_hash        TEXT,                    -- last readable compared text: the baseline
      version_id       INTEGER,
      failures         INTEGER NOT NULL DEFAULT 0,
      failing_since    TEXT,
      last_error       TEXT,
      notified_failure INTEGER NOT NULL DEFAULT 0,
      last_status      TEXT CHECK (last_status IN ('new','unchanged','changed','failed')),
      last_checked_at  TEXT
    );

    CREATE TABLE document_versions (
      id             INTEGER PRIMARY KEY,
      document_id    TEXT NOT NULL,
      provider_id    TEXT NOT NULL,
      hash           TEXT NOT NULL,
      raw_hash       TEXT NOT NULL,
      text           TEXT NOT NULL,
      first_seen_at  TEXT NOT NULL,
      last_seen_at   TEXT NOT NULL,
      effective_date TEXT,
      baseline       INTEGER NOT NULL DEFAULT 0,
      UNIQUE (document_id, hash)
    );
    CREATE INDEX document_versions_by_document ON document_versions (document_id, first_seen_at);

    CREATE TABLE document_raw (
      document_id TEXT PRIMARY KEY,
      raw_hash    TEXT NOT NULL,
      body        BLOB NOT NULL,                -- gzip of the decoded HTML
      fetched_at  TEXT NOT NULL
    );

    CREATE TABLE needs_review (
      provider_id TEXT PRIMARY KEY,
      document_id TEXT NOT NULL,
      version_id  INTEGER,
      since       TEXT NOT NULL
    );
  `,
};
