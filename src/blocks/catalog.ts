import type { KnownBlock } from "@slack/types";
import type { Deadline, Provider, RegulationEvent, SearchHit } from "../catalog/index.js";
import { actions, button, context, fitBlocks, header, section } from "./kit.js";
import { LIMITS } from "./limits.js";
import { escapeMrkdwn, formatDate, relativeDays } from "./mrkdwn.js";
import {
  confidenceLabel,
  nameWithVendor,
  optOutLabel,
  type RenderedMessage,
  staleNote,
  trainsLabel,
} from "./provider.js";

const esc = escapeMrkdwn;

const HELP_LINES: [string, string][] = [
  ["steps", "Exact steps to stop a provider training on your chats (or just `/ai-privacy claude`)"],
  ["list", "Every provider: trains by default? can you opt out? how sure we are"],
  ["deadlines", "Upcoming and recent opt-out deadlines and policy dates"],
  ["search", "Which providers mention something, e.g. “5 years”, “voice”, “feedback”"],
  ["subscribe", "Leads: announce deadlines and policy changes in this channel"],
  ["unsubscribe", "Leads: stop announcements in this channel"],
  ["subscriptions", "What this channel is subscribed to"],
  ["remind", "Leads: ask people to opt out, with buttons to report back"],
  ["status", "Progress of reminder campaigns (names only for the campaign's own lead)"],
  ["my-data", "Everything the bot stores about you"],
  ["forget-me", "Delete what the bot stores about you"],
];

/** `usage`: each verb's synopsis, as the command parser states it (commands/parse.ts). */
export function renderHelp(
  providerCount: number,
  usage: Readonly<Record<string, string>>,
  topic?: string,
): RenderedMessage {
  const lines = HELP_LINES.map(([cmd, what]) => `\`${esc(usage[cmd] ?? cmd)}\`\n${what}`);
  const focused = HELP_LINES.find(([cmd]) => cmd === topic);
  if (focused) {
    const [cmd, what] = focused;
    return {
      text: `How to use /ai-privacy ${cmd}`,
      blocks: [
        section(`*${what}*\n\`${esc(usage[cmd] ?? cmd)}\``),
        context("`/ai-privacy help` lists everything the bot can do."),
      ],
    };
  }
  return {
    text: "What /ai-privacy can do",
    blocks: [
      header("/ai-privacy: keep your chats out of AI training"),
      section(
        `I know the opt-out steps for ${providerCount} AI services, with sources. Replies are only visible to you unless you share them.`,
      ),
      section(lines.slice(0, 6).join("\n")),
      section(lines.slice(6).join("\n")),
      context(
        "Try `/ai-privacy claude` or `/ai-privacy chat gpt`. Provider names are forgiving: typos are fine.",
      ),
    ],
  };
}

/** One line per provider; long catalogs are split over several sections to stay within limits. */
export function renderList(
  providers: readonly Provider[],
  reviews: ReadonlyMap<string, unknown> = new Map(),
  /** Today and `CATALOG_STALE_DAYS`, to mark entries that may be out of date. */
  freshness?: { today: string; staleDays: number },
  /** Providers with a settings or help link that may be broken: passed only when a lead asks. */
  brokenLinks: ReadonlySet<string> = new Set(),
): RenderedMessage {
  const lines = providers.map((p) => {
    const review = reviews.has(p.id) ? " · :warning: needs review" : "";
    const note = freshness ? staleNote(p, freshness.today, freshness.staleDays) : undefined;
    const stale = note ? ` · :hourglass: ${note}` : "";
    const broken = brokenLinks.has(p.id) ? " · :link: link may be broken" : "";
    return `*${esc(nameWithVendor(p))}* — trains by default: ${trainsLabel(p)} · opt-out: ${optOutLabel(p)} · ${confidenceLabel(p)}${review}${stale}${broken}`;
  });
  const chunks: string[] = [];
  let current = "";
  for (const line of lines) {
    if (current && current.length + line.length + 1 > LIMITS.sectionText - 100) {
      chunks.push(current);
      current = "";
    }
    current = current ? `${current}\n${line}` : line;
  }
  if (current) chunks.push(current);
  const blocks: KnownBlock[] = [
    header(`AI services and training on your chats (${providers.length})`),
    ...chunks.slice(0, 40).map((c) => section(c)),
    context("`/ai-privacy <name>` for the steps · confidence reflects how well the facts are sourced"),
  ];
  return { text: `${providers.length} AI services: who trains on your chats`, blocks: fitBlocks(blocks, []) };
}

export interface DatedEvent {
  provider: Provider;
  deadline: Deadline;
}

export const ACTION_OPEN_CALENDAR = "open_calendar";

export function renderDeadlines(
  upcoming: DatedEvent[],
  recent: DatedEvent[],
  today: string,
  /** With PUBLIC_URL: the iCalendar file of every dated event, offered as "Add to calendar". */
  calendarUrl?: string,
  /** Upcoming regulatory dates: listed apart, so provider deadlines stay uncluttered. */
  regulation: readonly RegulationEvent[] = [],
): RenderedMessage {
  const line = ({ provider, deadline }: DatedEvent) =>
    `• *${formatDate(deadline.date)}* (${relativeDays(deadline.date, today)}) — *${esc(provider.name)}*: ${esc(deadline.title)}`;
  const blocks: KnownBlock[] = [header("Opt-out deadlines and policy dates")];
  blocks.push(
    section(
      upcoming.length
        ? `*Coming up*\n${upcoming.map(line).join("\n")}`
        : "*Coming up*\nNothing scheduled right now.",
    ),
  );
  if (recent.length) blocks.push(section(`*Recently*\n${recent.map(line).join("\n")}`));
  if (regulation.length) {
    const lines = regulation.map(
      (r) =>
        `• *${formatDate(r.date)}* (${relativeDays(r.date, today)}) — *${esc(r.jurisdiction)}*: ${esc(r.title)}`,
    );
    blocks.push(section(`:classical_building: *Regulatory dates* (laws, not opt-outs)\n${lines.join("\n")}`));
  }
  if (calendarUrl) {
    blocks.push(
      actions("deadlines:calendar", button("Add to calendar", ACTION_OPEN_CALENDAR, { url: calendarUrl })),
    );
  }
  blocks.push(
    context(
      "Leads can `/ai-privacy subscribe` a channel to get these announced ahead of time; `subscribe regulation` adds the regulatory dates.",
    ),
  );
  return {
    text: upcoming.length ? `${upcoming.length} upcoming AI-privacy dates` : "No upcoming AI-privacy dates",
    blocks,
  };
}

export function renderSearch(query: string, hits: SearchHit[]): RenderedMessage {
  if (!hits.length) {
    return {
      text: "No provider mentions that",
      blocks: [
        section(`No provider entry mentions “${esc(query)}”.`),
        context(
          "Search looks at steps, caveats, retention, dates and sources. Try fewer words, e.g. `/ai-privacy search retention`.",
        ),
      ],
    };
  }
  const blocks: KnownBlock[] = [
    section(`*${hits.length} provider${hits.length === 1 ? "" : "s"} mention “${esc(query)}”*`),
  ];
  for (const hit of hits.slice(0, 20)) {
    const excerpts = hit.excerpts.map((e) => `> ${esc(e)}`).join("\n");
    blocks.push(
      section(
        `*${esc(hit.provider.name)}*${excerpts ? `\n${excerpts}` : ""}`,
        button("Steps", "show_steps", { value: hit.provider.id }),
      ),
    );
  }
  if (hits.length > 20) blocks.push(context(`…and ${hits.length - 20} more. Add a word to narrow it down.`));
  return { text: `${hits.length} providers mention that`, blocks: fitBlocks(blocks, []) };
}

export function renderAmbiguous(query: string, candidates: Provider[]): RenderedMessage {
  return {
    text: `Which one do you mean?`,
    blocks: [
      section(`“${esc(query)}” could be ${candidates.length} services. Which one do you mean?`),
      actions(
        "which",
        ...candidates.slice(0, 5).map((p) => button(p.name, `show_steps:${p.id}`, { value: p.id })),
      ),
    ],
  };
}

export function renderUnknown(query: string, suggestions: Provider[]): RenderedMessage {
  const blocks: KnownBlock[] = [
    section(
      `I don't know a service called “${esc(query)}”.${suggestions.length ? " Did you mean one of these?" : ""}`,
    ),
  ];
  if (suggestions.length)
    blocks.push(
      actions("suggest", ...suggestions.map((p) => button(p.name, `show_steps:${p.id}`, { value: p.id }))),
    );
  blocks.push(
    context(
      "`/ai-privacy list` shows every service I know. Operators can add internal tools with CATALOG_PATH.",
    ),
  );
  return { text: `Unknown service`, blocks };
}
