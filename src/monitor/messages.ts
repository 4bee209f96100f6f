import type { KnownBlock } from "@slack/types";
import {
  actions,
  button,
  context,
  escapeMrkdwn,
  formatDate,
  header,
  LIMITS,
  section,
  truncate,
} from "../blocks/index.js";
import type { OutboxPayload } from "../store/index.js";
import type { DiffLine } from "./diff.js";
import type { Highlight, HighlightTopic } from "./highlights.js";

/**
 * Block Kit for the monitor's own messages. Page text is never trusted: every quote is escaped for mrkdwn
 * (so a page cannot ping a channel or forge a link) and cut to Slack's limits.
 */

export const ACTION_SHOW_STEPS = "show_steps";
export const ACTION_OPEN_DOCUMENT = "open_policy_document";
export const ACTION_OPEN_CHANGE = "open_policy_change";

export interface DocumentRef {
  readonly providerId: string;
  readonly providerName: string;
  readonly documentId: string;
  readonly documentTitle: string;
  readonly url: string;
}

export interface ChangeAnnouncement extends DocumentRef {
  readonly highlights: readonly Highlight[];
  readonly effectiveDate?: string;
  readonly detectedAt: Date;
  readonly carriesSteps: boolean;
  readonly hasDiff: boolean;
  /** The change page on the web surface (PUBLIC_URL); when set, the diff is there instead of in the thread. */
  readonly changeUrl?: string;
}

const SHOWN_HIGHLIGHTS = 5;
const QUOTE_CHARS = 600;

const day = (date: Date) => formatDate(date.toISOString().slice(0, 10));

function documentButtons(ref: DocumentRef, changeUrl?: string): KnownBlock {
  return actions(
    `policy:${ref.documentId}`.slice(0, LIMITS.blockId),
    ...(changeUrl
      ? [button("See the whole change", ACTION_OPEN_CHANGE, { url: changeUrl, value: ref.documentId })]
      : []),
    button("Open the page", ACTION_OPEN_DOCUMENT, { url: ref.url, value: ref.documentId }),
    button("Show me the steps", ACTION_SHOW_STEPS, { value: ref.providerId }),
  );
}

const TOPIC_LABELS: Record<HighlightTopic, string> = {
  training: "training",
  "opt-out": "opt-out",
  retention: "retention",
  "human-review": "human review",
  "effective-date": "effective date",
  deadline: "deadline",
  sharing: "sharing",
  age: "age limits",
};

function quote(highlight: Highlight): string {
  const label = highlight.change === "added" ? ":heavy_plus_sign: *Added*" : ":heavy_minus_sign: *Removed*";
  const topics =
    highlight.topics.length > 0 ? ` _(${highlight.topics.map((t) => TOPIC_LABELS[t]).join(", ")})_` : "";
  return `${label}${topics}\n>${escapeMrkdwn(truncate(highlight.text, QUOTE_CHARS))}`;
}

export function changeAnnouncementMessage(a: ChangeAnnouncement): OutboxPayload {
  const facts = [`*Document:* ${escapeMrkdwn(a.documentTitle)}`, `*Detected:* ${day(a.detectedAt)}`];
  if (a.effectiveDate) facts.push(`*Effective:* ${formatDate(a.effectiveDate)}`);
  const blocks: KnownBlock[] = [
    header(`${a.providerName}: ${a.documentTitle} changed`),
    section(facts.join("   ")),
  ];
  const shown = a.highlights.slice(0, SHOWN_HIGHLIGHTS);
  const whereDiff = a.changeUrl ? "on its page (See the whole change)" : "in the thread";
  if (shown.length === 0) {
    blocks.push(
      section(`No sentence changed in substance: only punctuation or layout. The full diff is ${whereDiff}.`),
    );
  }
  for (const highlight of shown) blocks.push(section(quote(highlight)));
  if (a.highlights.length > shown.length) {
    blocks.push(context(`${a.highlights.length - shown.length} more changed sentences ${whereDiff}.`));
  }
  if (a.carriesSteps) {
    blocks.push(
      section(
        `:warning: This article carries the opt-out steps: the bot's steps for *${escapeMrkdwn(a.providerName)}* are marked *needs review* until someone checks them against the page.`,
      ),
    );
  }
  blocks.push(documentButtons(a, a.changeUrl));
  if (a.hasDiff && !a.changeUrl) blocks.push(context("Full diff in the thread."));
  return {
    text: truncate(escapeMrkdwn(`${a.providerName} changed its ${a.documentTitle}.`), LIMITS.fallbackText),
    blocks,
    unfurl_links: false,
  };
}

/** Limits for one thread reply; a margin below Slack's ~13k-character blocks payload. */
const SECTION_BODY_CHARS = 2_800;
const REPLY_JSON_CHARS = 11_000;
export const MAX_DIFF_REPLIES = 8;

/** The full diff as thread replies, each a run of code-block sections within Block Kit limits. */
export function diffReplyMessages(ref: DocumentRef, lines: readonly DiffLine[]): OutboxPayload[] {
  const sections = diffSections(lines);
  const replies: KnownBlock[][] = [];
  let current: KnownBlock[] = [];
  let size = 0;
  for (const text of sections) {
    const block = section(text);
    const blockSize = JSON.stringify(block).length;
    if (
      current.length > 0 &&
      (size + blockSize > REPLY_JSON_CHARS || current.length >= LIMITS.blocks.message - 1)
    ) {
      replies.push(current);
      current = [];
      size = 0;
    }
    current.push(block);
    size += blockSize;
  }
  if (current.length > 0) replies.push(current);
  const kept = replies.slice(0, MAX_DIFF_REPLIES);
  const last = kept[kept.length - 1];
  if (replies.length > kept.length && last) {
    last.push(
      context(
        `Diff cut after ${kept.length} messages. The whole diff: \`ai-privacy diff ${ref.documentId}\` on the command line.`,
      ),
    );
  }
  return kept.map((blocks, i) => ({
    text: truncate(
      escapeMrkdwn(`Changes in ${ref.documentTitle} (${i + 1}/${kept.length})`),
      LIMITS.fallbackText,
    ),
    blocks,
    unfurl_links: false,
  }));
}

function diffSections(lines: readonly DiffLine[]): string[] {
  const marker = { added: "+ ", removed: "- ", context: "  " } as const;
  const bodies: string[] = [];
  let body = "";
  const flush = () => {
    if (body) bodies.push(body);
    body = "";
  };
  for (const line of lines) {
    // Three backticks inside page text would close the code block early.
    const safe = escapeMrkdwn(`${marker[line.change]}${line.text}`.replace(/```/g, "`\u200b``"));
    for (let start = 0; start < safe.length; start += SECTION_BODY_CHARS) {
      const piece = safe.slice(start, start + SECTION_BODY_CHARS);
      if (body.length + piece.length + 1 > SECTION_BODY_CHARS) flush();
      body += body ? `\n${piece}` : piece;
    }
  }
  flush();
  return bodies.map((b) => `\`\`\`${b}\`\`\``);
}

export interface FailureNotice extends DocumentRef {
  readonly error: string;
  /** False: the failure will not fix itself, so the notice comes at its first check. */
  readonly mayBeTransient: boolean;
  readonly failures: number;
  readonly since: Date;
  readonly needsBrowser: boolean;
}

export function failureNoticeMessage(n: FailureNotice): OutboxPayload {
  const browser = n.needsBrowser
    ? "\nThis page needs a browser: plain HTTP does not return its text, so the selectors find nothing."
    : "";
  return {
    text: truncate(escapeMrkdwn(`Can't read ${n.providerName}: ${n.documentTitle}`), LIMITS.fallbackText),
    blocks: [
      header(`Can't read ${n.providerName}: ${n.documentTitle}`),
      section(
        `${n.mayBeTransient ? `The last ${n.failures} checks since ${day(n.since)} could not read this document` : `The check on ${day(n.since)} could not read this document, and waiting will not fix it`}: ${escapeMrkdwn(truncate(n.error, 500))}.${browser}${n.mayBeTransient ? "" : "\nCheck the page and its catalog entry (address, allowed redirects)."}\nNo change will be announced for it until it is readable again; you will get one note when it is.`,
      ),
      documentButtons(n),
    ],
    unfurl_links: false,
  };
}

export function recoveryNoticeMessage(
  n: DocumentRef & { readonly since: Date; readonly now: Date },
): OutboxPayload {
  return {
    text: truncate(
      escapeMrkdwn(`${n.providerName}: ${n.documentTitle} is readable again`),
      LIMITS.fallbackText,
    ),
    blocks: [
      header(`${n.providerName}: ${n.documentTitle} is readable again`),
      section(
        `Unreadable from ${day(n.since)} to ${day(n.now)}. The next change will be compared with the last version read before the outage.`,
      ),
      documentButtons(n),
    ],
    unfurl_links: false,
  };
}
