import type { Migration } from "../migration.js";

export const installationRefreshClaim: Migration = {
  version: 9,
  name: "installations: a refresh claim, so one instance at a time refreshes a rotating token",
  // Slack's token rotation hands out a new refresh token with each refresh (docs.slack.dev/authentication/
  // using-token-rotation): two instances refreshing with the same one leave one of them with a dead token.
  // The instance that sets this column (compare-and-set on the stored refresh token) refreshes; the others
  // wait for the new token. A claim older than its time is free again (the claimer died).
  sqlite: `
    ALTER TABLE installations ADD COLUMN refresh_claimed_until TEXT;
  `,
  postgres: `
    ALTER TABLE installations ADD COLUMN refresh_claimed_until timestamptz;
  `,
};
