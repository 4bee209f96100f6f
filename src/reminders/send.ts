import { escapeMrkdwn, section, truncate } from "../blocks/index.js";
import type { AppDeps } from "../deps.js";
import { enqueueMessage, enqueueMessages, keys } from "../outbox/index.js";
import {
  type Campaign,
  FORGOTTEN_ACTOR,
  type NewOutboxMessage,
  type ReminderState,
  type StatePatch,
} from "../store/index.js";
import {
  inWorkingHours,
  nextWorkingMorning,
  nextWorkingTime,
  workspaceToday,
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

interface ReminderInput {
  /** Skip the Block Kit check when a message of the same campaign, day and variant passed it already. */
  validate?: boolean;
  state: ReminderState;
  campaign: Campaign;
  key: string;
  variant: ReminderVariant;
  reason?: string;
  now: Date;
  notBefore?: Date;
}

/**
 * The reminder DM for the state, keyed so a re-run never sends it twice; undefined when its provider left
 * the catalog. Pure: throws when the message cannot be built (e.g. an overlay entry Slack would refuse).
 */
function buildReminder(deps: ReminderDeps, input: ReminderInput): NewOutboxMessage | undefined {
  const { state, campaign, now } = input;
  const provider = deps.catalog.byId(campaign.providerId);
  if (!provider) return undefined;
  // Deadlines are days in DEFAULT_TIMEZONE (the campaign closes at the end of that day there), so "in 3
  // days" is counted there too, the same for everyone and every verb.
  const today = workspaceToday(now, deps.config);
  const message = renderReminder({
    provider,
    state,
    campaign,
    today,
    variant: input.variant,
    ...(input.reason ? { reason: input.reason } : {}),
    validate: input.validate !== false,
  });
  return {
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
  };
}

/** Enqueues one reminder DM for the state, keyed so a re-run never sends it twice. */
export async function enqueueReminder(deps: ReminderDeps, input: ReminderInput): Promise<boolean> {
  const message = buildReminder(deps, input);
  // renderReminder checked the limits (or skipped them for a shape that passed already).
  return message ? enqueueMessage(deps.store, message, input.now, { validate: false }) : false;
}

/** The lead (or OPS_CHANNEL_ID) hears once per campaign that some reminders could not be built. */
async function reportRenderFailure(
  deps: ReminderDeps,
  campaign: Campaign,
  error: string,
  now: Date,
): Promise<void> {
  const recipient = deps.config.OPS_CHANNEL_ID ?? campaign.leadId;
  if (recipient === FORGOTTEN_ACTOR) return;
  const name = escapeMrkdwn(deps.catalog.byId(campaign.providerId)?.name ?? campaign.providerId);
  const text = `Some reminders about ${campaign.providerId} could not be built`;
  await enqueueMessage(
    deps.store,
    {
      key: keys.reminderRenderNotice(campaign.id),
      kind: "notice",
      teamId: campaign.teamId,
      channelId: recipient,
      payload: {
        text,
        blocks: [
          section(
            `:warning: Some reminders about *${name}* (campaign ${campaign.id}) could not be built, so those people were not asked; everyone else was. ` +
              `The reason: \`${escapeMrkdwn(truncate(error, 300))}\`. This is usually a catalog entry (\`CATALOG_PATH\`): ` +
              "fix it and run `ai-privacy catalog validate`. I won't repeat this notice for this campaign.",
          ),
        ],
      },
    },
    now,
  );
}

/**
 * A person whose reminder could not be built: nothing more is planned for them (so the next tick does not
 * fail again), the audit log says why, and the lead hears once per campaign. Its own transaction.
 */
export function recordRenderFailure(
  deps: ReminderDeps,
  state: ReminderState,
  campaign: Campaign | undefined,
  err: unknown,
  now: Date,
): Promise<void> {
  const error = err instanceof Error ? err.message : String(err);
  return deps.store.transaction(async (tx) => {
    await tx.reminders.transition(state.id, state.state, { nextAt: null }, now);
    await tx.audit.record({
      at: now,
      teamId: state.teamId,
      actorId: "ai-privacy-bot",
      action: "reminder-failed",
      detail: { stateId: state.id, campaignId: state.campaignId, error: truncate(error, 500) },
    });
    if (campaign) await reportRenderFailure({ ...deps, store: tx }, campaign, error, now);
  });
}

/** What one due reminder comes to; decided before the batch's transaction, applied inside it. */
type Plan =
  | { kind: "none" | "deferred"; state: ReminderState; patch: StatePatch }
  | { kind: "send"; state: ReminderState; patch: StatePatch; message: NewOutboxMessage | undefined };

/**
 * One person's due reminder, decided on its own: the message is built here, outside any transaction, so a
 * reminder that cannot be built (it throws) never holds up — or rolls back — anyone else's.
 */
function planOne(
  deps: ReminderDeps,
  state: ReminderState,
  campaign: Campaign | undefined,
  now: Date,
  checked: Set<string>,
): Plan {
  const tz = zoneOf(deps, state);
  if (!campaign || !deps.catalog.byId(campaign.providerId))
    return { kind: "none", state, patch: { nextAt: null } };
  if (!inWorkingHours(now, tz))
    return { kind: "deferred", state, patch: { nextAt: nextWorkingMorning(now, tz) } };
  // The chosen plan and a later account's number change the message's shape: each is checked once too.
  const shape = `${campaign.id}:${workspaceToday(now, deps.config)}:${state.account > 1}:${state.plan ?? ""}`;
  const message = buildReminder(deps, {
    state,
    campaign,
    key: keys.reminder(state.id, state.sends + 1),
    variant: "ask",
    now,
    validate: !checked.has(shape),
  });
  checked.add(shape);
  return { kind: "send", state, patch: afterSend(state, campaign, now, tz), message };
}

/**
 * Sends every reminder that is due: one message per person however long the bot was down (the next one is
 * planned from now), and only inside the person's working hours — otherwise it moves to their next morning.
 * Each person is their own unit of work: one whose reminder fails to build is recorded (nothing more is
 * planned for them, the failure is in the audit log) and reported to the lead once; the rest go out. The
 * built ones of a batch are applied in one transaction (a compare-and-set per person, then the enqueue):
 * a commit per person made a 5,000-person campaign spend most of its time committing.
 */
export async function sendDueReminders(
  deps: ReminderDeps,
  now: Date,
  campaignId?: number,
): Promise<{ sent: number; deferred: number; failed: number }> {
  const { store } = deps;
  const campaigns = new Map<number, Campaign | undefined>();
  const checked = new Set<string>();
  let sent = 0;
  let deferred = 0;
  let failed = 0;
  for (;;) {
    const batch = await store.reminders.due(now, BATCH, campaignId);
    const plans: Plan[] = [];
    for (const state of batch) {
      if (!campaigns.has(state.campaignId))
        campaigns.set(state.campaignId, await store.reminders.getCampaign(state.campaignId));
      const campaign = campaigns.get(state.campaignId);
      try {
        plans.push(planOne(deps, state, campaign, now, checked));
      } catch (err) {
        failed += 1;
        await recordRenderFailure(deps, state, campaign, err, now);
      }
    }
    await store.transaction(async (tx) => {
      // A compare-and-set per group of people given the same patch (one zone's next time), then one insert
      // of the messages: a statement per person was a round trip per person on PostgreSQL.
      const changed = new Set<number>();
      for (const group of samePatchGroups(plans))
        for (const id of await tx.reminders.transitionMany(group.ids, group.from, group.patch, now))
          changed.add(id);
      const messages: NewOutboxMessage[] = [];
      for (const plan of plans) {
        // Someone answered (or another tick sent it) since `due` read the row: nothing to do for them.
        if (!changed.has(plan.state.id)) continue;
        if (plan.kind === "deferred") deferred += 1;
        if (plan.kind === "send" && plan.message) messages.push(plan.message);
      }
      sent += (await enqueueMessages(tx, messages, now, { validate: false })).size;
    });
    if (batch.length < BATCH) return { sent, deferred, failed };
  }
}

/**
 * Plans that apply the same patch from the same state, grouped. The key keeps a field set to undefined apart
 * from one left out (a patch names the columns it sets), as Object.entries does.
 */
function samePatchGroups(plans: readonly Plan[]) {
  const groups = new Map<string, { from: ReminderState["state"]; patch: StatePatch; ids: number[] }>();
  for (const plan of plans) {
    const key = JSON.stringify([plan.state.state, Object.entries(plan.patch)]);
    const group = groups.get(key) ?? { from: plan.state.state, patch: plan.patch, ids: [] };
    group.ids.push(plan.state.id);
    groups.set(key, group);
  }
  return groups.values();
}

/** When a newly asked person should get the first reminder: now in their working hours, else next morning. */
export const firstReminderAt = (deps: ReminderDeps, tz: string | null, now: Date): Date =>
  nextWorkingTime(now, zoneOrFallback(tz, deps.config.DEFAULT_TIMEZONE));
