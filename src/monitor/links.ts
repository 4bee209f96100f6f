import { request } from "undici";
import { isSiteRoot, type Provider } from "../catalog/index.js";
import { USER_AGENT } from "../version.js";
import { FETCH_DEFAULTS } from "./fetch.js";
import {
  checkRedirect,
  NON_PUBLIC_ADDRESS,
  type RedirectDispatchers,
  type Resolver,
  redirectDispatchers,
} from "./redirects.js";

/**
 * Settings-link health: is each provider's `settingsUrl` and each official help article its steps cite
 * still there? HEAD first (RFC 9110 §9.3.2: same headers as GET, no body), GET when a server refuses HEAD
 * (405/501). Redirects are followed by hand under the policy fetcher's one redirect rule (redirects.ts: the
 * link's registrable site or one of the provider's `ownHosts`, never a private or link-local address, the
 * address checked where it is connected to), with the fetcher's timeouts and redirect cap. Only these count
 * as broken: 404/410 (RFC 9110 §15.5.5, §15.5.11) and a redirect the rule refuses (except to a sign-in
 * page); anything else unclear (5xx, 429, timeouts) changes nothing.
 */

export type LinkVerdict =
  | { readonly kind: "ok" }
  | { readonly kind: "broken"; readonly reason: string }
  /** Could not tell (server error, timeout): the stored state is kept as it is. */
  | { readonly kind: "unknown"; readonly reason: string };

export interface ProviderLink {
  readonly providerId: string;
  readonly url: string;
}

/** The links a provider's steps send people to: its settings pages and the official articles they cite. */
export function linksOf(p: Provider): ProviderLink[] {
  const urls = new Set<string>();
  if (p.optOut?.settingsUrl) urls.add(p.optOut.settingsUrl);
  const cited = new Set([
    ...(p.optOut?.sources ?? []),
    ...(p.optOut?.platforms ?? []).flatMap((x) => x.sources),
  ]);
  for (const s of p.sources) {
    if (cited.has(s.id) && s.grade === "official" && !isSiteRoot(s.url)) urls.add(s.url);
  }
  return [...urls].map((url) => ({ providerId: p.id, url }));
}

// A sign-in page on an identity host (accounts.google.com, login.microsoftonline.com) is where a settings
// page sends a visitor who is not signed in: the link works.
const LOGIN_PATH = /(^|[/._-])(log-?in|sign-?in|signon|auth|oauth2?|sso|account[s]?)([/._?-]|$)/i;

export interface LinkProbeOptions {
  readonly connectTimeoutMs?: number;
  readonly totalTimeoutMs?: number;
  readonly maxRedirects?: number;
  /** Resolves a redirect target's host for the connection (tests inject one). */
  readonly resolve?: Resolver;
}

export interface LinkProbe {
  check(url: string, ownHosts: readonly string[]): Promise<LinkVerdict>;
  close(): Promise<void>;
}

export function createLinkProbe(options: LinkProbeOptions = {}): LinkProbe {
  const settings = { ...FETCH_DEFAULTS, ...options };
  const dispatchers = redirectDispatchers({
    connectTimeoutMs: settings.connectTimeoutMs,
    ...(options.resolve ? { resolve: options.resolve } : {}),
  });
  return {
    check: (url, ownHosts) => checkLink(dispatchers, url, ownHosts, settings),
    close: () => dispatchers.close(),
  };
}

async function checkLink(
  dispatchers: RedirectDispatchers,
  start: string,
  ownHosts: readonly string[],
  settings: { totalTimeoutMs: number; maxRedirects: number },
): Promise<LinkVerdict> {
  let first: URL;
  try {
    first = new URL(start);
  } catch {
    return { kind: "broken", reason: "not a valid URL" };
  }
  let url = first;
  for (let hop = 0; hop <= settings.maxRedirects; hop++) {
    const dispatcher = dispatchers.forHop(first, url);
    let status = await statusOf(dispatcher, url, "HEAD", settings.totalTimeoutMs);
    if (status.code === 405 || status.code === 501)
      status = await statusOf(dispatcher, url, "GET", settings.totalTimeoutMs);
    if ("refused" in status) return { kind: "broken", reason: status.refused };
    if ("error" in status) return { kind: "unknown", reason: status.error };
    const { code, location } = status;
    if (code === 404 || code === 410) return { kind: "broken", reason: `HTTP ${code}` };
    // 401/403: a sign-in wall or a bot filter in front of a page that exists.
    if ((code >= 200 && code < 300) || code === 401 || code === 403) return { kind: "ok" };
    if (code >= 300 && code < 400 && location) {
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        return { kind: "unknown", reason: `HTTP ${code} to an unreadable Location` };
      }
      const verdict = checkRedirect(first, next, ownHosts);
      if (!verdict.ok) {
        const elsewhere = checkRedirect(first, next, [next.hostname]).ok;
        if (elsewhere && (LOGIN_PATH.test(next.hostname) || LOGIN_PATH.test(next.pathname)))
          return { kind: "ok" };
        return {
          kind: "broken",
          reason: elsewhere ? `redirects to another site (${next.hostname})` : verdict.reason,
        };
      }
      url = next;
      continue;
    }
    return { kind: "unknown", reason: `HTTP ${code}` };
  }
  return { kind: "unknown", reason: `more than ${settings.maxRedirects} redirects` };
}

async function statusOf(
  dispatcher: ReturnType<RedirectDispatchers["forHop"]>,
  url: URL,
  method: "HEAD" | "GET",
  totalTimeoutMs: number,
): Promise<
  | { code: number; location: string | undefined }
  | { code?: undefined; error: string }
  | { code?: undefined; refused: string }
> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), totalTimeoutMs);
  try {
    const response = await request(url, {
      method,
      headers: { "user-agent": USER_AGENT, accept: "text/html,*/*;q=0.5" },
      dispatcher,
      signal: controller.signal,
    });
    // Only the status matters: the body (of a GET) is never read.
    response.body.on("error", () => {});
    response.body.destroy();
    const location = response.headers.location;
    return { code: response.statusCode, location: Array.isArray(location) ? location[0] : location };
  } catch (err) {
    const error = err as Error & { code?: string };
    if (error.code === NON_PUBLIC_ADDRESS) return { refused: error.message };
    return {
      error: controller.signal.aborted
        ? `no answer within ${totalTimeoutMs / 1000} s (timeout)`
        : `${error.code ?? error.name}: ${error.message}`.slice(0, 200),
    };
  } finally {
    clearTimeout(timer);
  }
}
