import type { Migration } from "../migration.js";

/**
 * "Maybe posted" becomes its own column instead of a `maybe-posted:` prefix in last_error: the deliverer
 * checks the channel's history before re-posting exactly the rows whose last attempt may have reached Slack
 * (a timeout, a 5xx, a crash while sending), and last_error is only ever the error itself.
 */
export const outboxMaybePosted: Migration = {
  version: 4,
  name: "outbox: maybe_posted column",
  sqlite: `
    ALTER TABLE outbox ADD COLUMN maybe_posted INTEGER NOT NULL DEFAULT 0 CHECK (maybe_posted IN (0, 1));
    UPDATE outbox SET maybe_posted = 1, last_error = ltrim(substr(last_error, 14))
      WHERE last_error LIKE 'maybe-posted:%';
  `,
  postgres: `
    ALTER TABLE outbox ADD COLUMN maybe_posted boolean NOT NULL DEFAULT false;
    UPDATE outbox SET maybe_posted = true, last_error = ltrim(substr(last_error, 14))
      WHERE last_error LIKE 'maybe-posted:%';
  `,
};
