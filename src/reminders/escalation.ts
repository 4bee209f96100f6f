import type { KnownBlock } from "@slack/types";
import {
  actions,
  assertMessageFits,
  button,
  context,
  escapeMrkdwn,
  formatDate,
  relativeDays,
  section,
} from "../blocks/index.js";
import { whileLeading } from "../coordination/index.js";
import type { AppDeps } from "../deps.js";
import { enqueueMessage, findMessage, keys } from "../outbox/index.js";
import { type Campaign, FORGOTTEN_ACTOR, type ReminderState } from "../store/index.js";
import {
  addDays,
  inWorkingHours,
  isoDate,
  localDateOf,
  parseIsoDate,
  workspaceToday,
} from "../time/index.js";
import type { Rendered } from "./messages.js";
import type { ReminderDeps } from "./send.js";

/** Escalation and evidence buttons; `rem_` so the one reminder listener routes them. */
export const ESCALATION_ACTION = {
  nudge: "rem_esc_nudge",
  export: "rem_esc_export",
} as const;

/** Mentions listed in the lead's DM; the rest are counted (a section holds 3,000 characters). */
export const MAX_LISTED = 60;

/** States that count as "has not answered": never answered, or asked to be reminded later. */
export const isUnanswered = (s: Pick<ReminderState, "state">): boolean =>
  s.state === "pending" || s.state === "snoozed";

/** The workspace day (YYYY-MM-DD) on which a campaign escalates: ESCALATE_DAYS before its deadline. */
export const escalationDay = (deadline: string, escalateDays: number): string =>
  isoDate(addDays(parseIsoDate(deadline), -escalateDays));

/**
 * Pure: does this campaign's lead get the "who has not answered" DM now? Open, with a deadline, on or after
 * the escalation day (a later day too: catching up after downtime), and only in working hours of
 * DEFAULT_TIMEZONE, so a 5-minute schedule does not DM the lead at midnight. A campaign started on or after
 * its escalation day is not escalated: its people were only just asked.
 */
export function escalationDue(
  campaign: Pick<Campaign, "status" | "deadline" | "createdAt" | "leadId">,
  now: Date,
  config: { ESCALATE_DAYS: number; DEFAULT_TIMEZONE: string },
): boolean {
  if (campaign.status !== "open" || !campaign.deadline || campaign.leadId === FORGOTTEN_ACTOR) return false;
  const day = escalationDay(campaign.deadline, config.ESCALATE_DAYS);
  const today = workspaceToday(now, config);
  if (today < day || today > campaign.deadline) return false;
  if (localDateOf(campaign.createdAt, config.DEFAULT_TIMEZONE) >= day) return false;
  return inWorkingHours(now, config.DEFAULT_TIMEZONE);
}

export interface EscalationView {
  campaign: Pick<Campaign, "id" | "deadline">;
  providerName: string;
  total: number;
  unanswered: readonly string[];
  unreachable: number;
  today: string;
}

/** Pure: the lead's DM — who has not answered (the first MAX_LISTED, then a count), Nudge and Export. */
export function renderEscalation(view: EscalationView): Rendered {
  const { campaign, unanswered } = view;
  const name = escapeMrkdwn(view.providerName);
  const deadline = campaign.deadline
    ? ` The deadline is ${formatDate(campaign.deadline)} (${relativeDays(campaign.deadline, view.today)}).`
    : "";
  const head = unanswered.length
    ? `:hourglass_flowing_sand: *${name}* (campaign ${campaign.id}): *${unanswered.length} of ${view.total}* people have not answered yet.${deadline}`
    : `:tada: *${name}* (campaign ${campaign.id}): everyone has answered.${deadline}`;
  const blocks: KnownBlock[] = [section(head)];
  if (unanswered.length) {
    const shown = unanswered.slice(0, MAX_LISTED).map((id) => `<@${id}>`);
    const more = unanswered.length - shown.length;
    blocks.push(
      section(`${shown.join(" ")}${more > 0 ? ` and ${more} more (the export lists everyone)` : ""}`),
    );
  }
  if (view.unreachable)
    blocks.push(context(`${view.unreachable} more can't be reached: Slack said their accounts are gone.`));
  const buttons = [button("Export CSV", ESCALATION_ACTION.export, { value: String(campaign.id) })];
  if (unanswered.length)
    buttons.unshift(
      button("Nudge them now", ESCALATION_ACTION.nudge, { value: String(campaign.id), style: "primary" }),
    );
  blocks.push(actions(`esc:${campaign.id}`, ...buttons));
  blocks.push(
    context(
      unanswered.length
        ? "*Nudge them now* sends each of them one extra reminder, within their own working hours and never a second one the same day. Only you got this message."
        : "Only you got this message. *Export CSV* puts everyone's answers in this DM.",
    ),
  );
  const message = {
    text: unanswered.length
      ? `${view.providerName}: ${unanswered.length} people have not answered yet`
      : `${view.providerName}: everyone has answered`,
    blocks,
  };
  assertMessageFits(message);
  return message;
}

/** Enqueues one campaign's escalation DM (its key makes it once, whoever decides it). */
async function escalate(deps: ReminderDeps, campaign: Campaign, now: Date): Promise<boolean> {
  const states = await deps.store.reminders.statesForCampaign(campaign.id);
  const message = renderEscalation({
    campaign,
    providerName: deps.catalog.byId(campaign.providerId)?.name ?? campaign.providerId,
    // People, not states: someone answering for several accounts is listed once.
    total: new Set(states.map((s) => s.userId)).size,
    unanswered: [...new Set(states.filter(isUnanswered).map((s) => s.userId))],
    unreachable: new Set(states.filter((s) => s.state === "unreachable").map((s) => s.userId)).size,
    today: workspaceToday(now, deps.config),
  });
  return enqueueMessage(
    deps.store,
    {
      key: keys.escalation(campaign.id),
      kind: "reminder-escalation",
      teamId: campaign.teamId,
      channelId: campaign.leadId,
      payload: { text: message.text, blocks: message.blocks },
    },
    now,
    { validate: false },
  );
}

/**
 * The escalation run: every open campaign whose escalation is due and not yet decided gets its lead's DM.
 * Once per campaign across restarts and instances: the outbox key is the record (a decided campaign costs
 * one key lookup per run), and the scheduler runs the job on one instance at a time.
 */
export async function runEscalations(deps: ReminderDeps, now: Date): Promise<number> {
  let sent = 0;
  for (const campaign of await deps.store.reminders.listCampaigns({ status: "open" })) {
    if (!escalationDue(campaign, now, deps.config)) continue;
    if (await findMessage(deps.store, keys.escalation(campaign.id))) continue;
    if (await escalate(deps, campaign, now)) sent += 1;
  }
  return sent;
}

/** The scheduler job: REMINDER_CRON's pace, and once at start so a DM missed during downtime goes out. */
export function escalationJob(deps: ReminderDeps & Pick<AppDeps, "now" | "logger">): {
  name: string;
  cron: string;
  runOnStart: boolean;
  run: (signal?: AbortSignal) => Promise<number>;
} {
  return {
    name: "escalation",
    cron: deps.config.REMINDER_CRON,
    runOnStart: true,
    // The scheduler's signal: once this instance stops leading the job, its store refuses every write.
    run: async (signal) => {
      const store = signal ? whileLeading(deps.store, signal) : deps.store;
      const sent = await runEscalations({ ...deps, store }, deps.now());
      if (sent) deps.logger.info(`escalation: ${sent} lead DMs about people who have not answered`);
      return sent;
    },
  };
}
