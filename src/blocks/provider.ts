import type { KnownBlock } from "@slack/types";
import { DEFAULT_STALE_DAYS, isSiteRoot, type Provider, type Source, staleSince } from "../catalog/index.js";
import { actions, button, context, divider, fitBlocks, header, section } from "./kit.js";
import { checkMessage, LIMITS } from "./limits.js";
import { escapeMrkdwn, formatDate, link, relativeDays, truncate } from "./mrkdwn.js";

export interface RenderedMessage {
  text: string;
  blocks: KnownBlock[];
}

export interface ReviewFlag {
  documentTitle: string;
  since: string;
}

const PLATFORM_TITLES = {
  web: "On the web or desktop app",
  ios: "On iPhone or iPad",
  android: "On Android",
} as const;
const TRAINS = { yes: "Yes", no: "No", partial: "Partly", unknown: "Unclear" } as const;
const AVAILABLE = {
  yes: "Yes: you can switch it off yourself",
  regional: "Only in some regions",
  admin: "Only an admin can",
  none: "No opt-out exists",
  unknown: "Unclear",
} as const;
const CONFIDENCE = {
  strong: ":large_green_circle: strong",
  medium: ":large_yellow_circle: medium",
  weak: ":red_circle: weak",
} as const;

const esc = escapeMrkdwn;
const bullets = (items: string[]) => items.map((i) => `• ${esc(i)}`).join("\n");

export function trainsLabel(p: Provider): string {
  return p.trainsByDefault ? TRAINS[p.trainsByDefault.value] : TRAINS.unknown;
}

export function optOutLabel(p: Provider): string {
  const available = p.optOut?.available ?? "unknown";
  if (available === "none" && p.trainsByDefault?.value === "no")
    return "Not needed: it doesn't train on your chats by default";
  return AVAILABLE[available];
}

/** "Claude (Anthropic)", but just "Zoom" or "GitHub Copilot" when the name already says who makes it. */
export function nameWithVendor(p: Provider): string {
  const vendorWord = p.vendor?.split(/[\s(]/)[0]?.toLowerCase();
  return vendorWord && !p.name.toLowerCase().includes(vendorWord) ? `${p.name} (${p.vendor})` : p.name;
}

export function confidenceLabel(p: Provider): string {
  return CONFIDENCE[p.confidence];
}

/**
 * One source with honest provenance: "checked" only when someone read the page; otherwise the date the
 * fact sheet recorded it. A site root stands for an article whose address is unknown.
 */
export function sourceLine(s: Source, maxTitle = Number.POSITIVE_INFINITY): string {
  const provenance = s.checked
    ? `checked ${formatDate(s.checked)}`
    : s.cited
      ? `cited ${formatDate(s.cited)}`
      : "";
  const dates = [provenance, s.published ? `published ${formatDate(s.published)}` : ""]
    .filter(Boolean)
    .join(", ");
  const unknown = isSiteRoot(s.url) ? " (article address unknown)" : "";
  return `• ${link(s.url, truncate(s.title, maxTitle))}${unknown} (${s.grade}${dates ? `; ${dates}` : ""})`;
}

/** Sources someone read, then those only recorded by a fact sheet, said once per group rather than per line. */
export function sourceSections(sources: readonly Source[], maxTitle?: number): string[] {
  const read = sources.filter((s) => s.checked);
  const cited = sources.filter((s) => !s.checked);
  return [
    ...(read.length
      ? chunked(
          "*Sources*",
          read.map((s) => sourceLine(s, maxTitle)),
        )
      : []),
    ...(cited.length
      ? chunked(
          read.length
            ? "*More sources, from the fact sheet, not re-read*"
            : "*Sources, from the fact sheet, not re-read*",
          cited.map((s) => sourceLine(s, maxTitle)),
        )
      : []),
  ];
}

/**
 * A titled list split over as many sections as it needs, whole lines only: one 3,000-character section
 * would otherwise be cut inside a link (https://api.slack.com/reference/block-kit/blocks#section).
 */
function chunked(title: string, lines: string[], max = LIMITS.sectionText - 100): string[] {
  const out: string[] = [];
  let current = title;
  for (const line of lines) {
    if (current.length + line.length + 1 > max && current !== title) {
      out.push(current);
      current = `${title} (continued)`;
    }
    current += `\n${line}`;
  }
  out.push(current);
  return out;
}

/** Settings next to the training control (ads, marketing cookies, memory): listed, and said not to be training. */
function relatedSettingsSection(p: Provider): string | undefined {
  if (!p.relatedSettings.length) return undefined;
  const lines = p.relatedSettings.map((r) => {
    const also = r.alternateLabels.length
      ? ` (also shown as ${r.alternateLabels.map((l) => `“${esc(l)}”`).join(", ")})`
      : "";
    const where = r.path ? ` — ${esc(r.path)}` : "";
    const def = r.default ? ` Default: ${esc(r.default)}.` : "";
    return `• “${esc(r.label)}”${also}${where}: ${esc(r.controls)}.${def}`;
  });
  return `*Related settings (not training)*\n${lines.join("\n")}`;
}

function settingLine(p: Provider): string | undefined {
  const o = p.optOut;
  if (!o?.label) return undefined;
  const alternates = o.alternateLabels.length
    ? ` (also shown as ${o.alternateLabels.map((l) => `“${esc(l)}”`).join(", ")})`
    : "";
  return `*The setting:* “${esc(o.label)}”${alternates}`;
}

export interface StepsOptions {
  today: string;
  review?: ReviewFlag | undefined;
  shared?: boolean;
  /** `CATALOG_STALE_DAYS`: an entry reviewed longer ago is marked "may be out of date". */
  staleDays?: number;
}

/** "may be out of date (last reviewed 1 Aug 2026)", or undefined while the entry is fresh. */
export function staleNote(p: Provider, today: string, staleDays = DEFAULT_STALE_DAYS): string | undefined {
  const since = staleSince(p, today, staleDays);
  return since ? `may be out of date (last reviewed ${formatDate(since)})` : undefined;
}

/** Source titles are shortened to this only when the full answer would not fit Slack's limits. */
const COMPACT_SOURCE_TITLE = 60;

/**
 * The full answer for one provider: whether it trains by default, exact steps per platform (and app
 * variant), related settings that are not training, what the setting does not cover, retention, dated
 * events, uncertainties and sources with honest provenance. Source titles shrink only if it would not fit.
 */
export function renderSteps(p: Provider, options: StepsOptions): RenderedMessage {
  const full = buildSteps(p, options);
  return checkMessage(full).length === 0 ? full : buildSteps(p, options, COMPACT_SOURCE_TITLE);
}

function buildSteps(p: Provider, options: StepsOptions, maxSourceTitle?: number): RenderedMessage {
  const blocks: KnownBlock[] = [];
  const optional: number[] = [];
  const add = (block: KnownBlock, expendable = false) => {
    if (expendable) optional.unshift(blocks.length);
    blocks.push(block);
  };
  const settingsButton = p.optOut?.settingsUrl
    ? button("Open the setting", "open_settings", { url: p.optOut.settingsUrl, value: p.id })
    : undefined;

  add(header(`${p.name}: keep your chats out of training`));
  const intro = [
    p.summary ? esc(p.summary) : undefined,
    `*Trains on your chats by default:* ${trainsLabel(p)}${p.trainsByDefault?.detail ? ` — ${esc(p.trainsByDefault.detail)}` : ""}`,
    `*Opt-out:* ${optOutLabel(p)}`,
  ].filter(Boolean);
  add(section(intro.join("\n"), settingsButton));
  if (options.review) {
    add(
      section(
        `:warning: *Needs review:* the provider changed “${esc(options.review.documentTitle)}” on ${formatDate(options.review.since)}. These steps may be out of date until we re-check them.`,
      ),
    );
  }
  const stale = staleNote(p, options.today, options.staleDays);
  if (stale)
    add(
      section(
        `:hourglass: *This entry ${stale}.* Providers change their settings often; check the labels against the app.`,
      ),
    );
  const setting = settingLine(p);
  if (setting) add(section(setting));
  for (const platform of p.optOut?.platforms ?? []) {
    const steps = platform.steps.map((s, i) => `${i + 1}. ${esc(s.text)}`).join("\n");
    const variant = platform.variant ? ` — ${esc(platform.variant)}` : "";
    add(section(`*${PLATFORM_TITLES[platform.id]}${variant}*\n${steps}`));
  }
  if (p.optOut?.notes.length) add(section(bullets(p.optOut.notes)), true);
  const related = relatedSettingsSection(p);
  if (related) add(section(related));
  if (p.notCovered.length)
    add(section(`*What the setting does not cover*\n${bullets(p.notCovered.map((c) => c.text))}`));
  if (p.retention && (p.retention.withTraining || p.retention.withoutTraining || p.retention.notes.length)) {
    const lines = [
      p.retention.withTraining ? `• With training on: ${esc(p.retention.withTraining)}` : "",
      p.retention.withoutTraining ? `• With training off: ${esc(p.retention.withoutTraining)}` : "",
      ...p.retention.notes.map((n) => `• ${esc(n)}`),
    ].filter(Boolean);
    add(section(`*How long they keep your chats*\n${lines.join("\n")}`));
  }
  if (p.deadlines.length) {
    const dated = [...p.deadlines]
      .sort((a, b) => a.date.localeCompare(b.date))
      .map(
        (d) =>
          `• *${formatDate(d.date)}* (${relativeDays(d.date, options.today)}): ${esc(d.title)}${d.detail ? `. ${esc(d.detail)}` : ""}`,
      );
    add(section(`*Dates*\n${dated.join("\n")}`));
  }
  if (p.tiers && (p.tiers.covered.length || p.tiers.excluded.length)) {
    const tiers = [
      p.tiers.covered.length ? `*Applies to:* ${esc(p.tiers.covered.join(", "))}` : "",
      p.tiers.excluded.length ? `*Not affected:* ${esc(p.tiers.excluded.join(", "))}` : "",
    ].filter(Boolean);
    add(section(tiers.join("\n")), true);
  }
  if (p.uncertainties.length)
    for (const text of chunked(
      ":grey_question: *Not certain*",
      p.uncertainties.map((u) => `• ${esc(u)}`),
    ))
      add(section(text));
  for (const text of sourceSections(p.sources, maxSourceTitle)) add(section(text));
  add(
    context(
      `Confidence: ${confidenceLabel(p)} · As of ${p.lastReviewed ? formatDate(p.lastReviewed) : "unreviewed"}${p.vendor ? ` · ${esc(p.vendor)}` : ""}`,
    ),
  );
  if (!options.shared) {
    const buttons = [
      ...(settingsButton ? [{ ...settingsButton, style: "primary" as const }] : []),
      button("Share in channel", "share_steps", { value: p.id }),
    ];
    add(actions(`steps:${p.id}`, ...buttons));
  } else {
    add(divider(), true);
  }
  const fitted = fitBlocks(blocks, optional);
  return { text: `${p.name}: how to keep your chats out of training`, blocks: fitted };
}
