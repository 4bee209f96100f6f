import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

/** What a web handler answers; `send` adds the security headers, the ETag and conditional GET. */
export interface WebResponse {
  readonly status: number;
  readonly type: string;
  readonly body: string;
  /** Cache-Control; pages and feeds change when the store does, so caches must revalidate. */
  readonly cache?: string;
}

/**
 * No script may run, nothing may be framed or embedded, styles only from our own stylesheet
 * (CSP Level 3, https://www.w3.org/TR/CSP3/). Third-party text is escaped anyway; this is the second wall.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'none'; style-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  "content-security-policy": CONTENT_SECURITY_POLICY,
  "x-content-type-options": "nosniff",
  "referrer-policy": "no-referrer",
  "cross-origin-opener-policy": "same-origin",
  "cross-origin-resource-policy": "same-origin",
} as const;

/** A strong validator over the exact bytes sent (RFC 9110 §8.8.3). */
export function etagOf(body: string): string {
  return `"${createHash("sha256").update(body).digest("base64url").slice(0, 27)}"`;
}

/**
 * If-None-Match uses the weak comparison function: W/ prefixes are ignored, `*` matches any current
 * representation (RFC 9110 §13.1.2).
 */
export function matchesIfNoneMatch(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  if (header.trim() === "*") return true;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => opaque(tag) === opaque(etag));
}

export function send(req: IncomingMessage, res: ServerResponse, answer: WebResponse): void {
  const etag = etagOf(answer.body);
  const headers: Record<string, string> = {
    ...SECURITY_HEADERS,
    "cache-control": answer.cache ?? "no-cache",
    etag,
  };
  if (answer.status === 200 && matchesIfNoneMatch(req.headers["if-none-match"], etag)) {
    // A 304 carries the validator but no body (RFC 9110 §15.4.5).
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const body = Buffer.from(answer.body, "utf8");
  res.writeHead(answer.status, {
    ...headers,
    "content-type": answer.type,
    "content-length": String(body.length),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

export const HTML_TYPE = "text/html; charset=utf-8";
/** RFC 4287 §7: the media type of an Atom feed document. */
export const ATOM_TYPE = "application/atom+xml; charset=utf-8";
/** RFC 5545 §8.1: text/calendar. */
export const CALENDAR_TYPE = "text/calendar; charset=utf-8";
export const CSS_TYPE = "text/css; charset=utf-8";
