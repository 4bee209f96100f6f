import { whileLeading } from "../coordination/index.js";
import type { AppDeps } from "../deps.js";
import { enqueueMessage, keys } from "../outbox/index.js";
import type { SlackApi } from "../slack/index.js";
import { type Campaign, FORGOTTEN_ACTOR } from "../store/index.js";
import { endOfDay } from "../time/index.js";
import { type RefreshReport, refreshAudiences } from "./follow.js";
import { campaignProgress, renderDigest } from "./progress.js";
import { type ReminderDeps, sendDueReminders } from "./send.js";

const DAY_MS = 86_400_000;
export const DIGEST_EVERY_DAYS = 7;
/** A campaign without a deadline closes after this many days (the lead can close it earlier in App Home). */
export const OPEN_DAYS_WITHOUT_DEADLINE = 60;

export interface TickReport {
  closed: number;
  sent: number;
  deferred: number;
  /** Reminders that could not be built this tick (recorded, reported to the lead once per campaign). */
  failed: number;
  digests: number;
  purged: number;
}

/** When an open campaign ends: the end of its deadline day (DEFAULT_TIMEZONE), or 60 days after it began. */
export function closesAt(campaign: Campaign, defaultTz: string): Date {
  return campaign.deadline
    ? endOfDay(campaign.deadline, defaultTz)
    : new Date(campaign.createdAt.getTime() + OPEN_DAYS_WITHOUT_DEADLINE * DAY_MS);
}

async function enqueueDigest(
  deps: ReminderDeps,
  campaign: Campaign,
  kind: "weekly" | "closing",
  key: string,
  now: Date,
): Promise<boolean> {
  if (campaign.leadId === FORGOTTEN_ACTOR) return false;
  const message = renderDigest(await campaignProgress(deps.store, deps.catalog, campaign, false), kind);
  return enqueueMessage(
    deps.store,
    {
      key,
      kind: kind === "closing" ? "reminder-closing" : "reminder-digest",
      teamId: campaign.teamId,
      channelId: campaign.leadId,
      payload: { text: message.text, blocks: message.blocks },
    },
    now,
  );
}

/** Closes a campaign and sends its lead the closing summary (once, whoever closes it). */
export function closeCampaign(deps: ReminderDeps, campaignId: number, now: Date): Promise<boolean> {
  return deps.store.transaction(async (tx) => {
    if (!(await tx.reminders.closeCampaign(campaignId, now))) return false;
    const campaign = await tx.reminders.getCampaign(campaignId);
    if (campaign)
      await enqueueDigest(
        { ...deps, store: tx },
        campaign,
        "closing",
        keys.reminderClosing(campaign.id),
        now,
      );
    return true;
  });
}

/**
 * The REMINDER_CRON job: closes campaigns past their end, sends due
 * reminders (one per person, never a backlog), weekly digests to leads, and purges closed campaigns older
 * than RETENTION_DAYS. Idempotent: running it twice at the same instant sends nothing twice.
 */
export async function runReminderTick(deps: ReminderDeps, now: Date): Promise<TickReport> {
  const { store, config } = deps;
  let closed = 0;
  let digests = 0;
  for (const campaign of await store.reminders.listCampaigns({ status: "open" })) {
    if (now.getTime() >= closesAt(campaign, config.DEFAULT_TIMEZONE).getTime()) {
      if (await closeCampaign(deps, campaign.id, now)) closed += 1;
      continue;
    }
    const since = campaign.lastDigestAt ?? campaign.createdAt;
    if (now.getTime() - since.getTime() >= DIGEST_EVERY_DAYS * DAY_MS) {
      const week = Math.floor((now.getTime() - campaign.createdAt.getTime()) / (DIGEST_EVERY_DAYS * DAY_MS));
      await store.transaction(async (tx) => {
        const key = keys.reminderDigest(campaign.id, week);
        if (await enqueueDigest({ ...deps, store: tx }, campaign, "weekly", key, now)) digests += 1;
        await tx.reminders.markDigest(campaign.id, now);
      });
    }
  }
  const { sent, deferred, failed } = await sendDueReminders(deps, now);
  const purged = await store.reminders.purgeClosedBefore(
    new Date(now.getTime() - config.RETENTION_DAYS * DAY_MS),
  );
  return { closed, sent, deferred, failed, digests, purged };
}

/**
 * The scheduler job for REMINDER_CRON (`{ name, cron, run }`), logging what each tick did. It first
 * re-reads the channels and groups open campaigns follow (joiners and leavers whose events were missed).
 */
export function reminderJob(
  deps: ReminderDeps &
    Pick<AppDeps, "now" | "logger" | "slack"> & {
      /** Distributed mode: each workspace's own read API (default: deps.slack). */
      slackForTeam?: (teamId: string) => Promise<SlackApi | undefined>;
    },
): {
  name: string;
  cron: string;
  run: (signal?: AbortSignal) => Promise<TickReport & { audiences: RefreshReport }>;
} {
  return {
    name: "reminders",
    cron: deps.config.REMINDER_CRON,
    // The scheduler's signal: once this instance stops leading the job, its store refuses every write.
    run: async (signal) => {
      const led = signal ? { ...deps, store: whileLeading(deps.store, signal) } : deps;
      const slackForTeam = deps.slackForTeam ?? (async () => deps.slack);
      const audiences = await refreshAudiences({ ...led, slackForTeam }, deps.now());
      const report = { ...(await runReminderTick(led, deps.now())), audiences };
      if (Object.values(report).some((n) => typeof n === "number" && n > 0) || audiences.unreadable) {
        deps.logger.info(`reminders: ${JSON.stringify(report)}`);
      }
      return report;
    },
  };
}
