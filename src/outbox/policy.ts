import { type Failure, isRecipientGone } from "./errors.js";
import { backoffMs } from "./pacing.js";

/**
 * The failure policy: what a failed attempt means for its row. Pure — the failure, the attempt count and
 * the settings in, a decision out — so every branch is tested without Slack, a store or a clock. The
 * deliverer carries the decision out (store writes, lane pauses, notices).
 */

export interface PolicySettings {
  /** Ambiguous/transient errors are retried up to this many attempts, then the row fails. */
  maxAttempts: number;
  backoff: { baseMs: number; capMs: number };
  random: () => number;
}

export type Decision =
  /** Try again after `delayMs`. `maybePosted`: the attempt may have reached Slack, so check history first. */
  | { action: "retry"; error: string; delayMs: number; maybePosted: boolean }
  /** Slack said when to come back (429): this channel and its workspace wait that long, then retry. */
  | { action: "rate-limited"; error: string; delayMs: number }
  /** The token is unusable: stop this drain, keep the row pending for a while, tell the operator. */
  | { action: "halt"; error: string; delayMs: number }
  /**
   * Never deliverable. `pause`: the channel itself is the problem (pause its subscription, fail the rest
   * of its lane in this drain). `recipientGone`: a person who no longer exists (the reminders hook).
   */
  | { action: "fail"; error: string; pause: boolean; recipientGone: boolean };

export function decide(
  failure: Failure,
  attempts: number,
  channelId: string,
  settings: PolicySettings,
): Decision {
  switch (failure.type) {
    case "rate-limited":
      return { action: "rate-limited", error: failure.error, delayMs: failure.retryAfterMs };
    case "transient":
      if (attempts >= settings.maxAttempts)
        return {
          action: "fail",
          error: `${failure.error} (gave up after ${attempts} attempts)`,
          pause: false,
          recipientGone: false,
        };
      return {
        action: "retry",
        error: failure.error,
        maybePosted: true,
        delayMs: backoffMs(attempts, settings.backoff.baseMs, settings.backoff.capMs, settings.random),
      };
    case "auth":
      return { action: "halt", error: failure.error, delayMs: Math.max(settings.backoff.capMs, 60_000) };
    case "channel":
      return {
        action: "fail",
        error: failure.error,
        pause: true,
        recipientGone: isRecipientGone(channelId, failure.error),
      };
    case "message":
      return { action: "fail", error: failure.error, pause: false, recipientGone: false };
  }
}
