import type { AppDeps } from "../deps.js";
import type { Campaign, ReminderState } from "../store/index.js";
import {
  inWorkingHours,
  localDateOf,
  nextWorkingMorning,
  nextWorkingTime,
  zoneOrFallback,
} from "../time/index.js";
import { afterSend } from "./machine.js";
import { type ReminderVariant, renderReminder } from "./messages.js";

/** What the reminders logic needs from the app: the store, the catalog and two settings. */
export type ReminderDeps = Pick<AppDeps, "store" | "catalog" | "config">;

export const REMINDER_EVENT = "ai_privacy_reminder";
const BATCH = 500;

export const zoneOf = (deps: ReminderDeps, state: Pick<ReminderState, "tz">): string =>
  zoneOrFallback(state.tz, deps.config.DEFAULT_TIMEZONE);

/** Enqueues one reminder DM for the state, keyed so a re-run never sends it twice. */
export function enqueueReminder(
  deps: ReminderDeps,
  input: {
    /** Skip the Block Kit check when a message of the same campaign, day and variant passed it already. */
    validate?: boolean;
    state: ReminderState;
    campaign: Campaign;
    key: string;
    variant: ReminderVariant;
    reason?: string;
    now: Date;
    notBefore?: Date;
  },
): boolean {
  const { state, campaign, now } = input;
  const provider = deps.catalog.byId(campaign.providerId);
  if (!provider) return false;
  const today = localDateOf(now, zoneOf(deps, state));
  const message = renderReminder({
    provider,
    state,
    campaign,
    today,
    variant: input.variant,
    ...(input.reason ? { reason: input.reason } : {}),
    validate: input.validate !== false,
  });
  return deps.store.outbox.enqueue(
    {
      key: input.key,
      kind: input.variant === "recheck" ? "reminder-recheck" : "reminder",
      teamId: state.teamId,
      channelId: state.userId,
      payload: {
        text: message.text,
        blocks: message.blocks,
        metadata: {
          event_type: REMINDER_EVENT,
          event_payload: { state_id: state.id, campaign_id: campaign.id },
        },
      },
      ...(input.notBefore ? { notBefore: input.notBefore } : {}),
    },
    now,
  );
}

/**
 * Sends every reminder that is due: one message per person however long the bot was down (the next one is
 * planned from now), and only inside the person's working hours — otherwise it moves to their next morning.
 */
export function sendDueReminders(
  deps: ReminderDeps,
  now: Date,
  campaignId?: number,
): { sent: number; deferred: number } {
  const { store } = deps;
  const campaigns = new Map<number, Campaign | undefined>();
  const checked = new Set<string>();
  let sent = 0;
  let deferred = 0;
  for (;;) {
    const batch = store.reminders.due(now, BATCH, campaignId);
    store.transaction(() => {
      for (const state of batch) {
        if (!campaigns.has(state.campaignId))
          campaigns.set(state.campaignId, store.reminders.getCampaign(state.campaignId));
        const campaign = campaigns.get(state.campaignId);
        const tz = zoneOf(deps, state);
        if (!campaign || !deps.catalog.byId(campaign.providerId)) {
          store.reminders.transition(state.id, state.state, { nextAt: null }, now);
        } else if (!inWorkingHours(now, tz)) {
          store.reminders.transition(state.id, state.state, { nextAt: nextWorkingMorning(now, tz) }, now);
          deferred += 1;
        } else if (
          store.reminders.transition(state.id, state.state, afterSend(state, campaign, now, tz), now)
        ) {
          const key = `reminder:${state.id}:${state.sends + 1}`;
          const shape = `${campaign.id}:${localDateOf(now, tz)}`;
          if (
            enqueueReminder(deps, {
              state,
              campaign,
              key,
              variant: "ask",
              now,
              validate: !checked.has(shape),
            })
          )
            sent += 1;
          checked.add(shape);
        }
      }
    });
    if (batch.length < BATCH) return { sent, deferred };
  }
}

/** When a newly asked person should get the first reminder: now in their working hours, else next morning. */
export const firstReminderAt = (deps: ReminderDeps, tz: string | null, now: Date): Date =>
  nextWorkingTime(now, zoneOrFallback(tz, deps.config.DEFAULT_TIMEZONE));
