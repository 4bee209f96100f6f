import { ErrorCode } from "@slack/web-api";

/**
 * What a failed Web API call means, as a typed value. `@slack/web-api` v8 throws one of four error classes
 * (shared/slack-reference.md → Web API). Two traps are handled here, once, for every caller:
 * - a body that is not JSON (a proxy's HTML error page with HTTP 200, a truncated answer) is turned by the
 *   client into `WebAPIPlatformError` whose `data.error` is the whole body: that is not a Slack error code
 *   and says nothing about whether Slack acted, so it is `unreadable` (ambiguous), never a refusal;
 * - error messages of the client can contain the request URL (the Slack API base): only codes and
 *   categories leave this module, never `message` text.
 */
export type SlackFailure =
  /** Slack answered `ok:false` with a real error code (docs.slack.dev/reference/methods/…#errors). */
  | { kind: "refused"; code: string }
  /** HTTP 429 (with or without Retry-After). Definitely not acted upon. */
  | { kind: "rate-limited"; retryAfterSec: number | undefined }
  /** No usable answer: connection refused/reset, DNS, TLS, our timeout. Slack may or may not have acted. */
  | { kind: "network"; reason: string }
  /** An HTTP status other than 200/429 (Slack uses 5xx for outages). Ambiguous. */
  | { kind: "http"; status: number }
  /** HTTP 200 with a body that is not Slack's JSON (HTML, truncated, `null`). Ambiguous. */
  | { kind: "unreadable" };

/** Slack's error codes are short snake_case words (invalid_auth, channel_not_found, ratelimited). */
const SLACK_CODE = /^[a-z][a-z0-9_.]{0,79}$/;

/** Codes that mean Slack itself had trouble: retry later, nothing is wrong with the request. */
export const SERVER_TROUBLE_CODES: ReadonlySet<string> = new Set([
  "internal_error",
  "fatal_error",
  "service_unavailable",
  "request_timeout",
  "ratelimited",
  "rate_limited",
]);

/** Codes about the token itself (auth.test and every method: docs.slack.dev/reference/methods/auth.test). */
export const TOKEN_REFUSED_CODES: ReadonlySet<string> = new Set([
  "invalid_auth",
  "not_authed",
  "account_inactive",
  "token_revoked",
  "token_expired",
  "not_allowed_token_type",
  "user_removed_from_team",
  "team_disabled",
  "org_login_required",
  "ekm_access_denied",
]);

interface ClientError {
  code?: string;
  retryAfter?: number;
  statusCode?: number;
  data?: { error?: unknown };
  original?: { name?: string; message?: string; cause?: { code?: string } };
  name?: string;
  message?: string;
  cause?: { code?: string };
}

/** A short reason without URLs: an errno-like code (ECONNREFUSED), "timeout", or the error's class. */
function networkReason(e: ClientError["original"] | undefined): string {
  if (!e) return "request failed";
  if (e.name === "TimeoutError" || e.name === "AbortError") return "timeout";
  if (e.cause?.code) return e.cause.code;
  return redactUrls(e.message ?? "request failed").slice(0, 120);
}

export function slackFailure(err: unknown): SlackFailure {
  const e = (err ?? {}) as ClientError;
  switch (e.code) {
    case ErrorCode.RateLimitedError:
      return { kind: "rate-limited", retryAfterSec: e.retryAfter };
    case ErrorCode.HTTPError:
      return e.statusCode === 429
        ? { kind: "rate-limited", retryAfterSec: undefined }
        : { kind: "http", status: e.statusCode ?? 0 };
    case ErrorCode.RequestError:
      return { kind: "network", reason: networkReason(e.original) };
    case ErrorCode.PlatformError: {
      const code = e.data?.error;
      return typeof code === "string" && SLACK_CODE.test(code)
        ? { kind: "refused", code }
        : { kind: "unreadable" };
    }
    default:
      // An ok:false answer relayed by other code (Bolt, a test double) without the client's class.
      if (typeof e.data?.error === "string" && SLACK_CODE.test(e.data.error))
        return { kind: "refused", code: e.data.error };
      // Not one of the client's classes: a TypeError from parsing a `null` body, an AbortError around a 429
      // without a usable Retry-After ("Retry header did not contain a valid timeout (url: …)"), a timeout.
      if (/rate limit|retry header/i.test(e.message ?? ""))
        return { kind: "rate-limited", retryAfterSec: undefined };
      if (e.name === "TimeoutError" || e.name === "AbortError") return { kind: "network", reason: "timeout" };
      if (err instanceof TypeError || err instanceof SyntaxError) return { kind: "unreadable" };
      return { kind: "network", reason: networkReason(e as ClientError["original"]) };
  }
}

/** The Slack error code when Slack refused, else undefined. */
export const refusedCode = (err: unknown): string | undefined => {
  const f = slackFailure(err);
  return f.kind === "refused" ? f.code : undefined;
};

/** A log- and notice-safe one-word-ish description: the code, or the category. Never a URL or a body. */
export function describeFailure(f: SlackFailure): string {
  switch (f.kind) {
    case "refused":
      return f.code;
    case "rate-limited":
      return f.retryAfterSec === undefined ? "ratelimited" : `ratelimited (Retry-After ${f.retryAfterSec}s)`;
    case "network":
      return `no answer (${f.reason})`;
    case "http":
      return `HTTP ${f.status}`;
    case "unreadable":
      return "unreadable answer (not JSON)";
  }
}

/** True when trying again later can help (Slack had trouble or could not be reached), as opposed to a refusal. */
export const isTransient = (f: SlackFailure): boolean =>
  f.kind !== "refused" || SERVER_TROUBLE_CODES.has(f.code);

/**
 * What to tell a person when a Slack read failed while answering them: plain words that match the error
 * and say what to do. Channel-specific codes are explained by their callers (they know which channel).
 */
export function failureAdvice(f: SlackFailure): string {
  if (
    f.kind === "rate-limited" ||
    (f.kind === "refused" && (f.code === "ratelimited" || f.code === "rate_limited"))
  )
    return "Slack asked me to slow down. Please try again in a minute.";
  if (f.kind !== "refused" || SERVER_TROUBLE_CODES.has(f.code))
    return "Slack didn't answer me properly just now. Please try again in a minute.";
  if (TOKEN_REFUSED_CODES.has(f.code))
    return `Slack refused my token (\`${f.code}\`). Please tell whoever runs this bot: its SLACK_BOT_TOKEN needs renewing.`;
  if (f.code === "missing_scope" || f.code === "no_permission")
    return `Slack didn't let me read that (\`${f.code}\`): the app is missing a permission. Please tell whoever runs this bot to reinstall it from its manifest.`;
  return `Slack refused the request (\`${f.code}\`). Please try again; if it keeps happening, tell whoever runs this bot.`;
}

/** Removes anything that looks like a URL (e.g. the Slack API base in a client error message). */
export function redactUrls(text: string): string {
  return text.replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s)'"]+/gi, "<url>");
}

/** Whether an error came from the Web API client (as opposed to a bug in our own code). */
export const isSlackClientError = (err: unknown): boolean => {
  const e = err as { code?: unknown; data?: { error?: unknown } } | null;
  return (
    (typeof e?.code === "string" && e.code.startsWith("slack_webapi_")) || typeof e?.data?.error === "string"
  );
};

/**
 * The apology a person sees when answering them failed: Slack's trouble in Slack's words (with what to do),
 * anything else as our own problem. Never the error's message (it can carry URLs or a proxy's HTML).
 */
export function apologyFor(err: unknown): string {
  return isSlackClientError(err)
    ? failureAdvice(slackFailure(err))
    : "Something went wrong on my side while answering. Please try again in a minute.";
}
