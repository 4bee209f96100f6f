import type { Logger } from "@slack/logger";
import { WebClient } from "@slack/web-api";
import { z } from "zod";
import { SERVER_TROUBLE_CODES, type SlackFailure, slackFailure, TOKEN_REFUSED_CODES } from "./errors.js";

/**
 * The start-up check: one `auth.test` with the bot token (docs.slack.dev/reference/methods/auth.test) before
 * the bot says it is running. Bolt would call it too, but only after `start()` has returned, as a rejection
 * nobody handles (a stack trace and exit 1); doing it here first gives the operator one line with the fix,
 * and gives Bolt the bot's IDs so it does not call it again.
 */
export type SlackCheck =
  | { ok: true; botId: string; botUserId: string; teamId: string }
  /** Distributed mode has no token of its own: Slack answered `api.test`. */
  | { ok: true; botId?: undefined }
  /** Slack answered and refused: an operator mistake (exit 2). */
  | { ok: false; kind: "refused"; code: string; line: string }
  /** No usable answer after the retries (exit 1: the network or SLACK_API_URL, maybe temporary). */
  | { ok: false; kind: "unreachable"; reason: string; line: string }
  /** The process was asked to stop while checking. */
  | { ok: false; kind: "aborted"; line: string };

export interface SlackCheckOptions {
  /** The bot token; without one (distributed mode) only reachability is checked, with `api.test`. */
  token: string | undefined;
  slackApiUrl: string;
  logger?: Logger;
  /** Per attempt. */
  timeoutMs?: number;
  /** Pauses between attempts; its length + 1 is the number of attempts. */
  retryDelaysMs?: readonly number[];
  signal?: AbortSignal;
}

const AuthTest = z.object({
  user_id: z.string().min(1),
  bot_id: z.string().min(1),
  team_id: z.string().min(1),
});

/** Why Slack could not be reached, in a few words (no URLs: the URL is printed once, by us). */
export function unreachableReason(f: SlackFailure): string {
  switch (f.kind) {
    case "network":
      return f.reason === "timeout" ? "no answer (timed out)" : `connection failed (${f.reason})`;
    case "http":
      return `HTTP ${f.status}`;
    case "unreadable":
      return "the answer was not Slack's JSON (a proxy or a wrong URL?)";
    case "rate-limited":
      return "rate limited (HTTP 429)";
    case "refused":
      return f.code;
  }
}

export function botTokenRefusedLine(code: string, slackApiUrl: string): string {
  return TOKEN_REFUSED_CODES.has(code)
    ? `SLACK_BOT_TOKEN was refused by Slack (${code}): copy the Bot User OAuth Token (xoxb-…) again from OAuth & Permissions, or reinstall the app to the workspace, and set it in .env`
    : `SLACK_BOT_TOKEN: Slack at ${slackApiUrl} refused auth.test (${code}): check SLACK_BOT_TOKEN and SLACK_API_URL in .env`;
}

export function appTokenRefusedLine(code: string): string {
  return `SLACK_APP_TOKEN was refused by Slack (${code}): generate an app-level token (xapp-…) with the connections:write scope under Basic Information → App-Level Tokens, and set it in .env`;
}

export function unreachableLine(slackApiUrl: string, reason: string): string {
  return `cannot reach Slack at ${slackApiUrl}: ${reason} (check SLACK_API_URL and the network)`;
}

const sleep = (ms: number, signal: AbortSignal | undefined) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });

export async function checkSlack(options: SlackCheckOptions): Promise<SlackCheck> {
  const { slackApiUrl, signal } = options;
  const delays = options.retryDelaysMs ?? [500, 1500];
  const client = new WebClient(options.token, {
    slackApiUrl,
    timeout: options.timeoutMs ?? 5000,
    rejectRateLimitedCalls: true,
    retryConfig: { retries: 0 },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  let reason = "no attempt made";
  for (let attempt = 0; attempt <= delays.length; attempt += 1) {
    if (signal?.aborted) return { ok: false, kind: "aborted", line: "stopped during start-up" };
    try {
      if (!options.token) {
        await client.api.test();
        return { ok: true };
      }
      const raw = await client.auth.test();
      const ids = AuthTest.safeParse(raw);
      if (ids.success)
        return { ok: true, botId: ids.data.bot_id, botUserId: ids.data.user_id, teamId: ids.data.team_id };
      reason = "auth.test answered without the bot's IDs (is SLACK_API_URL Slack's Web API?)";
    } catch (err) {
      const f = slackFailure(err);
      // A real error code is Slack's final word: retrying cannot change it, except its own trouble codes.
      if (f.kind === "refused" && !SERVER_TROUBLE_CODES.has(f.code))
        return { ok: false, kind: "refused", code: f.code, line: botTokenRefusedLine(f.code, slackApiUrl) };
      reason = unreachableReason(f);
    }
    const pause = delays[attempt];
    if (pause !== undefined) {
      options.logger?.warn(`Slack at ${slackApiUrl} did not answer auth.test (${reason}); trying again`);
      await sleep(pause, signal);
    }
  }
  if (signal?.aborted) return { ok: false, kind: "aborted", line: "stopped during start-up" };
  return { ok: false, kind: "unreachable", reason, line: unreachableLine(slackApiUrl, reason) };
}
