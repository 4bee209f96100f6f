import { trainsLabel } from "../blocks/index.js";
import type { Catalog } from "../catalog/index.js";
import type { ChangeSummary } from "./changes.js";
import { html } from "./html.js";
import { dayText, type Links, page } from "./layout.js";

const RECENT = 20;

/** The index: every provider and the latest changes, each a link to its page. */
export function renderHomePage(catalog: Catalog, changes: readonly ChangeSummary[], links: Links): string {
  const providers = [...catalog.providers].sort((a, b) => a.name.localeCompare(b.name));
  const body = html`<h1>AI privacy: keep your chats out of training</h1>
<section aria-labelledby="providers"><h2 id="providers">Providers</h2>
<ul>${providers.map((p) => html`<li><a href="${links.provider(p.id)}">${p.name}</a> <span class="muted">(trains by default: ${trainsLabel(p)})</span></li>`)}</ul>
</section>
<section aria-labelledby="recent"><h2 id="recent">Recent policy changes</h2>
${
  changes.length
    ? html`<ul>${changes.slice(0, RECENT).map((c) => html`<li><a href="${links.change(c.id)}">${c.provider.name}: ${c.document.title}</a> <span class="muted">(${dayText(c.detectedAt)})</span></li>`)}</ul>`
    : html`<p>No change detected yet.</p>`
}
</section>`;
  return page({
    title: "Providers and policy changes",
    links,
    feeds: [
      { title: "All policy changes", href: links.changesFeed() },
      { title: "Catalog updates", href: links.catalogFeed() },
    ],
    body,
  });
}

export function renderProblemPage(links: Links, title: string, detail: string): string {
  return page({
    title,
    links,
    body: html`<h1>${title}</h1><p>${detail}</p><p><a href="${links.base}/">Go to the home page</a></p>`,
  });
}
