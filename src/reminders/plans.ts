import { createHash } from "node:crypto";
import type { Button, KnownBlock } from "@slack/types";
import {
  actions,
  assertMessageFits,
  button,
  context,
  escapeMrkdwn,
  formatDate,
  section,
  sourceLine,
  staleNote,
  truncate,
} from "../blocks/index.js";
import type { Provider } from "../catalog/index.js";
import type { AnswerState, ReminderState, StatePatch } from "../store/index.js";
import type { Rendered } from "./messages.js";

/** The plan buttons' action ids (part of ACTION in messages.ts). Each plan button adds `.<index>`. */
export const PLAN_ACTION = { plan: "rem_plan", planChange: "rem_plan_change" } as const;

/**
 * "Which plan do you use?" in the reminder DM, pure. The plans are the catalog's `tiers.covered` (the
 * training change applies: the opt-out steps follow) and `tiers.excluded` (work and enterprise plans the
 * provider does not train on: the person is "not affected (plan)", a state of its own). A button carries a
 * short hash of the plan's name, not its position, so a catalog edit between the DM and the click can never
 * turn one plan into another: a plan no longer listed is simply not found.
 */

export interface PlanChoice {
  name: string;
  excluded: boolean;
  key: string;
}

export const planKey = (name: string): string => createHash("sha256").update(name).digest("hex").slice(0, 12);

/** Slack allows 25 elements in an actions block; the catalog's longest tier list has 10. */
const MAX_PLAN_BUTTONS = 25;

/** The plans to offer, covered first; none unless the catalog lists both kinds (else the answer is known). */
export function planChoices(p: Provider): PlanChoice[] {
  const covered = p.tiers?.covered ?? [];
  const excluded = p.tiers?.excluded ?? [];
  if (!covered.length || !excluded.length) return [];
  return [
    ...covered.map((name) => ({ name, excluded: false, key: planKey(name) })),
    ...excluded.map((name) => ({ name, excluded: true, key: planKey(name) })),
  ].slice(0, MAX_PLAN_BUTTONS);
}

export const findPlan = (p: Provider, key: string): PlanChoice | undefined =>
  planChoices(p).find((c) => c.key === key);

const OPEN_STATES: readonly AnswerState[] = ["pending", "snoozed", "unreachable"];

/** Whether the DM should ask for the plan: the provider has plans to choose and the person chose none. */
export const asksPlan = (p: Provider, state: Pick<ReminderState, "plan" | "state">): boolean =>
  state.plan === null && OPEN_STATES.includes(state.state) && planChoices(p).length > 0;

export type PlanClick = { kind: "choose"; key: string } | { kind: "change"; key: string };

export type PlanDecision =
  | { kind: "apply"; from: { state: AnswerState; plan: string | null }; patch: StatePatch }
  | { kind: "unchanged" };

/**
 * A plan button: choosing an excluded plan settles the state as `not_affected`; a covered plan is recorded
 * and the state stays as it is (the steps follow). "Change plan" clears a covered plan. A click that finds
 * a plan already chosen, the state settled, or the plan gone from the catalog changes nothing. Asked only
 * after the refusal ladder (clicked.ts) let the click through.
 */
export function decidePlan(input: {
  state: ReminderState;
  provider: Provider;
  click: PlanClick;
  now: Date;
}): PlanDecision {
  const { state, provider, click, now } = input;
  const from = { state: state.state, plan: state.plan };
  if (!OPEN_STATES.includes(state.state)) return { kind: "unchanged" };
  if (click.kind === "change") {
    if (state.plan === null || planKey(state.plan) !== click.key) return { kind: "unchanged" };
    return { kind: "apply", from, patch: { plan: null } };
  }
  const choice = findPlan(provider, click.key);
  if (!choice || state.plan !== null) return { kind: "unchanged" };
  if (!choice.excluded) return { kind: "apply", from, patch: { plan: choice.name } };
  return {
    kind: "apply",
    from,
    patch: { state: "not_affected", plan: choice.name, snoozedUntil: null, nextAt: null, answeredAt: now },
  };
}

/** The question and one button per plan; each button's action_id is unique in its block, as Slack requires. */
export function planQuestion(p: Provider, state: Pick<ReminderState, "id">): KnownBlock[] {
  const choices = planChoices(p);
  return [
    section(
      `*Which plan do you use?* Some ${escapeMrkdwn(p.name)} plans, mostly work and enterprise ones, are not used for training by default, so there may be nothing for you to do.`,
    ),
    actions(
      `rem:${state.id}:plan`,
      ...choices.map((c, i) => button(c.name, `${PLAN_ACTION.plan}.${i}`, { value: `${state.id}:${c.key}` })),
    ),
  ];
}

/** The covered plan the person chose, above the steps, with a way to change it. */
export const chosenPlan = (state: Pick<ReminderState, "id" | "plan">): KnownBlock[] =>
  state.plan === null
    ? []
    : [
        section(
          `Your plan: *${escapeMrkdwn(state.plan)}*. The change applies to it, so here is how to switch training off.`,
          button("Change plan", PLAN_ACTION.planChange, { value: `${state.id}:${planKey(state.plan)}` }),
        ),
      ];

/**
 * "Not affected (plan)": why, with the sources behind the catalog's tier list and their provenance, and
 * the entry's age ("as of", "may be out of date") the way every answer shows them.
 */
export function renderNotAffected(input: {
  provider: Provider;
  state: ReminderState;
  today: string;
  staleDays?: number;
  /** When the answer was recorded, as the other settled messages show it (a Slack date). */
  recorded: string;
  /** The Undo button, and "I have another account" when the person may add one. */
  buttons: Button[];
}): Rendered {
  const { provider: p, state } = input;
  const plan = escapeMrkdwn(state.plan ?? "a work plan");
  const name = escapeMrkdwn(p.name);
  const ids = new Set(p.tiers?.sources ?? []);
  const sources = p.sources.filter((s) => ids.has(s.id)).map((s) => sourceLine(s, 80));
  const stale = staleNote(p, input.today, input.staleDays);
  const asOf = `As of ${p.lastReviewed ? formatDate(p.lastReviewed) : "unreviewed"}${stale ? ` · :hourglass: ${stale}` : ""}`;
  const line = `:briefcase: *Not affected:* you use ${plan}. By default ${name} does not use what you type on that plan for training, so there is nothing for you to switch off.`;
  const blocks: KnownBlock[] = [
    section(
      `${line}\nIf you also use a personal account, press *I have another account* and answer for it too.`,
    ),
    ...(sources.length
      ? [section(truncate(`*Why:* the plans ${name} excludes, from\n${sources.join("\n")}`, 2900))]
      : []),
    context(asOf, `Recorded for <@${state.userId}> · ${input.recorded}`),
    actions(`rem:${state.id}:settled`, ...input.buttons),
  ];
  const message = { text: truncate(`Not affected: you use ${plan}`, 200), blocks };
  assertMessageFits(message);
  return message;
}
