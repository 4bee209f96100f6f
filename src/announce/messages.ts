import type { KnownBlock } from "@slack/types";
import { escapeMrkdwn, formatDate, relativeDays, truncate } from "../blocks/index.js";
import type { OutboxPayload } from "../store/index.js";
import type { CalendarEvent } from "./deadlines.js";

/** Block Kit renderers for everything the bot announces on its own. Pure: plain data in, payload out. */

export const ACTION_SHOW_STEPS = "show_steps";
export const ACTION_REMIND_ME = "remind_me";

const KIND_EMOJI: Record<string, string> = {
  deadline: ":alarm_clock:",
  effective: ":date:",
  change: ":memo:",
  regulation: ":classical_building:",
};

function buttons(providerId: string, withRemind: boolean): KnownBlock {
  const elements = [
    {
      type: "button" as const,
      action_id: ACTION_SHOW_STEPS,
      text: { type: "plain_text" as const, text: "Show me the steps" },
      value: providerId,
      style: "primary" as const,
    },
    ...(withRemind
      ? [
          {
            type: "button" as const,
            action_id: ACTION_REMIND_ME,
            text: { type: "plain_text" as const, text: "Remind me" },
            value: providerId,
          },
        ]
      : []),
  ];
  return { type: "actions", block_id: `announce:${providerId}`.slice(0, 255), elements };
}

/** Header text is plain_text, but notifications parse the fallback text: no `<…>` sequences from catalog data. */
const plain = (text: string) => text.replace(/[<>]/g, "");

const context = (text: string): KnownBlock => ({ type: "context", elements: [{ type: "mrkdwn", text }] });

/** A regulatory date: no provider steps to show, so no buttons; it says it is context, not an opt-out. */
function regulationMessage(event: CalendarEvent, today: string): OutboxPayload {
  const when = `${formatDate(event.date)} (${relativeDays(event.date, today)})`;
  const lines = [`*When:* ${when}`, `*Where:* ${escapeMrkdwn(event.providerName)}`];
  if (event.detail) lines.push(`*What:* ${escapeMrkdwn(truncate(event.detail, 1200))}`);
  lines.push("This is a law's date, not an opt-out deadline: nothing to switch off.");
  return {
    text: truncate(plain(`${event.providerName}: ${event.title} — ${when}`), 300),
    unfurl_links: false,
    blocks: [
      {
        type: "header",
        text: { type: "plain_text", text: truncate(plain(`${event.providerName}: ${event.title}`), 150) },
      },
      { type: "section", text: { type: "mrkdwn", text: `${KIND_EMOJI.regulation} ${lines.join("\n")}` } },
      context("This channel is subscribed to regulatory dates · `/ai-privacy unsubscribe all` to stop"),
    ],
  };
}

export function deadlineMessage(event: CalendarEvent, today: string): OutboxPayload {
  if (event.kind === "regulation") return regulationMessage(event, today);
  const when = `${formatDate(event.date)} (${relativeDays(event.date, today)})`;
  const lines = [`*When:* ${when}`];
  if (event.detail) lines.push(`*What:* ${escapeMrkdwn(truncate(event.detail, 1200))}`);
  lines.push(
    `*Who is affected:* ${event.tiers?.length ? escapeMrkdwn(truncate(event.tiers.join(", "), 1000)) : "everyone using it"}`,
  );
  return {
    text: truncate(plain(`${event.providerName}: ${event.title} — ${when}`), 300),
    unfurl_links: false,
    blocks: [
      {
        type: "header",
        text: { type: "plain_text", text: truncate(plain(`${event.providerName}: ${event.title}`), 150) },
      },
      {
        type: "section",
        text: { type: "mrkdwn", text: `${KIND_EMOJI[event.kind] ?? ":date:"} ${lines.join("\n")}` },
      },
      buttons(event.providerId, true),
      context(
        `This channel is subscribed to ${escapeMrkdwn(event.providerName)} deadlines · \`/ai-privacy unsubscribe ${event.providerId}\` to stop`,
      ),
    ],
  };
}

export interface FieldChange {
  field: string;
  before: string;
  after: string;
}

export function catalogChangeMessage(
  provider: { id: string; name: string },
  changes: readonly FieldChange[],
): OutboxPayload {
  const shown = changes.slice(0, 12); // 12 × (2 × 300) characters stays well under the ~12k blocks cap
  const fieldBlocks: KnownBlock[] = shown.map((c) => ({
    type: "section",
    text: {
      type: "mrkdwn",
      text: `*${escapeMrkdwn(c.field)}*\n~${escapeMrkdwn(truncate(c.before || "(none)", 300))}~\n→ ${escapeMrkdwn(truncate(c.after || "(none)", 300))}`,
    },
  }));
  const more = changes.length - shown.length;
  return {
    text: truncate(
      plain(`What I know about ${provider.name} changed: ${changes.map((c) => c.field).join(", ")}`),
      300,
    ),
    unfurl_links: false,
    blocks: [
      {
        type: "header",
        text: { type: "plain_text", text: truncate(plain(`Updated: ${provider.name}`), 150) },
      },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `:arrows_counterclockwise: What I know about *${escapeMrkdwn(provider.name)}* changed, field by field (old → new):`,
        },
      },
      ...fieldBlocks,
      ...(more > 0 ? [context(`…and ${more} more change${more === 1 ? "" : "s"}.`)] : []),
      buttons(provider.id, false),
      context(
        `This channel is subscribed to catalog updates · \`/ai-privacy unsubscribe ${provider.id}\` to stop`,
      ),
    ],
  };
}

export function personalReminderMessage(provider: { id: string; name: string }): OutboxPayload {
  return {
    text: plain(`Reminder: check your ${provider.name} privacy settings.`),
    blocks: [
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `:bell: You asked me to remind you: check whether *${escapeMrkdwn(provider.name)}* may train on your chats, and switch it off if you want to.`,
        },
      },
      buttons(provider.id, false),
    ],
  };
}
