import { formatDate } from "../blocks/index.js";
import type { ChangeDiff, DiffRow, Highlight } from "../monitor/index.js";
import type { ChangeDetail } from "./changes.js";
import { externalLink, type Html, html } from "./html.js";
import { dayText, type Links, page } from "./layout.js";

/** The change page: the facts of one change, its highlights and the whole document diff. */

const TOPIC_LABELS: Record<Highlight["topics"][number], string> = {
  training: "training",
  "opt-out": "opt-out",
  retention: "retention",
  "human-review": "human review",
  "effective-date": "effective date",
  deadline: "deadline",
  sharing: "sharing",
  age: "age limits",
};

function highlightItem(h: Highlight): Html {
  const topics = h.topics.length
    ? html` <span class="muted">(${h.topics.map((t) => TOPIC_LABELS[t]).join(", ")})</span>`
    : "";
  const tag = h.change === "added" ? "Added" : "Removed";
  const text = h.change === "added" ? html`<ins>${h.text}</ins>` : html`<del>${h.text}</del>`;
  return html`<li><span class="tag">${tag}</span>${text}${topics}</li>`;
}

function row(r: DiffRow): Html {
  switch (r.kind) {
    case "same":
      return html`<p>${r.text}</p>`;
    case "added":
      return html`<p class="added"><span class="sr-only">Added paragraph: </span>${r.text}</p>`;
    case "removed":
      return html`<p class="removed"><span class="sr-only">Removed paragraph: </span>${r.text}</p>`;
    case "edited":
      return html`<p class="edited"><span class="sr-only">Changed paragraph: </span>${r.parts.map((p) =>
        p.change === "added"
          ? html`<ins>${p.text}</ins>`
          : p.change === "removed"
            ? html`<del>${p.text}</del>`
            : p.text,
      )}</p>`;
    case "folded": {
      const n = r.texts.length;
      return html`<details><summary>${n} unchanged paragraph${n === 1 ? "" : "s"}</summary>${r.texts.map((t) => html`<p>${t}</p>`)}</details>`;
    }
  }
}

/** What the page shows in place of highlights and diff when the worker pool could not make them. */
function tooLarge(change: ChangeDetail): Html {
  return html`<section aria-labelledby="diff" class="diff">
<h2 id="diff">The whole change</h2>
<p class="warn">This change is too large to show as a diff; see ${externalLink(change.document.url, "the live page")}.</p>
</section>`;
}

function diffSections(view: Extract<ChangeDiff, { ok: true }>): Html {
  const counts = { added: 0, removed: 0, edited: 0 };
  for (const r of view.rows) if (r.kind in counts) counts[r.kind as keyof typeof counts]++;
  return html`<section aria-labelledby="highlights">
<h2 id="highlights">Highlights</h2>
${
  view.highlights.length
    ? html`<ul class="highlights">${view.highlights.map(highlightItem)}</ul>`
    : html`<p>No sentence changed in substance: only punctuation or layout.</p>`
}
</section>
<section aria-labelledby="diff" class="diff">
<h2 id="diff">The whole change</h2>
<p class="muted">${counts.edited} changed, ${counts.added} added and ${counts.removed} removed paragraphs. Added words are <ins>underlined on green</ins>, removed words <del>struck through on red</del>; unchanged paragraphs are folded.</p>
${view.rows.map(row)}
</section>`;
}

/** `diff` is the worker pool's answer (monitor's `diffChange`): rows and highlights, or why there are none. */
export function renderChangePage(change: ChangeDetail, diff: ChangeDiff, links: Links): string {
  const { provider, document } = change;
  const pager = html`<nav class="pager" aria-label="Other changes to this document"><ul>
<li>${change.previousChangeId !== undefined ? html`<a href="${links.change(change.previousChangeId)}" rel="prev">← Previous change</a>` : html`<span class="muted">No earlier change</span>`}</li>
<li>${change.nextChangeId !== undefined ? html`<a href="${links.change(change.nextChangeId)}" rel="next">Next change →</a>` : html`<span class="muted">No later change</span>`}</li>
</ul></nav>`;
  const body = html`<article>
<h1>${provider.name}: ${document.title} changed</h1>
<dl class="facts">
<dt>Provider</dt><dd><a href="${links.provider(provider.id)}">${provider.name}</a></dd>
<dt>Document</dt><dd>${externalLink(document.url, document.title)} (the live page)</dd>
<dt>Detected</dt><dd><time datetime="${change.detectedAt.toISOString()}">${dayText(change.detectedAt)}</time></dd>
<dt>Compared with</dt><dd>the version first seen <time datetime="${change.previous.firstSeenAt.toISOString()}">${dayText(change.previous.firstSeenAt)}</time></dd>
${change.effectiveDate ? html`<dt>Effective</dt><dd><time datetime="${change.effectiveDate}">${formatDate(change.effectiveDate)}</time></dd>` : ""}
</dl>
${document.carriesSteps ? html`<p class="warn">This page carries the opt-out steps: the bot's steps for ${provider.name} need review against it.</p>` : ""}
${pager}
${diff.ok ? diffSections(diff) : tooLarge(change)}
${pager}
</article>`;
  return page({
    title: `${provider.name}: ${document.title} changed`,
    links,
    feeds: [
      { title: `${provider.name} policy changes`, href: links.providerFeed(provider.id) },
      { title: "All policy changes", href: links.changesFeed() },
    ],
    body,
  });
}
