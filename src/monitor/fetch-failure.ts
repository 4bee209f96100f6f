/**
 * Why a policy page could not be fetched, as a typed value with one flag computed here and nowhere else:
 * whether trying again later may succeed. Modelled on Open Terms Archive's fetcher errors
 * (FetchDocumentError and its `mayBeTransient`, https://github.com/OpenTermsArchive/engine): a timeout, a
 * refused or reset connection, a failed DNS lookup, HTTP 5xx, 408 (RFC 9110 §15.5.9) and 429 (RFC 6585 §4)
 * may go away by themselves; a 404, a refused redirect, a page too large or not HTML will not, and the
 * catalog entry needs a look. The check (record.ts) waits for a transient failure to repeat before telling
 * anyone, and reports any other at once.
 */

export type FetchFailureCause =
  | "timeout"
  | "connection"
  | "dns"
  | "http-server"
  | "http-busy"
  | "truncated"
  | "reader"
  | "http-client"
  | "redirect"
  | "non-public-address"
  | "too-large"
  | "not-html"
  | "invalid-url";

export interface FetchFailure {
  readonly kind: "failed";
  readonly cause: FetchFailureCause;
  readonly reason: string;
  readonly mayBeTransient: boolean;
}

const TRANSIENT: ReadonlySet<FetchFailureCause> = new Set([
  "timeout",
  "connection",
  "dns",
  "http-server",
  "http-busy",
  // A compressed body cut short, most often by a connection dropped mid-transfer.
  "truncated",
  // The page-reading thread or process died: this bot's own trouble, not the page's.
  "reader",
]);

export const fetchFailure = (cause: FetchFailureCause, reason: string): FetchFailure => ({
  kind: "failed",
  cause,
  reason,
  mayBeTransient: TRANSIENT.has(cause),
});

/** A final status that is neither 2xx nor 304 nor a followed redirect. */
export function httpFailure(status: number): FetchFailure {
  const cause =
    status >= 500 ? "http-server" : status === 408 || status === 429 ? "http-busy" : "http-client";
  return fetchFailure(cause, `HTTP ${status}`);
}

/** Node's and undici's error codes for a connection that could not be made or was cut. */
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_FAIL", "EAI_NODATA", "EAI_NONAME"]);

/** The cause of a thrown network error (not a timeout, which the fetcher tells apart itself). */
export const networkCause = (code: string | undefined): FetchFailureCause =>
  code && DNS_CODES.has(code) ? "dns" : "connection";
