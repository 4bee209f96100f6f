import { formatDate } from "../blocks/index.js";
import type { Catalog, Provider } from "../catalog/index.js";
import type { CatalogHistoryEntry } from "../store/index.js";
import type { ChangeSummary } from "./changes.js";
import { escapeHtml, html } from "./html.js";
import { dayText, type Links } from "./layout.js";

/**
 * Atom 1.0 feeds (RFC 4287). Entry ids are tag URIs (RFC 4151) built from what identifies the entry
 * itself — a document and the hash of its text, a provider and its catalog-history entry number — and never
 * depend on the time of the request. `updated` comes from the data, never
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

const shown = (value: string) => value || "(not set)";

/**
 * One entry per detected catalog change (the store's catalog history), newest first: which provider, each
 * field old → new, when the bot noticed. The id is the provider and its entry number, fixed when the change
 * is recorded; `updated` is the detection time. Links go to the provider page while the catalog still has
 * the provider, to the home page after it left.
 */
export function catalogFeed(history: readonly CatalogHistoryEntry[], catalog: Catalog, links: Links): string {
  const entries = history.map((h): AtomEntry => {
    const current = catalog.byId(h.providerId);
    const link = current ? links.provider(current.id) : `${links.base}/`;
    const name = current?.name ?? h.providerName;
    const what = h.stepsChanged
      ? "opt-out steps changed"
      : h.fields.length === 1
        ? `${h.fields[0]?.field ?? "one fact"} changed`
        : `${h.fields.length} facts changed`;
    const summary = `The bot's catalog entry for ${name} changed (detected ${dayText(h.detectedAt)}): ${h.fields
      .map((f) => f.field)
      .join("; ")}.`;
    return {
      id: tagUri(links, `catalog-change:${h.providerId}:${h.seq}`),
      title: `${name}: ${what}`,
      updated: h.detectedAt,
      published: h.detectedAt,
      link,
      summary,
      contentHtml: html`<p>${summary}</p><ul>${h.fields.map(
        (f) =>
          html`<li><strong>${f.field}</strong>: <del>${shown(f.before)}</del> → <ins>${shown(f.after)}</ins></li>`,
      )}</ul><p><a href="${link}">${current ? `${name}: steps and sources` : "All providers"}</a></p>`.value,
      category: h.providerId,
    };
  });
  return renderFeed({
    id: tagUri(links, "feed:catalog"),
    title: "AI privacy: catalog updates",
    subtitle:
      "Each change to the bot's facts about an AI provider (training defaults, opt-out steps, retention, dates), as the bot noticed it.",
    self: links.catalogFeed(),
    alternate: `${links.base}/`,
    emptyUpdated: catalogUpdated(catalog.providers),
    entries,
  });
}
