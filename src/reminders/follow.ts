import type { SlackApi } from "../slack/index.js";
import type {
  AudienceKind,
  AudienceSource,
  Campaign,
  MembershipChange,
  ReminderState,
  Store,
} from "../store/index.js";
import { nextWorkingTime } from "../time/index.js";
import { resolveAudience } from "./audience.js";
import { firstReminderAt, type ReminderDeps, sendDueReminders, zoneOf } from "./send.js";

/**
 * Campaigns follow the `#channel`s and `@group`s they were started for: newcomers are asked (unless the
 * lead turned auto-enrol off), people who leave every followed source get no more reminders, and people
 * who come back are reminded again. Facts carry Slack's time (`seenUs`) so retried and out-of-order
 * events cannot undo a newer one (Events API retries: docs.slack.dev/apis/events-api/#retries).
 */

/** The pseudo-source for people mentioned by name: they stay asked whatever channels they leave. */
export const MENTIONED = "@mention";

export interface FollowDeps extends ReminderDeps {
  slack: SlackApi;
}

export interface FollowReport {
  enrolled: number;
  stopped: number;
  resumed: number;
  sent: number;
}

const emptyReport = (): FollowReport => ({ enrolled: 0, stopped: 0, resumed: 0, sent: 0 });

/** Microseconds since the epoch for a Slack `event_ts` ("1700000000.000100"), exactly (no float rounding). */
export function slackTsMicros(ts: string): number | undefined {
  const match = /^(\d{1,12})(?:\.(\d{1,6}))?$/.exec(ts);
  if (!match) return undefined;
  return Number(match[1]) * 1_000_000 + Number((match[2] ?? "").padEnd(6, "0"));
}

export const dateMicros = (d: Date): number => d.getTime() * 1000;

/** At campaign start, inside its transaction: the sources it follows and who is in each now. */
export async function followSources(
  tx: Store,
  campaign: Campaign,
  input: {
    sources: readonly { kind: AudienceKind; id: string; members: readonly string[] }[];
    mentioned: readonly string[];
    askedIds: ReadonlySet<string>;
    autoEnrol: boolean;
    now: Date;
  },
): Promise<void> {
  if (!input.sources.length) return;
  await tx.audiences.addSources(
    input.sources.map((s) => ({
      campaignId: campaign.id,
      teamId: campaign.teamId,
      kind: s.kind,
      sourceId: s.id,
    })),
    input.autoEnrol,
  );
  const seenUs = dateMicros(input.now);
  for (const s of input.sources)
    await tx.audiences.record(
      campaign.id,
      campaign.teamId,
      s.id,
      [...new Set(s.members)].map((userId) => ({ userId, status: "member" as const, seenUs })),
    );
  const mentioned = input.mentioned.filter((id) => input.askedIds.has(id));
  await tx.audiences.record(
    campaign.id,
    campaign.teamId,
    MENTIONED,
    mentioned.map((userId) => ({ userId, status: "member" as const, seenUs })),
  );
}

const active = (s: ReminderState) => s.state === "pending" || s.state === "snoozed";

/**
 * Applies membership facts about one source of one campaign: records them (older facts are ignored), then
 * for each person whose row changed: stops, resumes or (auto-enrol) starts their reminders.
 */
export async function applyToCampaign(
  deps: FollowDeps,
  source: AudienceSource,
  changes: readonly MembershipChange[],
  now: Date,
): Promise<FollowReport> {
  const report = emptyReport();
  const campaign = await deps.store.reminders.getCampaign(source.campaignId);
  if (campaign?.status !== "open" || campaign.teamId !== source.teamId) return report;
  const changed = await deps.store.audiences.record(campaign.id, campaign.teamId, source.sourceId, changes);
  if (!changed.length) return report;
  const states = new Map(
    (await deps.store.reminders.statesForCampaign(campaign.id)).map((s) => [s.userId, s]),
  );
  const newcomers: string[] = [];
  for (const userId of changed) {
    const member = await deps.store.audiences.isMember(campaign.id, userId);
    const state = states.get(userId);
    if (!state) {
      if (member && source.autoEnrol) newcomers.push(userId);
      continue;
    }
    if (!active(state)) continue;
    if (!member && state.nextAt) {
      if (await deps.store.reminders.transition(state.id, state.state, { nextAt: null }, now))
        report.stopped += 1;
    } else if (member && !state.nextAt) {
      const from = state.snoozedUntil && state.snoozedUntil > now ? state.snoozedUntil : now;
      const nextAt = nextWorkingTime(from, zoneOf(deps, state));
      if (await deps.store.reminders.transition(state.id, state.state, { nextAt }, now)) report.resumed += 1;
    }
  }
  if (newcomers.length) report.enrolled = await enrol(deps, campaign, newcomers, now);
  if (report.enrolled || report.resumed) report.sent = (await sendDueReminders(deps, now, campaign.id)).sent;
  return report;
}

/**
 * Asks newcomers through the usual machinery: looked up (bots and deactivated accounts are skipped), left
 * out when another open campaign already asks them about the provider, first reminder in their working hours.
 */
async function enrol(deps: FollowDeps, campaign: Campaign, userIds: string[], now: Date): Promise<number> {
  const already = await deps.store.reminders.askedInOpenCampaigns(campaign.teamId, campaign.providerId);
  const fresh = userIds.filter((id) => !already.has(id));
  if (!fresh.length) return 0;
  const { people } = await resolveAudience(deps.slack, { users: fresh, channels: [], usergroups: [] });
  if (!people.length) return 0;
  return deps.store.transaction(async (tx) => {
    const added = await tx.reminders.addPeople(
      campaign.id,
      people.map((p) => ({ userId: p.userId, tz: p.tz, nextAt: firstReminderAt(deps, p.tz, now) })),
      now,
    );
    for (const p of people) await tx.audiences.markJoined(campaign.id, p.userId, now);
    await tx.audit.record({
      at: now,
      teamId: campaign.teamId,
      actorId: "ai-privacy-bot",
      action: "reminders.campaign.joined",
      detail: { campaignId: campaign.id, people: added },
    });
    return added;
  });
}

const add = (a: FollowReport, b: FollowReport): FollowReport => ({
  enrolled: a.enrolled + b.enrolled,
  stopped: a.stopped + b.stopped,
  resumed: a.resumed + b.resumed,
  sent: a.sent + b.sent,
});

/** `member_joined_channel` / `member_left_channel`: every open campaign of the team following the channel. */
export async function onChannelMembership(
  deps: FollowDeps,
  input: { teamId: string; channelId: string; userId: string; joined: boolean; seenUs: number; now: Date },
): Promise<FollowReport> {
  const sources = await deps.store.audiences.openSources({
    teamId: input.teamId,
    kind: "channel",
    sourceId: input.channelId,
  });
  let report = emptyReport();
  const change = {
    userId: input.userId,
    status: input.joined ? "member" : "left",
    seenUs: input.seenUs,
  } as const;
  for (const source of sources)
    report = add(report, await applyToCampaign(deps, source, [change], input.now));
  return report;
}

export interface RefreshReport extends FollowReport {
  /** Channels and groups read this tick. */
  read: number;
  /** Sources Slack could not list this time: nothing about them changes until a later tick reads them. */
  unreadable: number;
}

/**
 * Each reminder tick re-reads every followed channel and group once (one read serves all campaigns that
 * follow it) and applies the difference, so a join or leave whose event was missed (the app was down, the
 * event was not delivered) is caught up. A source that cannot be read changes nothing: a failed read is
 * never taken to mean everyone left.
 */
export async function refreshAudiences(
  deps: ReminderDeps & { slackForTeam(teamId: string): Promise<SlackApi | undefined> },
  now: Date,
): Promise<RefreshReport> {
  const bySource = new Map<string, AudienceSource[]>();
  for (const s of await deps.store.audiences.openSources()) {
    const key = `${s.teamId}\u0000${s.kind}\u0000${s.sourceId}`;
    bySource.set(key, [...(bySource.get(key) ?? []), s]);
  }
  let report: RefreshReport = { ...emptyReport(), read: 0, unreadable: 0 };
  const seenUs = dateMicros(now);
  for (const sources of bySource.values()) {
    const first = sources[0] as AudienceSource;
    const slack = await deps.slackForTeam(first.teamId);
    let members: Set<string>;
    try {
      if (!slack) throw new Error("no installation");
      members = new Set(
        first.kind === "channel"
          ? await slack.channelMembers(first.sourceId)
          : await slack.usergroupMembers(first.sourceId),
      );
    } catch {
      report.unreadable += 1;
      continue;
    }
    report.read += 1;
    for (const source of sources) {
      const known = await deps.store.audiences.members(source.campaignId, source.sourceId);
      const changes: MembershipChange[] = [];
      for (const userId of members)
        if (known.get(userId)?.status !== "member") changes.push({ userId, status: "member", seenUs });
      for (const [userId, m] of known)
        if (m.status === "member" && !members.has(userId)) changes.push({ userId, status: "left", seenUs });
      if (changes.length)
        report = {
          ...report,
          ...add(report, await applyToCampaign({ ...deps, slack }, source, changes, now)),
        };
    }
  }
  return report;
}
