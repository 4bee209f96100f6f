import { formatDate } from "../blocks/index.js";
import type { Catalog } from "../catalog/index.js";
import { staleProviders } from "../catalog/index.js";
import { enqueueMessage, keys } from "../outbox/index.js";
import type { OutboxPayload, Store } from "../store/index.js";
import { addDays, calendarDate, daysBetween } from "./deadlines.js";

/**
 * The weekly operator notice of catalog entries that may be out of date (`lastReviewed` older than
 * CATALOG_STALE_DAYS). It goes to OPS_CHANNEL_ID only — it is about the bot's own data, not a channel's
 * subscription — at most once per ISO week: the key names the week's Monday, so the daily announcement
 * run (and every restart) decides it again without repeating it.
 */

export interface StaleNoticeDeps {
  store: Store;
  catalog: Catalog;
  now: () => Date;
  config: { OPS_CHANNEL_ID?: string | undefined; CATALOG_STALE_DAYS: number; DEFAULT_TIMEZONE: string };
}

/** The Monday (YYYY-MM-DD) of the ISO week that contains `date`. */
export function weekOf(date: string): string {
  const weekday = (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7; // Monday = 0
  return addDays(date, -weekday);
}

export function staleNoticeMessage(
  entries: readonly { name: string; lastReviewed: string; days: number }[],
  staleDays: number,
): OutboxPayload {
  const lines = entries
    .slice(0, 40)
    .map(
      (e) =>
        `• *${e.name.replace(/[<>&]/g, "")}*: last reviewed ${formatDate(e.lastReviewed)} (${e.days} days ago)`,
    );
  const more = entries.length > 40 ? `\n…and ${entries.length - 40} more` : "";
  return {
    text: `${entries.length} catalog entries may be out of date`,
    unfurl_links: false,
    blocks: [
      { type: "header", text: { type: "plain_text", text: "Catalog entries that may be out of date" } },
      {
        type: "section",
        text: {
          type: "mrkdwn",
          text: `Not reviewed for more than ${staleDays} days (CATALOG_STALE_DAYS); answers mark them "may be out of date":\n${lines.join("\n")}${more}`,
        },
      },
      {
        type: "context",
        elements: [
          {
            type: "mrkdwn",
            text: "Re-check the facts against the providers' pages and update `lastReviewed`.",
          },
        ],
      },
    ],
  };
}

/** Enqueues this week's notice when there is something stale and an ops channel; true when newly queued. */
export async function runStaleNotice(deps: StaleNoticeDeps): Promise<boolean> {
  const channelId = deps.config.OPS_CHANNEL_ID;
  if (!channelId) return false;
  const today = calendarDate(deps.now(), deps.config.DEFAULT_TIMEZONE);
  const stale = staleProviders(deps.catalog.providers, today, deps.config.CATALOG_STALE_DAYS);
  if (!stale.length) return false;
  const entries = stale.map((p) => ({
    name: p.name,
    lastReviewed: p.lastReviewed ?? "",
    days: daysBetween(p.lastReviewed ?? today, today),
  }));
  const teamId = (await deps.store.subscriptions.listAll())[0]?.teamId ?? "";
  return enqueueMessage(
    deps.store,
    {
      key: keys.staleNotice(weekOf(today), channelId),
      kind: "notice",
      teamId,
      channelId,
      payload: staleNoticeMessage(entries, deps.config.CATALOG_STALE_DAYS),
    },
    deps.now(),
  );
}
