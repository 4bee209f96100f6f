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
  truncate,
} from "../blocks/index.js";
import type { Provider } from "../catalog/index.js";
import type { AnswerState, Campaign, ReminderState } from "../store/index.js";
import { asksPlan, chosenPlan, PLAN_ACTION, planQuestion, renderNotAffected } from "./plans.js";

/** Every button the reminders feature puts on a message or the App Home. */
export const ACTION = {
  steps: "rem_steps",
  done: "rem_done",
  later: "rem_later",
  notUsing: "rem_not_using",
  undo: "rem_undo",
  openSettings: "rem_open_settings",
  tools: "rem_tools",
  closeCampaign: "rem_close_campaign",
  recheckToggle: "rem_recheck_toggle",
  joinersToggle: "rem_joiners_toggle",
  forgetConfirm: "rem_forget_confirm",
  forgetCancel: "rem_forget_cancel",
  plan: PLAN_ACTION.plan,
  planChange: PLAN_ACTION.planChange,
  anotherAccount: "rem_another_account",
} as const;

/** "I have another account": adds the next account of the person for the same provider (accounts.ts). */
export const anotherAccountButton = (state: Pick<ReminderState, "id">) =>
  button("I have another account", ACTION.anotherAccount, { value: String(state.id) });

/** "Claude" for a first account, "Claude (account 2)" for the others. */
export const accountName = (name: string, account: number): string =>
  account > 1 ? `${name} (account ${account})` : name;

export interface Rendered {
  text: string;
  blocks: KnownBlock[];
}

const esc = escapeMrkdwn;

export const MAX_SHORT_STEPS = 4;

/** `<!date>` renders in the reader's own zone; the fallback is UTC. */
export function slackDate(at: Date, format = "{date_short_pretty} at {time}"): string {
  return `<!date^${Math.floor(at.getTime() / 1000)}^${format}|${at.toISOString().slice(0, 16).replace("T", " ")} UTC>`;
}

/** The provider's change in one line: the latest dated change, else the first sentence of the summary. */
export function whyLine(p: Provider, today: string): string {
  const change = p.deadlines
    .filter((d) => d.kind === "change" && d.date <= today)
    .sort((a, b) => b.date.localeCompare(a.date))[0];
  if (change) return `${formatDate(change.date)}: ${change.title}`;
  const sentence = p.summary?.split(/(?<=\.)\s/)[0];
  return sentence ? truncate(sentence, 300) : `${p.name} may use what you type to train its models.`;
}

/** The provider's next dated event on or after today, if the catalog has one. */
export function nextDatedEvent(p: Provider, today: string): string | null {
  return (
    p.deadlines
      .map((d) => d.date)
      .filter((d) => d >= today)
      .sort()[0] ?? null
  );
}

export function shortSteps(p: Provider): string | undefined {
  const platform = p.optOut?.platforms.find((x) => x.id === "web") ?? p.optOut?.platforms[0];
  if (!platform) return undefined;
  const steps = platform.steps
    .slice(0, MAX_SHORT_STEPS)
    .map((s, i) => `${i + 1}. ${esc(truncate(s.text, 300))}`);
  const more = platform.steps.length > MAX_SHORT_STEPS ? "\n…more under *Show steps*" : "";
  return `${steps.join("\n")}${more}`;
}

export const deadlineLine = (deadline: string | null, today: string): string =>
  deadline ? `*Deadline:* ${formatDate(deadline)} (${relativeDays(deadline, today)})` : "";

export type ReminderVariant = "ask" | "recheck";

/** The DM: why it matters, the short steps with the settings link, and the four answers. */
export function renderReminder(input: {
  provider: Provider;
  state: Pick<ReminderState, "id" | "state" | "plan" | "account">;
  campaign: Pick<Campaign, "deadline" | "leadId">;
  today: string;
  variant: ReminderVariant;
  reason?: string;
  /** Check Slack's limits (default). A batch checks its first message: the rest differ only in the state id. */
  validate?: boolean;
}): Rendered {
  const { provider: p, state, campaign, today } = input;
  const other = state.account > 1 ? ` (your account ${state.account})` : "";
  const title =
    input.variant === "recheck"
      ? `:arrows_counterclockwise: *${esc(p.name)} changed something: please re-check your setting${other}*`
      : `:shield: *Please switch off training on your ${esc(p.name)} chats${other}*`;
  const why = input.variant === "recheck" && input.reason ? esc(input.reason) : esc(whyLine(p, today));
  const intro = [title, why, deadlineLine(campaign.deadline, today)].filter(Boolean).join("\n");
  const settings = p.optOut?.settingsUrl
    ? button("Open the setting", ACTION.openSettings, { url: p.optOut.settingsUrl, value: p.id })
    : undefined;
  const steps = shortSteps(p);
  const label = p.optOut?.label ? `The setting is called “${esc(p.optOut.label)}”.\n` : "";
  const value = String(state.id);
  const blocks: KnownBlock[] = [
    section(intro),
    ...(asksPlan(p, state) ? planQuestion(p, state) : chosenPlan(state)),
    section(steps ? `${label}${steps}` : `${label}See *Show steps* for how to do it.`, settings),
    actions(
      `rem:${state.id}`,
      button("Show steps", ACTION.steps, { value: p.id }),
      button("I've opted out", ACTION.done, { value, style: "primary" }),
      button("Remind me later", ACTION.later, { value }),
      button("Not using it", ACTION.notUsing, { value }),
      anotherAccountButton(state),
    ),
    context(
      `Asked by ${campaign.leadId.startsWith("U") || campaign.leadId.startsWith("W") ? `<@${campaign.leadId}>` : "a team lead"} · \`/ai-privacy my-data\` shows what I store about you`,
    ),
  ];
  const text =
    input.variant === "recheck"
      ? `${esc(p.name)} changed something: please re-check your setting${other}`
      : `Please switch off training on your ${esc(p.name)} chats${other}`;
  const message = { text, blocks };
  if (input.validate !== false) assertMessageFits(message);
  return message;
}

const SETTLED: Record<
  Exclude<AnswerState, "pending" | "unreachable" | "not_affected">,
  (name: string) => string
> = {
  done: (name) => `:white_check_mark: You've opted out of ${name} training. Thank you!`,
  not_using: (name) => `:no_entry_sign: Noted: you don't use ${name}.`,
  snoozed: () => `:alarm_clock: OK, I'll remind you`,
};

/**
 * The message after a click: the new state, who and when, an Undo, and "I have another account". `today`
 * (DEFAULT_TIMEZONE) and `staleDays` date the sources of a "not affected (plan)" answer.
 */
export function renderSettled(input: {
  provider: Provider;
  state: ReminderState;
  today: string;
  staleDays?: number;
}): Rendered {
  const { provider: p, state } = input;
  const name = accountName(p.name, state.account);
  // Unreachable is "no answer" seen from the person's side (Slack had said their account was gone).
  if (state.state === "pending" || state.state === "unreachable") {
    return {
      text: `${esc(name)}: no answer yet`,
      blocks: [section(`:hourglass: ${esc(name)}: waiting for your answer.`)],
    };
  }
  const when = state.answeredAt ? slackDate(state.answeredAt) : "just now";
  const buttons = [
    button("Undo", ACTION.undo, { value: `${state.id}:${state.state}` }),
    anotherAccountButton(state),
  ];
  if (state.state === "not_affected")
    return renderNotAffected({
      provider: p,
      state,
      today: input.today,
      ...(input.staleDays !== undefined ? { staleDays: input.staleDays } : {}),
      recorded: when,
      buttons,
    });
  const line =
    state.state === "snoozed" && state.snoozedUntil
      ? `${SETTLED.snoozed(name)} ${slackDate(state.snoozedUntil, "{date_long_pretty} at {time}")} (your time).`
      : SETTLED[state.state](esc(name));
  const blocks: KnownBlock[] = [
    section(line),
    context(`Recorded for <@${state.userId}> · ${when}`),
    actions(`rem:${state.id}:settled`, ...buttons),
  ];
  const message = { text: line.replace(/<[^>]*>/g, "").slice(0, 200), blocks };
  assertMessageFits(message);
  return message;
}

export function renderClosed(campaign: Campaign, providerName: string): Rendered {
  const when = campaign.closedAt ? ` on ${slackDate(campaign.closedAt, "{date_long_pretty}")}` : "";
  return {
    text: `This reminder is closed`,
    blocks: [
      section(`:lock: The ${esc(providerName)} reminder campaign closed${when}; nothing more to do here.`),
    ],
  };
}

export const renderGone = (): Rendered => ({
  text: "This reminder no longer exists",
  blocks: [
    section(":wastebasket: This reminder no longer exists (it was deleted, or you asked me to forget you)."),
  ],
});

export const renderNotYours = (): Rendered => ({
  text: "This reminder is for someone else",
  blocks: [section(":raised_hand: This reminder is for someone else, so I didn't change anything.")],
});
