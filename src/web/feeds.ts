import { createHash } from "node:crypto";
import { catalogFacts } from "../announce/index.js";
import { formatDate } from "../blocks/index.js";
import type { Catalog, Provider } from "../catalog/index.js";
import type { ChangeSummary } from "./changes.js";
import { escapeHtml, html } from "./html.js";
import { dayText, type Links } from "./layout.js";

/**
 * Atom 1.0 feeds (RFC 4287). Entry ids are tag URIs (RFC 4151) built from what identifies the entry
 * itself — a document and the hash of its text, a provider and the hash of its facts — so they survive a
 * database rebuild and never depend on the time of the request. `updated` comes from the data, never
 * from the clock, so an unchanged feed has an unchanged ETag.
 */

const escapeXml = escapeHtml;
const MAX_ENTRIES = 50;

interface AtomEntry {
  id: string;
  title: string;
  updated: Date;
  published?: Date;
  link: string;
  summary: string;
  /** HTML, sent escaped as `type="html"` content (RFC 4287 §4.1.3.1). */
  contentHtml: string;
  category?: string;
}

interface AtomFeed {
  id: string;
  title: string;
  subtitle: string;
  self: string;
  alternate: string;
  /** Used when there are no entries: the feed must still carry exactly one atom:updated (§4.1.1). */
  emptyUpdated: Date;
  entries: AtomEntry[];
}

const tagAuthority = (links: Links) => new URL(links.base).hostname;
export const tagUri = (links: Links, specific: string) => `tag:${tagAuthority(links)},2026:${specific}`;

function renderFeed(feed: AtomFeed): string {
  const newest = feed.entries.reduce<Date | undefined>(
    (max, e) => (!max || e.updated > max ? e.updated : max),
    undefined,
  );
  const entry = (e: AtomEntry) => `  <entry>
    <id>${escapeXml(e.id)}</id>
    <title type="text">${escapeXml(e.title)}</title>
    <updated>${e.updated.toISOString()}</updated>
${e.published ? `    <published>${e.published.toISOString()}</published>\n` : ""}    <link rel="alternate" type="text/html" href="${escapeXml(e.link)}"/>
${e.category ? `    <category term="${escapeXml(e.category)}"/>\n` : ""}    <summary type="text">${escapeXml(e.summary)}</summary>
    <content type="html">${escapeXml(e.contentHtml)}</content>
  </entry>
`;
  return `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="en">
  <id>${escapeXml(feed.id)}</id>
  <title type="text">${escapeXml(feed.title)}</title>
  <subtitle type="text">${escapeXml(feed.subtitle)}</subtitle>
  <updated>${(newest ?? feed.emptyUpdated).toISOString()}</updated>
  <author><name>AI privacy bot</name></author>
  <generator>ai-privacy-bot</generator>
  <link rel="self" type="application/atom+xml" href="${escapeXml(feed.self)}"/>
  <link rel="alternate" type="text/html" href="${escapeXml(feed.alternate)}"/>
${feed.entries.slice(0, MAX_ENTRIES).map(entry).join("")}</feed>
`;
}

/** The newest catalog review date: what "nothing happened yet" is dated with. */
function catalogUpdated(providers: readonly Provider[]): Date {
  const days = providers.map((p) => p.lastReviewed).filter((d): d is string => Boolean(d));
  const newest = days.sort().at(-1) ?? "2026-01-01";
  return new Date(`${newest}T00:00:00Z`);
}

function changeEntry(c: ChangeSummary, links: Links): AtomEntry {
  const effective = c.effectiveDate ? ` Effective ${formatDate(c.effectiveDate)}.` : "";
  const summary = `${c.provider.name} changed its ${c.document.title} (detected ${dayText(c.detectedAt)}).${effective}`;
  return {
    id: tagUri(links, `change:${c.document.id}:${c.hash.slice(0, 16)}`),
    title: `${c.provider.name}: ${c.document.title} changed`,
    updated: c.detectedAt,
    published: c.detectedAt,
    link: links.change(c.id),
    summary,
    contentHtml:
      html`<p>${summary}</p><p><a href="${links.change(c.id)}">See the whole change</a> · <a href="${c.document.url}">the live page</a></p>`
        .value,
    category: c.provider.id,
  };
}

export function changesFeed(changes: readonly ChangeSummary[], catalog: Catalog, links: Links): string {
  return renderFeed({
    id: tagUri(links, "feed:changes"),
    title: "AI privacy: policy changes",
    subtitle: "Changes to the AI providers' privacy and training pages, as the bot detected them.",
    self: links.changesFeed(),
    alternate: `${links.base}/`,
    emptyUpdated: catalogUpdated(catalog.providers),
    entries: changes.map((c) => changeEntry(c, links)),
  });
}

export function providerChangesFeed(
  provider: Provider,
  changes: readonly ChangeSummary[],
  links: Links,
): string {
  return renderFeed({
    id: tagUri(links, `feed:provider:${provider.id}`),
    title: `AI privacy: ${provider.name} policy changes`,
    subtitle: `Changes to ${provider.name}'s privacy and training pages.`,
    self: links.providerFeed(provider.id),
    alternate: links.provider(provider.id),
    emptyUpdated: catalogUpdated([provider]),
    entries: changes.map((c) => changeEntry(c, links)),
  });
}

/** A provider's announced facts (the same set as catalog-change announcements) and their hash. */
function factsOf(p: Provider): { hash: string; lines: [string, string][] } {
  const facts = catalogFacts(p);
  const lines = Object.keys(facts)
    .sort()
    .map((k): [string, string] => [k, facts[k] ?? ""]);
  return { hash: createHash("sha256").update(JSON.stringify(lines)).digest("hex"), lines };
}

/**
 * One entry per provider for its current facts. The id changes exactly when the facts do, so a feed
 * reader shows a new item for each catalog update; `updated` is the provider's review date.
 */
export function catalogFeed(catalog: Catalog, links: Links): string {
  const entries = catalog.providers.map((p): AtomEntry => {
    const { hash, lines } = factsOf(p);
    const reviewed = p.lastReviewed ? formatDate(p.lastReviewed) : "unreviewed";
    return {
      id: tagUri(links, `catalog:${p.id}:${hash.slice(0, 16)}`),
      title: `${p.name}: catalog facts as of ${reviewed}`,
      updated: catalogUpdated([p]),
      link: links.provider(p.id),
      summary: `What the catalog says about ${p.name} (reviewed ${reviewed}).`,
      contentHtml:
        html`<dl>${lines.filter(([, v]) => v).map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl><p><a href="${links.provider(p.id)}">Steps and sources</a></p>`
          .value,
      category: p.id,
    };
  });
  entries.sort((a, b) => b.updated.getTime() - a.updated.getTime() || a.id.localeCompare(b.id));
  return renderFeed({
    id: tagUri(links, "feed:catalog"),
    title: "AI privacy: catalog updates",
    subtitle:
      "The bot's facts about each AI provider: training defaults, opt-out steps, retention and dates.",
    self: links.catalogFeed(),
    alternate: `${links.base}/`,
    emptyUpdated: catalogUpdated(catalog.providers),
    entries,
  });
}
