import { formatDate } from "../blocks/index.js";
import { type Html, html } from "./html.js";

/** Absolute links under PUBLIC_URL, so pages, feeds and Slack messages agree on every address. */
export interface Links {
  readonly base: string;
  change(id: number): string;
  provider(id: string): string;
  changesFeed(): string;
  providerFeed(id: string): string;
  catalogFeed(): string;
  calendar(providerId?: string): string;
  stylesheet(): string;
}

export function linksFor(publicUrl: string): Links {
  const base = publicUrl.replace(/\/+$/, "");
  const seg = encodeURIComponent;
  return {
    base,
    change: (id) => `${base}/changes/${id}`,
    provider: (id) => `${base}/providers/${seg(id)}`,
    changesFeed: () => `${base}/feeds/changes.atom`,
    providerFeed: (id) => `${base}/feeds/providers/${seg(id)}.atom`,
    catalogFeed: () => `${base}/feeds/catalog.atom`,
    calendar: (id) => (id ? `${base}/calendar/${seg(id)}.ics` : `${base}/calendar.ics`),
    stylesheet: () => `${base}/assets/web.css`,
  };
}

export const isoDay = (date: Date) => date.toISOString().slice(0, 10);
export const dayText = (date: Date) => formatDate(isoDay(date));

export interface PageOptions {
  readonly title: string;
  readonly links: Links;
  readonly feeds?: ReadonlyArray<{ title: string; href: string }>;
  readonly body: Html;
}

/** The page frame: language, viewport, landmarks (banner, navigation, main, contentinfo) and a skip link. */
export function page({ title, links, feeds = [], body }: PageOptions): string {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${title} · AI privacy</title>
<link rel="stylesheet" href="${links.stylesheet()}">
${feeds.map((f) => html`<link rel="alternate" type="application/atom+xml" title="${f.title}" href="${f.href}">\n`)}</head>
<body>
<a class="skip" href="#main">Skip to the content</a>
<header class="site">
<nav aria-label="Site">
<ul>
<li><a href="${links.base}/">AI privacy</a></li>
<li><a href="${links.changesFeed()}">Policy changes feed</a></li>
<li><a href="${links.catalogFeed()}">Catalog updates feed</a></li>
<li><a href="${links.calendar()}">Calendar of dates</a></li>
</ul>
</nav>
</header>
<main id="main">
${body}
</main>
<footer>
<p>Read-only pages of the AI privacy bot: public provider facts and the providers' own public policy pages. Quoted page text belongs to its publishers.</p>
</footer>
</body>
</html>
`.value;
}
