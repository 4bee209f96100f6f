import type { Migration } from "../migration.js";

/**
 * Whether a policy page's last failed check may be transient (a timeout, a refused or reset connection, a
 * DNS failure, HTTP 5xx, 408 or 429) or not (HTTP 404, a refused redirect, a page too large): the monitor
 * tells the operator at once about a failure that will not fix itself and waits for a transient one to
 * repeat (monitor/fetch-failure.ts). NULL while the page is readable, and for failures recorded before this
 * column existed.
 */
export const documentFailureTransient: Migration = {
  version: 12,
  name: "document_state: failure_may_be_transient column",
  sqlite: `
    ALTER TABLE document_state ADD COLUMN failure_may_be_transient INTEGER
      CHECK (failure_may_be_transient IN (0, 1));
  `,
  postgres: `
    ALTER TABLE document_state ADD COLUMN failure_may_be_transient boolean;
  `,
};
