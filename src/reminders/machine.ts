import type { AnswerState, Campaign, ReminderState, StatePatch } from "../store/index.js";
import { nextReminderAt, nextWorkingMorning } from "../time/index.js";

/**
 * The per-person state machine, pure: pending → done | not_using | snoozed(until); snoozed → the same
 * three; any answer → pending again with Undo (not_affected, reached through a plan button in plans.ts,
 * too). unreachable (Slack said the account is gone, unreachable.ts)
 * takes an answer like pending: a person who clicks is evidently back. A click that finds the state already moved (double click,
 * Slack retry, stale message) changes nothing and shows the current state.
 */

export type Answer = "done" | "later" | "not_using";
export type Click = Answer | "undo";

export type Decision = { kind: "apply"; from: AnswerState; patch: StatePatch } | { kind: "unchanged" };

/** A click the refusal ladder (clicked.ts) let through: the person's own state in an open campaign. */
export interface ClickInput {
  state: ReminderState;
  campaign: Campaign;
  click: Click;
  /** For Undo: the answer the clicked message showed. Undo of anything else is a stale click. */
  undoFrom?: AnswerState | undefined;
  now: Date;
  /** The person's zone, already resolved (state.tz or DEFAULT_TIMEZONE). */
  tz: string;
}

const OPEN_STATES: readonly AnswerState[] = ["pending", "snoozed", "unreachable"];

export function decideClick(input: ClickInput): Decision {
  const { state, campaign, click, now, tz } = input;
  if (click === "undo") {
    if (state.state === "pending" || state.state !== input.undoFrom) return { kind: "unchanged" };
    return {
      kind: "apply",
      from: state.state,
      patch: {
        state: "pending",
        snoozedUntil: null,
        answeredAt: null,
        nextAt: nextReminderAt(now, campaign.deadline, tz),
        // Undoing "not affected (plan)" takes back the plan too, so the question is asked again.
        ...(state.state === "not_affected" ? { plan: null } : {}),
      },
    };
  }
  if (!OPEN_STATES.includes(state.state)) return { kind: "unchanged" };
  if (click === "later") {
    const until = nextWorkingMorning(now, tz);
    if (state.state === "snoozed" && state.snoozedUntil?.getTime() === until.getTime())
      return { kind: "unchanged" };
    return {
      kind: "apply",
      from: state.state,
      patch: { state: "snoozed", snoozedUntil: until, nextAt: until, answeredAt: now },
    };
  }
  return {
    kind: "apply",
    from: state.state,
    patch: { state: click, snoozedUntil: null, nextAt: null, answeredAt: now },
  };
}

/** What a reminder send does to the state: one message now, the next one planned from now (no backlog). */
export function afterSend(state: ReminderState, campaign: Campaign, now: Date, tz: string): StatePatch {
  return {
    state: "pending",
    snoozedUntil: null,
    sends: state.sends + 1,
    lastSentAt: now,
    nextAt: nextReminderAt(now, campaign.deadline, tz),
  };
}
