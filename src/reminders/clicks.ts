import type { LeadPolicy } from "../access/index.js";
import type { AnswerState, ReminderState } from "../store/index.js";
import { workspaceToday } from "../time/index.js";
import { type ClickRefusal, type ClickVerdict, loadClick, refusalReply } from "./clicked.js";
import { type AnswerVia, answerEntry } from "./evidence.js";
import { type Click, decideClick } from "./machine.js";
import { type Rendered, renderReminder, renderSettled } from "./messages.js";
import { type ReminderDeps, zoneOf } from "./send.js";
import { closeCampaign } from "./tick.js";

export interface ClickInput {
  stateId: number;
  /** The workspace the click came from: another workspace's state is treated as gone. */
  teamId: string;
  actorId: string;
  click: Click;
  undoFrom?: AnswerState | undefined;
  now: Date;
  /** Where the button was: the reminder DM or the App Home (kept as evidence of how the person answered). */
  via?: AnswerVia;
}

export interface ClickResult {
  /** "apply" when this click changed the state; anything else changed nothing. */
  outcome: "apply" | "unchanged" | ClickRefusal["kind"];
  state?: ReminderState;
  /** What the clicked message should now show. */
  message: Rendered;
  /** Whether the message should be replaced (false: answer privately, leave the message alone). */
  replace: boolean;
}

/**
 * One button click on a reminder, idempotent: decide on the stored state, compare-and-set, and render
 * what the message should show now. Double clicks and stale messages get the current state, unchanged.
 */
export function answerClick(deps: ReminderDeps, input: ClickInput): Promise<ClickResult> {
  return deps.store.transaction(async (tx): Promise<ClickResult> => {
    const verdict = await loadClick(tx, deps.catalog, input);
    if (verdict.kind !== "open") return refusalReply(verdict);
    const { state: before, campaign } = verdict;
    const decision = decideClick({
      state: before,
      campaign,
      click: input.click,
      undoFrom: input.undoFrom,
      now: input.now,
      tz: zoneOf(deps, before),
    });
    let outcome: "apply" | "unchanged" = "unchanged";
    if (
      decision.kind === "apply" &&
      (await tx.reminders.transition(before.id, decision.from, decision.patch, input.now))
    ) {
      outcome = "apply";
      // The evidence export's "how": this button, where, and what it changed (same transaction).
      const to = decision.patch.state ?? decision.from;
      const change = { click: input.click, from: decision.from, to, via: input.via ?? "dm" };
      await tx.audit.record(answerEntry(before, change, input.now));
    }
    return clickReply({ ...deps, store: tx }, verdict, outcome, input.now);
  });
}

/**
 * What a click let through answers, changed or not: the state as stored now (a double click or stale
 * message finds it already moved) and the message for it, the question while pending, else the answer.
 */
export async function clickReply(
  deps: ReminderDeps,
  open: Extract<ClickVerdict, { kind: "open" }>,
  outcome: "apply" | "unchanged",
  now: Date,
): Promise<ClickResult> {
  const { campaign, provider } = open;
  const state = (await deps.store.reminders.getState(open.state.id)) ?? open.state;
  const today = workspaceToday(now, deps.config);
  const message =
    state.state === "pending"
      ? renderReminder({ provider, state, campaign, today, variant: "ask" })
      : renderSettled({ provider, state, today, staleDays: deps.config.CATALOG_STALE_DAYS });
  return { outcome, state, message, replace: true };
}

export type CampaignControl =
  | { kind: "close" }
  | { kind: "recheck"; on: boolean }
  | { kind: "joiners"; on: boolean };

const CONTROL_ACTIONS: Record<CampaignControl["kind"], string> = {
  close: "reminders.campaign.close",
  recheck: "reminders.campaign.recheck",
  joiners: "reminders.campaign.joiners",
};

/**
 * Close a campaign or switch its re-checks, from the App Home: the campaign's lead or any lead of its own
 * workspace may. Another workspace's campaign is "gone": a click carries a campaign id anyone can forge,
 * and a lead of A is not a lead of B.
 */
export async function controlCampaign(
  deps: ReminderDeps & { leads: LeadPolicy },
  input: { campaignId: number; teamId: string; actorId: string; control: CampaignControl; now: Date },
): Promise<"done" | "forbidden" | "gone"> {
  const campaign = await deps.store.reminders.getCampaign(input.campaignId);
  // A lead of one workspace is not a lead of another's campaigns (isLead asks the workspace in scope).
  if (!campaign || campaign.teamId !== input.teamId) return "gone";
  if (campaign.leadId !== input.actorId && !(await deps.leads.isLead(input.actorId))) return "forbidden";
  const { control } = input;
  // The change and its audit entry commit together.
  await deps.store.transaction(async (tx) => {
    if (control.kind === "close") await closeCampaign({ ...deps, store: tx }, campaign.id, input.now);
    else if (control.kind === "recheck") await tx.reminders.setRecheck(campaign.id, control.on);
    else await tx.audiences.setAutoEnrol(campaign.id, control.on);
    await tx.audit.record({
      at: input.now,
      teamId: campaign.teamId,
      actorId: input.actorId,
      action: CONTROL_ACTIONS[control.kind],
      detail: { campaignId: campaign.id, ...(control.kind !== "close" ? { on: control.on } : {}) },
    });
  });
  return "done";
}

/** "Tools I use" from the App Home: only catalog providers are kept. */
export async function setTools(
  deps: ReminderDeps,
  input: { teamId: string; userId: string; providerIds: string[]; now: Date },
): Promise<string[]> {
  const known = [...new Set(input.providerIds)].filter((id) => deps.catalog.byId(id));
  await deps.store.reminders.setTools(input.teamId, input.userId, known, input.now);
  return known;
}
