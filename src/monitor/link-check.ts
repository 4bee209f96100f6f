import { escapeMrkdwn, formatDate, header, LIMITS, link, section, truncate } from "../blocks/index.js";
import { type Catalog, ownHostsOf, type Provider } from "../catalog/index.js";
import { enqueueMessage, keys } from "../outbox/index.js";
import type { BrokenLink, OutboxPayload, Store } from "../store/index.js";
import { createLinkProbe, type LinkProbe, type LinkVerdict, linksOf } from "./links.js";

/**
 * The write side of link health, run after each policy check. A link becomes broken once (one notice to
 * operators) and recovers once (one notice); an unclear answer changes nothing. Notices go to the ops
 * channel, else by DM to the admins: never to a subscribed (public) channel, since a broken settings link
 * is the bot's problem to fix, not news for the workspace.
 */

export interface LinkCheckOptions {
  store: Store;
  catalog: Catalog;
  now: () => Date;
  opsChannelId?: string;
  /** ADMIN_USER_IDS: DMed when there is no ops channel. */
  leadsToNotify?: readonly string[];
  teamIdFor?: (channelOrUserId: string) => string | undefined;
  providerId?: string;
  /** Defaults to an HTTP probe with the fetcher's limits (closed again at the end of the run). */
  probe?: LinkProbe;
}

export interface LinkCheckResult {
  providerId: string;
  url: string;
  verdict: LinkVerdict;
}

/** Links are checked this many at a time: a few dozen requests spread over the providers' hosts. */
const CONCURRENCY = 4;

export async function runLinkCheck(options: LinkCheckOptions): Promise<LinkCheckResult[]> {
  const own = options.probe ? undefined : createLinkProbe();
  const probe = options.probe ?? own!;
  const work = options.catalog.providers
    .filter((p) => !options.providerId || p.id === options.providerId)
    .flatMap((p) => linksOf(p).map((l) => ({ provider: p, url: l.url })));
  const results: LinkCheckResult[] = [];
  let next = 0;
  const worker = async () => {
    while (next < work.length) {
      const { provider, url } = work[next++]!;
      const verdict = await probe.check(url, ownHostsOf(provider));
      await record(options, provider, url, verdict);
      results.push({ providerId: provider.id, url, verdict });
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(CONCURRENCY, work.length) }, worker));
  } finally {
    await own?.close();
  }
  return results;
}

async function record(
  options: LinkCheckOptions,
  provider: Provider,
  url: string,
  verdict: LinkVerdict,
): Promise<void> {
  if (verdict.kind === "unknown") return;
  const now = options.now();
  await options.store.transaction(async (tx) => {
    const inTx = { ...options, store: tx };
    const before = (await tx.documents.brokenLinks()).find(
      (l) => l.providerId === provider.id && l.url === url,
    );
    if (verdict.kind === "broken") {
      await tx.documents.markLinkBroken({ providerId: provider.id, url, reason: verdict.reason, since: now });
      if (!before)
        await notify(
          inTx,
          provider,
          { providerId: provider.id, url, reason: verdict.reason, since: now },
          "broken",
          now,
        );
    } else if (before && (await tx.documents.clearBrokenLink(provider.id, url))) {
      await notify(inTx, provider, before, "recovered", now);
    }
  });
}

async function notify(
  options: LinkCheckOptions,
  provider: Provider,
  l: BrokenLink,
  event: "broken" | "recovered",
  now: Date,
): Promise<void> {
  const fallbackTeam = (await options.store.subscriptions.listAll())[0]?.teamId ?? "";
  const recipients = options.opsChannelId
    ? [options.opsChannelId]
    : [...new Set(options.leadsToNotify ?? [])];
  const payload = event === "broken" ? brokenMessage(provider, l) : recoveredMessage(provider, l, now);
  for (const r of recipients) {
    const key = (event === "broken" ? keys.linkBroken : keys.linkRecovered)(provider.id, l.url, l.since, r);
    await enqueueMessage(
      options.store,
      {
        key,
        kind: event === "broken" ? "link-broken" : "link-recovered",
        teamId: options.teamIdFor?.(r) ?? fallbackTeam,
        channelId: r,
        payload,
      },
      now,
    );
  }
}

const shortUrl = (url: string) => truncate(url, 300);

function brokenMessage(p: Provider, l: BrokenLink): OutboxPayload {
  const title = `${p.name}: a link may be broken`;
  return {
    text: truncate(escapeMrkdwn(title), LIMITS.fallbackText),
    blocks: [
      header(title),
      section(
        `${link(l.url, shortUrl(l.url))} answered: ${escapeMrkdwn(truncate(l.reason, 200))} (checked ${formatDate(l.since.toISOString().slice(0, 10))}).\nThe bot's steps send people there: check the page and update the catalog entry \`${escapeMrkdwn(p.id)}\`. Leads see "link may be broken" in \`list\` until it works again; you will get one note when it does.`,
      ),
    ],
    unfurl_links: false,
  };
}

function recoveredMessage(p: Provider, l: BrokenLink, now: Date): OutboxPayload {
  const title = `${p.name}: the link works again`;
  return {
    text: truncate(escapeMrkdwn(title), LIMITS.fallbackText),
    blocks: [
      header(title),
      section(
        `${link(l.url, shortUrl(l.url))} answers again (broken from ${formatDate(l.since.toISOString().slice(0, 10))} to ${formatDate(now.toISOString().slice(0, 10))}).`,
      ),
    ],
    unfurl_links: false,
  };
}

/** Providers with at least one link that may be broken: `list` shows these to leads only. */
export async function brokenLinkProviders(store: Store): Promise<Set<string>> {
  return new Set((await store.documents.brokenLinks()).map((l) => l.providerId));
}
