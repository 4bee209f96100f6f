import { formatDate, nameWithVendor, optOutLabel, relativeDays, trainsLabel } from "../blocks/index.js";
import { isSiteRoot, type Provider, type Source } from "../catalog/index.js";
import { externalLink, type Html, html } from "./html.js";
import { type Links, page } from "./layout.js";

/** The provider page: the same facts as `/ai-privacy <provider>`, as one printable page. */

const PLATFORM_TITLES = {
  web: "On the web or desktop app",
  ios: "On iPhone or iPad",
  android: "On Android",
} as const;
const CONFIDENCE = { strong: "Strong", medium: "Medium", weak: "Weak" } as const;
const GRADES = {
  official: "official page",
  mirror: "copy of an official page",
  regulator: "regulator",
  press: "press",
  audit: "third-party audit",
  aggregator: "aggregator",
} as const;

export interface ProviderPageInput {
  readonly provider: Provider;
  /** YYYY-MM-DD in DEFAULT_TIMEZONE. */
  readonly today: string;
  /** Set when a watched help page changed after the steps were written. */
  readonly review?: { documentTitle: string; since: string; changeId?: number | undefined } | undefined;
  /** The last review date when the entry is older than CATALOG_STALE_DAYS. */
  readonly stale?: string | undefined;
  readonly links: Links;
}

const daysBetween = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);

function sourceItem(s: Source): Html {
  // Honest provenance, as in Slack answers: "checked" only when someone read the page.
  const provenance = s.checked
    ? `checked ${formatDate(s.checked)}`
    : `from the fact sheet${s.cited ? ` of ${formatDate(s.cited)}` : ""}, not re-read`;
  const unknown = isSiteRoot(s.url) ? " (article address unknown)" : "";
  return html`<li>${externalLink(s.url, s.title)}${unknown} <span class="muted">(${GRADES[s.grade]}; ${provenance}${s.published ? `, published ${formatDate(s.published)}` : ""})</span></li>`;
}

const list = (items: readonly string[]) => html`<ul>${items.map((i) => html`<li>${i}</li>`)}</ul>`;

function staleness(p: Provider, today: string): Html {
  if (!p.lastReviewed) return html`Not reviewed yet: treat these facts with care.`;
  const age = daysBetween(p.lastReviewed, today);
  const when = html`<time datetime="${p.lastReviewed}">${formatDate(p.lastReviewed)}</time>`;
  if (age <= 0) return html`As of ${when} (reviewed today).`;
  return html`As of ${when}: reviewed ${age} day${age === 1 ? "" : "s"} ago (${relativeDays(p.lastReviewed, today)}).`;
}

export function renderProviderPage({ provider: p, today, review, stale, links }: ProviderPageInput): string {
  const o = p.optOut;
  const setting = o?.label
    ? html`<p><strong>The setting:</strong> “${o.label}”${o.alternateLabels.length ? html` (also shown as ${o.alternateLabels.map((l, i) => html`${i ? ", " : ""}“${l}”`)})` : ""}</p>`
    : "";
  const dated = [...p.deadlines].sort((a, b) => a.date.localeCompare(b.date));
  const retention = p.retention;
  const body = html`<article>
<h1>${p.name}: keep your chats out of training</h1>
${p.summary ? html`<p>${p.summary}</p>` : ""}
<dl class="facts">
<dt>Trains on your chats by default</dt><dd>${trainsLabel(p)}${p.trainsByDefault?.detail ? html` — ${p.trainsByDefault.detail}` : ""}</dd>
<dt>Opt-out</dt><dd>${optOutLabel(p)}</dd>
${o?.settingsUrl ? html`<dt>Settings link</dt><dd>${externalLink(o.settingsUrl, "Open the setting")}</dd>` : ""}
<dt>Confidence</dt><dd>${CONFIDENCE[p.confidence]}</dd>
<dt>Made by</dt><dd>${nameWithVendor(p)}</dd>
</dl>
${
  review
    ? html`<p class="warn"><strong>Needs review:</strong> the provider changed “${review.documentTitle}” on ${formatDate(review.since)}${review.changeId !== undefined ? html` (<a href="${links.change(review.changeId)}">see the change</a>)` : ""}. These steps may be out of date until they are checked again.</p>`
    : ""
}
${stale ? html`<p class="warn"><strong>May be out of date:</strong> last reviewed ${formatDate(stale)}. Check the sources below before relying on these steps.</p>` : ""}
<section aria-labelledby="steps">
<h2 id="steps">Steps</h2>
${setting}
${
  o?.platforms.length
    ? o.platforms.map(
        (platform) =>
          html`<h3>${PLATFORM_TITLES[platform.id]}</h3><ol class="steps">${platform.steps.map((s) => html`<li>${s.text}</li>`)}</ol>`,
      )
    : html`<p>No steps are recorded for this provider.</p>`
}
${o?.notes.length ? list(o.notes) : ""}
</section>
${p.notCovered.length ? html`<section aria-labelledby="not-covered"><h2 id="not-covered">What the setting does not cover</h2>${list(p.notCovered.map((c) => c.text))}</section>` : ""}
${
  retention && (retention.withTraining || retention.withoutTraining || retention.notes.length)
    ? html`<section aria-labelledby="retention"><h2 id="retention">How long they keep your chats</h2><ul>
${retention.withTraining ? html`<li>With training on: ${retention.withTraining}</li>` : ""}
${retention.withoutTraining ? html`<li>With training off: ${retention.withoutTraining}</li>` : ""}
${retention.notes.map((n) => html`<li>${n}</li>`)}</ul></section>`
    : ""
}
${
  dated.length
    ? html`<section aria-labelledby="dates"><h2 id="dates">Dates</h2><ul>${dated.map(
        (d) =>
          html`<li><strong><time datetime="${d.date}">${formatDate(d.date)}</time></strong> (${relativeDays(d.date, today)}): ${d.title}${d.detail ? `. ${d.detail}` : ""}</li>`,
      )}</ul><p><a href="${links.calendar(p.id)}">Add these dates to your calendar</a> (iCalendar)</p></section>`
    : ""
}
${
  p.tiers && (p.tiers.covered.length || p.tiers.excluded.length)
    ? html`<section aria-labelledby="tiers"><h2 id="tiers">Who is affected</h2>
${p.tiers.covered.length ? html`<p><strong>Applies to:</strong> ${p.tiers.covered.join(", ")}</p>` : ""}
${p.tiers.excluded.length ? html`<p><strong>Not affected:</strong> ${p.tiers.excluded.join(", ")}</p>` : ""}</section>`
    : ""
}
${p.uncertainties.length ? html`<section aria-labelledby="uncertain"><h2 id="uncertain">Not certain</h2>${list(p.uncertainties)}</section>` : ""}
<section aria-labelledby="sources"><h2 id="sources">Sources</h2>
${p.sources.length ? html`<ul>${p.sources.map(sourceItem)}</ul>` : html`<p>No sources are recorded for this provider.</p>`}
<p class="muted">Confidence: ${CONFIDENCE[p.confidence]}. ${staleness(p, today)}</p>
</section>
<p><a href="${links.providerFeed(p.id)}">Policy changes of ${p.name}</a> (Atom feed)</p>
</article>`;
  return page({
    title: `${p.name}: keep your chats out of training`,
    links,
    feeds: [{ title: `${p.name} policy changes`, href: links.providerFeed(p.id) }],
    body,
  });
}
