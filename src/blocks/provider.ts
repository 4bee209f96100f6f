import type { KnownBlock } from "@slack/types";
import type { Provider, Source } from "../catalog/index.js";
import { actions, button, context, divider, fitBlocks, header, section } from "./kit.js";
import { escapeMrkdwn, formatDate, link, relativeDays } from "./mrkdwn.js";

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

function sourceLine(s: Source): string {
  const dates = [
    `checked ${formatDate(s.checked)}`,
    s.published ? `published ${formatDate(s.published)}` : "",
  ]
    .filter(Boolean)
    .join(", ");
  return `• ${link(s.url, s.title)} (${s.grade}; ${dates})`;
}

function settingLine(p: Provider): string | undefined {
  const o = p.optOut;
  if (!o?.label) return undefined;
  const alternates = o.alternateLabels.length
    ? ` (also shown as ${o.alternateLabels.map((l) => `“${esc(l)}”`).join(", ")})`
    : "";
  return `*The setting:* “${esc(o.label)}”${alternates}`;
}

/**
 * The full answer for one provider: whether it trains by default, exact steps per platform, what the
 * setting does not cover, retention, dated events, uncertainties and sources with the date they were checked.
 */
export function renderSteps(
  p: Provider,
  options: { today: string; review?: ReviewFlag | undefined; shared?: boolean },
): RenderedMessage {
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
  const setting = settingLine(p);
  if (setting) add(section(setting));
  for (const platform of p.optOut?.platforms ?? []) {
    const steps = platform.steps.map((s, i) => `${i + 1}. ${esc(s.text)}`).join("\n");
    add(section(`*${PLATFORM_TITLES[platform.id]}*\n${steps}`));
  }
  if (p.optOut?.notes.length) add(section(bullets(p.optOut.notes)), true);
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
  if (p.uncertainties.length) add(section(`:grey_question: *Not certain*\n${bullets(p.uncertainties)}`));
  if (p.sources.length) add(section(`*Sources*\n${p.sources.map(sourceLine).join("\n")}`));
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
