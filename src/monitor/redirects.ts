import { lookup } from "node:dns/promises";
import { BlockList, isIP, type LookupFunction } from "node:net";
import { getDomain } from "tldts";
import { Agent, type Dispatcher } from "undici";

/**
 * Which redirects the monitor follows — policy fetches (fetch.ts) and settings-link health (links.ts) alike,
 * one rule. A page that moves within its own site (http → https, /privacy → /legal/privacy,
 * www.example.com → example.com) is followed; a redirect to another registrable site is refused unless the
 * catalog lists that host (or a parent of it) — a document's `allowRedirectsTo`, a provider's `ownHosts` —
 * because what is stored and announced as "the provider's policy" must come from the provider. A target at
 * a private, loopback, link-local or otherwise non-public address (RFC 1918, RFC 4193, RFC 3927, RFC 4291
 * section 2.5.6, RFC 6598) is refused too — the monitor must never fetch an internal page and queue it as a
 * policy change — except a redirect that stays on the document's own host and port (a loopback test site
 * redirecting to itself). "Registrable site" is the Public Suffix List's registrable domain (tldts), as
 * browsers define "site" (https://html.spec.whatwg.org/multipage/browsers.html#sites).
 *
 * A host name is checked where it is connected to: `publicOnlyLookup` is the connection's own DNS lookup
 * (undici's `connect.lookup`, passed to net.connect), so the address checked is the address used — no
 * second resolution that a DNS-rebinding answer could change in between.
 */

export type RedirectVerdict = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/** Resolves a host name to its addresses; injectable so tests need no DNS. */
export type Resolver = (hostname: string) => Promise<string[]>;

export const systemResolver: Resolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 4],
  ["240.0.0.0", 4],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, "ipv4");
}
for (const [net, prefix] of [
  ["::", 128],
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const) {
  NON_PUBLIC.addSubnet(net, prefix, "ipv6");
}

export function isNonPublicAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  // An IPv4-mapped IPv6 address (::ffff:10.0.0.1) is the IPv4 address it maps.
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  if (mapped) return NON_PUBLIC.check(mapped, "ipv4");
  return NON_PUBLIC.check(address, family === 6 ? "ipv6" : "ipv4");
}

const bare = (hostname: string) => hostname.replace(/^\[|\]$/g, "").toLowerCase();

/** The registrable domain (example.co.uk for www.example.co.uk); an IP address or a single label is its own site. */
function siteOf(hostname: string): string {
  const host = bare(hostname);
  return (isIP(host) ? undefined : getDomain(host)) ?? host;
}

const portOf = (url: URL) => url.port || (url.protocol === "https:" ? "443" : "80");

/** The same host and port as the document: the operator's own address, trusted like the document itself. */
export const sameEndpoint = (documentUrl: URL, url: URL): boolean =>
  bare(url.hostname) === bare(documentUrl.hostname) && portOf(url) === portOf(documentUrl);

/**
 * The site rule and, for an IP-address target, the address rule (an IP literal is connected to without a
 * lookup). A host name's addresses are checked when it is connected to (`publicOnlyLookup`).
 */
export function checkRedirect(
  documentUrl: URL,
  target: URL,
  allowRedirectsTo: readonly string[],
): RedirectVerdict {
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    return { ok: false, reason: `redirected to a non-HTTP address (${target.protocol})` };
  }
  const host = bare(target.hostname);
  const allowed = allowRedirectsTo.some((entry) => host === bare(entry) || host.endsWith(`.${bare(entry)}`));
  if (!allowed && siteOf(host) !== siteOf(documentUrl.hostname)) {
    return {
      ok: false,
      reason: `redirected to another site (${target.host}); list that host under the document's allowRedirectsTo in the catalog if it is intended`,
    };
  }
  if (isIP(host) && isNonPublicAddress(host) && !sameEndpoint(documentUrl, target)) {
    return { ok: false, reason: refusal(target.host, host) };
  }
  return { ok: true };
}

const refusal = (host: string, address: string) =>
  `redirected to a private, loopback or link-local address (${host} is ${address}); refused`;

/** The code of a connection refused because its host resolved to a non-public address. */
export const NON_PUBLIC_ADDRESS = "ERR_NON_PUBLIC_ADDRESS";

/**
 * net.connect's `lookup`, resolving with `resolve` once and refusing a host with any non-public address
 * (a mixed answer is refused whole: a client may try every address it was given).
 */
export function publicOnlyLookup(resolve: Resolver): LookupFunction {
  return (hostname, options, callback) => {
    const fail = (err: Error) => (callback as (e: Error) => void)(err);
    resolve(hostname).then(
      (all) => {
        const addresses = all.filter((a) => !options.family || isIP(a) === options.family);
        const internal = addresses.find(isNonPublicAddress);
        if (internal !== undefined) {
          return fail(Object.assign(new Error(refusal(hostname, internal)), { code: NON_PUBLIC_ADDRESS }));
        }
        if (!addresses.length) {
          return fail(Object.assign(new Error(`${hostname} does not resolve`), { code: "ENOTFOUND" }));
        }
        const entries = addresses.map((address) => ({ address, family: isIP(address) }));
        if (options.all) callback(null, entries);
        else callback(null, entries[0]!.address, entries[0]!.family);
      },
      (err: Error) => fail(err),
    );
  };
}

/**
 * The two connection pools a redirect-following client needs: requests to the document's own endpoint use
 * the system resolver like any request to a configured address; every other hop connects through
 * `publicOnlyLookup`.
 */
export interface RedirectDispatchers {
  forHop(documentUrl: URL, url: URL): Dispatcher;
  close(): Promise<void>;
}

export function redirectDispatchers(options: {
  readonly connectTimeoutMs: number;
  readonly resolve?: Resolver;
}): RedirectDispatchers {
  // No redirect interceptor: every hop is checked against the redirect rule before it is followed.
  const trusted = new Agent({ connect: { timeout: options.connectTimeoutMs } });
  const guarded = new Agent({
    connect: {
      timeout: options.connectTimeoutMs,
      lookup: publicOnlyLookup(options.resolve ?? systemResolver),
    },
  });
  return {
    forHop: (documentUrl, url) => (sameEndpoint(documentUrl, url) ? trusted : guarded),
    close: async () => {
      await Promise.all([trusted.close(), guarded.close()]);
    },
  };
}
