import { slackFailure } from "../slack/index.js";

/**
 * What a failed Slack call means for an outbox row. `@slack/web-api` v8 throws one of four error classes
 * (shared/slack-reference.md → Web API); with `rejectRateLimitedCalls` and `retries: 0` every one reaches us.
 */
export type Failure =
  /** HTTP 429: Slack said when to come back. Definitely not posted. */
  | { type: "rate-limited"; retryAfterMs: number; error: string }
  /** Network error, timeout or 5xx: maybe posted, maybe not — check history before retrying. */
  | { type: "transient"; error: string }
  /** The channel (or DM) cannot take messages from us: pause its subscription and tell the lead. */
  | { type: "channel"; error: string }
  /** Slack refused this message itself (a renderer bug): fail the row, tell the lead, keep the subscription. */
  | { type: "message"; error: string }
  /** The token is unusable: every row would fail the same way. Stop, keep rows pending, shout in the log. */
  | { type: "auth"; error: string };

/** ok:false codes that make a channel unusable for the bot (docs.slack.dev/reference/methods/chat.postMessage). */
export const CHANNEL_ERRORS = new Set([
  "channel_not_found",
  "is_archived",
  "channel_is_archived",
  "not_in_channel",
  "restricted_action",
  "restricted_action_read_only_channel",
  "restricted_action_thread_only_channel",
  "restricted_action_non_threadable_channel",
  "cannot_dm_bot",
  "messages_tab_disabled",
  "user_not_found",
  "user_disabled",
  "team_access_not_granted",
]);

/**
 * Codes meaning the person a DM is addressed to cannot receive it any more: deactivated or deleted after
 * a campaign started (https://docs.slack.dev/reference/methods/chat.postMessage#errors). Retrying never
 * helps, so whoever planned messages to them is told through the deliverer's `onRecipientGone` hook.
 */
export const RECIPIENT_GONE_ERRORS = new Set(["user_not_found", "user_disabled", "cannot_dm_bot"]);

/** A DM row (addressed to a user ID) that failed because that person is gone. */
export const isRecipientGone = (channelId: string, error: string): boolean =>
  /^[UW][A-Z0-9]+$/.test(channelId) && RECIPIENT_GONE_ERRORS.has(error);

/** Codes about the token, not the channel (account_inactive: "token is for a deleted user or workspace"). */
export const AUTH_ERRORS = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "no_permission",
  "missing_scope",
  "not_allowed_token_type",
  "org_login_required",
  "ekm_access_denied",
]);

/** Server-side trouble reported as ok:false: retry with backoff. */
const TRANSIENT_CODES = new Set([
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "ratelimited",
]);

/**
 * One reading of Slack's errors for the whole bot (src/slack/errors.ts), mapped to what the row needs. An
 * answer that is not Slack's JSON (a proxy's HTML page with HTTP 200, truncated JSON) is *ambiguous*: the
 * message may have been posted, so it is retried after a history check, never failed for good. Error text
 * stored on the row is a code or a category, never a URL or a page.
 */
export function classify(err: unknown): Failure {
  const f = slackFailure(err);
  switch (f.kind) {
    case "rate-limited":
      return f.retryAfterSec === undefined
        ? { type: "rate-limited", retryAfterMs: 1000, error: "rate_limited (no Retry-After)" }
        : {
            type: "rate-limited",
            retryAfterMs: Math.max(1, f.retryAfterSec) * 1000,
            error: `rate_limited (Retry-After ${f.retryAfterSec}s)`,
          };
    case "http":
      return { type: "transient", error: `http_${f.status}` };
    case "network":
      return { type: "transient", error: `network: ${f.reason}` };
    case "unreadable":
      return { type: "transient", error: "unreadable answer (not JSON)" };
    case "refused": {
      const { code } = f;
      if (CHANNEL_ERRORS.has(code)) return { type: "channel", error: code };
      if (AUTH_ERRORS.has(code)) return { type: "auth", error: code };
      if (TRANSIENT_CODES.has(code)) return { type: "transient", error: code };
      return { type: "message", error: code };
    }
  }
}
