import { section } from "../blocks/index.js";
import { findMessage, keys, withdrawMessage } from "../outbox/index.js";
import type { Campaign, ReminderState, StatePatch } from "../store/index.js";
import { localDateOf, nextReminderAt, nextWorkingMorning, nextWorkingTime } from "../time/index.js";
import { isUnanswered } from "./escalation.js";
import { EVIDENCE_ACTIONS } from "./evidence.js";
import type { Rendered } from "./messages.js";
import { enqueueReminder, type ReminderDeps, zoneOf } from "./send.js";
import { closesAt } from "./tick.js";

/**
 * Pure: when a person's nudge goes out — now if it is their working hours, else their next working morning;
 * and never on a local day that already had a reminder (then the working morning after it).
 */
export function nudgeTime(state: Pick<ReminderState, "lastSentAt">, now: Date, tz: string): Date {
  const at = nextWorkingTime(now, tz);
  if (state.lastSentAt && localDateOf(state.lastSentAt, tz) >= localDateOf(at, tz))
    return nextWorkingMorning(at, tz);
  return at;
}

/**
 * Pure: what a nudge at `at` does to the state: one more reminder, sent at `at`; a regular reminder planned
 * for that day (or earlier) moves to the next one after it, so nobody gets two on one day.
 */
export function nudgePatch(state: ReminderState, campaign: Campaign, at: Date, tz: string): StatePatch {
  const patch: StatePatch = { sends: state.sends + 1, lastSentAt: at };
  if (state.nextAt && localDateOf(state.nextAt, tz) <= localDateOf(at, tz))
    patch.nextAt = nextReminderAt(at, campaign.deadline, tz);
  return patch;
}

export type NudgeResult =
  | { kind: "gone" }
  | { kind: "not-lead"; leadId: string }
  | { kind: "closed" }
  | { kind: "nudged"; now: number; later: number; already: number; tooLate: number };

/**
 * "Nudge them now", for the campaign's own lead only: one extra reminder to each person who has not
 * answered, each keyed once per person (a double click, a second press or a second instance adds nothing),
 * delivered within their working hours. One transaction: the reminder and the state change commit together.
 */
export function nudgeUnanswered(
  deps: ReminderDeps,
  input: { campaignId: number; actorId: string; teamId: string; now: Date },
): Promise<NudgeResult> {
  const { now } = input;
  return deps.store.transaction(async (tx): Promise<NudgeResult> => {
    const campaign = await tx.reminders.getCampaign(input.campaignId);
    // Another workspace's campaign is "gone" here: one workspace never learns of another's.
    if (!campaign || campaign.teamId !== input.teamId) return { kind: "gone" };
    if (campaign.leadId !== input.actorId) return { kind: "not-lead", leadId: campaign.leadId };
    if (campaign.status === "closed") return { kind: "closed" };
    const end = closesAt(campaign, deps.config.DEFAULT_TIMEZONE);
    const result = { kind: "nudged" as const, now: 0, later: 0, already: 0, tooLate: 0 };
    const nudged: number[] = [];
    const states = await tx.reminders.statesForCampaign(campaign.id);
    // One nudge per person, even for someone who answers for several accounts (one state each).
    for (const [userId, waiting] of byPerson(states.filter(isUnanswered))) {
      const mine = states.filter((s) => s.userId === userId);
      if (await anyNudged(tx, mine)) {
        result.already += 1;
        continue;
      }
      const [state] = waiting;
      if (!state) continue;
      const tz = zoneOf(deps, state);
      const lastSentAt = latest(mine.map((s) => s.lastSentAt));
      const at = nudgeTime({ lastSentAt }, now, tz);
      if (at.getTime() >= end.getTime()) {
        result.tooLate += 1;
        continue;
      }
      const key = keys.escalationNudge(state.id);
      const message = { state, campaign, key, variant: "ask" as const, now, notBefore: at };
      if (!(await enqueueReminder({ ...deps, store: tx }, { ...message, validate: !nudged.length })))
        continue;
      if (!(await tx.reminders.transition(state.id, state.state, nudgePatch(state, campaign, at, tz), now))) {
        // They answered while we decided (another connection): take the reminder back.
        await withdrawMessage(tx, key, "answered before the nudge", now);
        continue;
      }
      // Their other accounts' reminders planned for that day move on too: one DM a day per person.
      for (const other of waiting.slice(1)) {
        const { nextAt } = nudgePatch(other, campaign, at, tz);
        if (nextAt !== undefined) await tx.reminders.transition(other.id, other.state, { nextAt }, now);
      }
      nudged.push(state.id);
      if (at.getTime() === now.getTime()) result.now += 1;
      else result.later += 1;
    }
    if (nudged.length)
      await tx.audit.record({
        at: now,
        teamId: campaign.teamId,
        actorId: input.actorId,
        action: EVIDENCE_ACTIONS.nudge,
        detail: { campaignId: campaign.id, stateIds: nudged },
      });
    return result;
  });
}

function byPerson(states: readonly ReminderState[]): Map<string, ReminderState[]> {
  const people = new Map<string, ReminderState[]>();
  for (const s of states) people.set(s.userId, [...(people.get(s.userId) ?? []), s]);
  return people;
}

async function anyNudged(tx: ReminderDeps["store"], states: readonly ReminderState[]): Promise<boolean> {
  for (const s of states) if (await findMessage(tx, keys.escalationNudge(s.id))) return true;
  return false;
}

const latest = (dates: readonly (Date | null)[]): Date | null =>
  dates.reduce<Date | null>((a, d) => (d && (!a || d > a) ? d : a), null);

const people = (n: number) => `${n} ${n === 1 ? "person" : "people"}`;

/** Pure: the private answer to the lead's press. */
export function renderNudgeResult(result: NudgeResult): Rendered {
  const line = (() => {
    switch (result.kind) {
      case "gone":
        return ":wastebasket: That campaign no longer exists.";
      case "not-lead":
        return `:raised_hand: Only the campaign's lead (<@${result.leadId}>) can nudge these people, so I didn't send anything.`;
      case "closed":
        return ":lock: That campaign is closed, so I didn't send anything.";
      case "nudged": {
        const parts = [];
        if (result.now) parts.push(`${people(result.now)}: one extra reminder now`);
        if (result.later)
          parts.push(`${people(result.later)}: one when their working day starts (09:30 their time)`);
        if (result.already) parts.push(`${people(result.already)}: nudged already`);
        if (result.tooLate) parts.push(`${people(result.tooLate)}: too late, the campaign closes first`);
        return parts.length
          ? `:mega: Done: ${parts.join("; ")}.`
          : ":tada: Nobody to nudge: everyone has answered.";
      }
    }
  })();
  return { text: line.replace(/<[^>]*>/g, "lead").slice(0, 200), blocks: [section(line)] };
}
