import type { Logger } from "@slack/logger";
import { WebClient } from "@slack/web-api";
import { describeFailure, slackFailure } from "./errors.js";

/**
 * The bot's own Web API client, for the reads it makes while answering a person (users.info,
 * conversations.info/members, usergroups, views.publish). web-api's default is `tenRetriesInAboutThirtyMinutes`
 * with no timeout (docs.slack.dev/tools/node-slack-sdk/web-api → retries, timeout), which leaves a person at
 * "Working on it…" for half an hour. Here: a per-attempt timeout, one quick retry, and 429s rejected to us
 * (the person is told to try again) instead of queued. Worst case 2 × 4 s + 0.3 s, inside the 10 s we aim
 * for and far inside response_url's 30 minutes. The deliverer has its own client and retry policy (outbox/).
 */
export interface ReadClientOptions {
  timeoutMs: number;
  retries: number;
  retryDelayMs: number;
  /** After Slack failed to answer, further reads fail at once for this long (see `breaker` in api.ts). */
  breakerMs: number;
}

export const READ_CLIENT_DEFAULTS: ReadClientOptions = {
  timeoutMs: 4000,
  retries: 1,
  retryDelayMs: 300,
  breakerMs: 5000,
};

export function makeReadClient(
  token: string,
  slackApiUrl: string,
  logger: Logger,
  options: Partial<ReadClientOptions> = {},
): WebClient {
  const o = { ...READ_CLIENT_DEFAULTS, ...options };
  return new WebClient(token, {
    slackApiUrl,
    logger,
    timeout: o.timeoutMs,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: o.retries, factor: 1, minTimeout: o.retryDelayMs, maxTimeout: o.retryDelayMs },
  });
}

export type ProbeResult = { ok: true } | { ok: false; error: string };

/**
 * Is Slack reachable with our token right now? One `auth.test` (Tier "special", cheap), short timeout, no
 * retries: a health check must answer quickly. A 429 means Slack answered, so it counts as reachable.
 * Without a token (distributed mode: one per workspace) it is `api.test`, which checks reachability only.
 */
export function makeProbe(
  token: string | undefined,
  slackApiUrl: string,
  logger: Logger,
  timeoutMs = 3000,
): () => Promise<ProbeResult> {
  const client = new WebClient(token, {
    slackApiUrl,
    logger,
    timeout: timeoutMs,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
  });
  return async () => {
    try {
      if (token) await client.auth.test();
      else await client.api.test();
      return { ok: true };
    } catch (err) {
      const f = slackFailure(err);
      if (f.kind === "rate-limited") return { ok: true };
      return { ok: false, error: `${f.kind === "refused" ? "token refused: " : ""}${describeFailure(f)}` };
    }
  };
}
