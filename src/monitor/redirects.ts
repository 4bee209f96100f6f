import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { getDomain } from "tldts";

/**
 * Which redirects a policy fetch follows. A policy page that moves within its own site (http → https,
 * /privacy → /legal/privacy, www.example.com → example.com) is followed; a redirect to another registrable
 * site is refused unless the catalog entry lists that host in `allowRedirectsTo`, because what is stored
 * and announced as "the provider's policy" must come from the provider. A target that resolves to a
 * private, loopback, link-local or otherwise non-public address (RFC 1918, RFC 4193, RFC 3927, RFC 4291
 * section 2.5.6, RFC 6598) is refused too — the monitor must never fetch an internal page and queue it as a
 * policy change — except a redirect that stays on the document's own host and port (a loopback test site
 * redirecting to itself). "Registrable site" is the Public Suffix List's registrable domain (tldts), as
 * browsers define "site" (https://html.spec.whatwg.org/multipage/browsers.html#sites).
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

export async function checkRedirect(
  documentUrl: URL,
  target: URL,
  allowRedirectsTo: readonly string[],
  resolve: Resolver,
): Promise<RedirectVerdict> {
  if (target.protocol !== "http:" && target.protocol !== "https:") {
    return { ok: false, reason: `redirected to a non-HTTP address (${target.protocol})` };
  }
  const host = bare(target.hostname);
  const allowed = allowRedirectsTo.some((entry) => bare(entry) === host);
  if (!allowed && siteOf(host) !== siteOf(documentUrl.hostname)) {
    return {
      ok: false,
      reason: `redirected to another site (${target.host}); list that host under the document's allowRedirectsTo in the catalog if it is intended`,
    };
  }
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : await resolve(host);
  } catch (err) {
    return {
      ok: false,
      reason: `redirected to ${target.host}, which does not resolve (${(err as Error).message})`.slice(
        0,
        200,
      ),
    };
  }
  const internal = addresses.find(isNonPublicAddress);
  const sameEndpoint = host === bare(documentUrl.hostname) && portOf(target) === portOf(documentUrl);
  if (internal !== undefined && !sameEndpoint) {
    return {
      ok: false,
      reason: `redirected to a private, loopback or link-local address (${target.host} is ${internal}); refused`,
    };
  }
  return { ok: true };
}
