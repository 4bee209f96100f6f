import type { Catalog, Provider } from "../catalog/index.js";
import type { Audience } from "../commands/index.js";
import type { SlackApi } from "../slack/index.js";
import type { Campaign } from "../store/index.js";
import { workspaceToday } from "../time/index.js";
import { describeSkipped, MAX_AUDIENCE, resolveAudience, type Skipped } from "./audience.js";
import { followSources } from "./follow.js";
import { nextDatedEvent } from "./messages.js";
import { firstReminderAt, type ReminderDeps, sendDueReminders } from "./send.js";

export interface RemindRequest {
  teamId: string;
  leadId: string;
  channelId: string;
  audience: Audience;
  providers: readonly Provider[];
  /** YYYY-MM-DD from `by …`; otherwise each provider's next dated event, if any. */
  by?: string | undefined;
  /** Ask people who join the channels and groups later (default); `remind … no-joiners` turns it off. */
  autoEnrol?: boolean;
  now: Date;
}

export interface RemindOutcome {
  /** Distinct people asked about at least one provider. */
  asked: number;
  campaigns: Campaign[];
  /** Per provider name: people left out because an open campaign already asks them. */
  alreadyAsked: { provider: string; count: number }[];
  skipped: Skipped;
  problems: string[];
  /** Reminders enqueued right away (people inside their working hours). */
  sentNow: number;
  /** People asked now whose first reminder waits for 09:30 on their next working day (their own zone). */
  waitingForWorkingHours: number;
}

/**
 * Starts one campaign per provider: resolves the audience, leaves out anyone an open campaign already asks
 * about that provider, stores everyone in one transaction, and sends the first reminders that are due now.
 */
export async function startCampaigns(
  deps: ReminderDeps & { slack: SlackApi },
  req: RemindRequest,
  cap = MAX_AUDIENCE,
): Promise<RemindOutcome> {
  const resolved = await resolveAudience(deps.slack, req.audience, cap);
  const today = workspaceToday(req.now, deps.config);
  const campaigns: Campaign[] = [];
  const alreadyAsked: RemindOutcome["alreadyAsked"] = [];
  const asked = new Set<string>();
  const waiting = new Set<string>();
  await deps.store.transaction(async (tx) => {
    for (const provider of req.providers) {
      const already = await tx.reminders.askedInOpenCampaigns(req.teamId, provider.id);
      const fresh = resolved.people.filter((p) => !already.has(p.userId));
      const left = resolved.people.length - fresh.length;
      if (left) alreadyAsked.push({ provider: provider.name, count: left });
      if (!fresh.length) continue;
      const campaign = await tx.reminders.createCampaign({
        teamId: req.teamId,
        leadId: req.leadId,
        channelId: req.channelId,
        providerId: provider.id,
        deadline: req.by ?? nextDatedEvent(provider, today),
        now: req.now,
      });
      const people = fresh.map((p) => ({
        userId: p.userId,
        tz: p.tz,
        nextAt: firstReminderAt(deps, p.tz, req.now),
      }));
      for (const p of people) if (p.nextAt.getTime() > req.now.getTime()) waiting.add(p.userId);
      await tx.reminders.addPeople(campaign.id, people, req.now);
      await followSources(tx, campaign, {
        sources: resolved.sources,
        mentioned: req.audience.users,
        askedIds: new Set(fresh.map((p) => p.userId)),
        autoEnrol: req.autoEnrol !== false,
        now: req.now,
      });
      await tx.audit.record({
        at: req.now,
        teamId: req.teamId,
        actorId: req.leadId,
        action: "reminders.campaign.start",
        detail: {
          campaignId: campaign.id,
          providerId: provider.id,
          people: fresh.length,
          deadline: campaign.deadline,
        },
      });
      for (const p of fresh) asked.add(p.userId);
      campaigns.push(campaign);
    }
  });
  let sentNow = 0;
  for (const c of campaigns) sentNow += (await sendDueReminders(deps, req.now, c.id)).sent;
  return {
    asked: asked.size,
    campaigns,
    alreadyAsked,
    skipped: resolved.skipped,
    problems: resolved.problems,
    sentNow,
    waitingForWorkingHours: waiting.size,
  };
}

const joinNames = (names: string[]): string =>
  names.length <= 1 ? (names[0] ?? "") : `${names.slice(0, -1).join(", ")} and ${names[names.length - 1]}`;

/** "Asked 37 people about Claude and ChatGPT; 2 skipped (bots)". */
export function summariseOutcome(outcome: RemindOutcome, catalog: Catalog, cap = MAX_AUDIENCE): string {
  const names = outcome.campaigns.map((c) => catalog.byId(c.providerId)?.name ?? c.providerId);
  const head = outcome.campaigns.length
    ? `Asked ${outcome.asked} ${outcome.asked === 1 ? "person" : "people"} about ${joinNames(names)}`
    : "Nobody new to ask";
  const waiting = outcome.waitingForWorkingHours;
  // The lead sees no DM go out for people outside their working hours: say when they will get it.
  const wait = waiting ? [`${waiting} will get it at 09:30 their time, when their working day starts`] : [];
  const parts = [
    head,
    ...wait,
    ...describeSkipped(outcome.skipped, cap),
    ...outcome.alreadyAsked.map((a) => `${a.count} already asked about ${a.provider} in an open campaign`),
  ];
  return parts.join("; ");
}
