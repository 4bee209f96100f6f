import { z } from "zod";
import {
  ANSWER_STATES,
  type AnswerState,
  type AuditEntry,
  type Campaign,
  type ReminderState,
  type Store,
} from "../store/index.js";
import { type CsvValue, toCsv } from "./csv.js";
import type { Click } from "./machine.js";
import { STATE_LABELS } from "./progress.js";

/**
 * Evidence for an audit: who was asked, what each person answered, when, how (which button, where, and
 * every undo), and how many reminders they got. Answers are audit-log entries (`reminders.answer`, the
 * person as actor, IDs only), so `my-data` lists them and forget-me anonymises them with the rest of the log.
 */
export const EVIDENCE_ACTIONS = {
  answer: "reminders.answer",
  nudge: "reminders.nudge",
} as const;

export type AnswerVia = "dm" | "home";

const State = z.custom<AnswerState>((v) => ANSWER_STATES.includes(v as AnswerState));

/** The answer buttons, and the plan buttons of plans.ts (a plan choice, "Change plan"). */
export type EvidenceClick = Click | "plan" | "change_plan";

const AnswerDetail = z.object({
  campaignId: z.number(),
  stateId: z.number(),
  click: z.enum(["done", "later", "not_using", "undo", "plan", "change_plan"]),
  from: State,
  to: State,
  via: z.enum(["dm", "home"]),
});
export type AnswerDetail = z.infer<typeof AnswerDetail>;

const NudgeDetail = z.object({ campaignId: z.number(), stateIds: z.array(z.number()) });

/** The audit entry one applied click leaves (the click's own transaction writes it). */
export const answerEntry = (
  state: Pick<ReminderState, "id" | "campaignId" | "teamId" | "userId">,
  change: { click: EvidenceClick; from: AnswerState; to: AnswerState; via: AnswerVia },
  at: Date,
): AuditEntry => ({
  at,
  teamId: state.teamId,
  actorId: state.userId,
  action: EVIDENCE_ACTIONS.answer,
  detail: { campaignId: state.campaignId, stateId: state.id, ...change } satisfies AnswerDetail,
});

const BUTTONS: Record<EvidenceClick, string> = {
  done: "I've opted out",
  later: "Remind me later",
  not_using: "Not using it",
  undo: "Undo",
  plan: "Which plan",
  change_plan: "Change plan",
};
const PLACES: Record<AnswerVia, string> = { dm: "in the DM", home: "in App Home" };

export interface EvidenceRow {
  userId: string;
  /** 1, or the number of a further account the person added ("I have another account"). */
  account: number;
  state: AnswerState;
  /** The plan the person chose for this account, if any. */
  plan: string | null;
  answeredAt: Date | null;
  /** The button (and where) that set the current state; empty when nobody answered. */
  how: string;
  /** Every answer and undo, oldest first: `<time> <button> (<where>) → <state>`, separated by "; ". */
  history: string;
  remindersSent: number;
  lastReminderAt: Date | null;
  nudgedAt: Date | null;
  snoozedUntil: Date | null;
}

/** Pure: each person's row from their state and the campaign's answer and nudge entries. */
export function evidenceRows(
  states: readonly ReminderState[],
  entries: readonly AuditEntry[],
  campaignId: number,
): EvidenceRow[] {
  const answers = new Map<number, { at: Date; detail: AnswerDetail }[]>();
  const nudged = new Map<number, Date>();
  for (const entry of entries) {
    if (entry.action === EVIDENCE_ACTIONS.answer) {
      const detail = AnswerDetail.safeParse(entry.detail);
      if (!detail.success || detail.data.campaignId !== campaignId) continue;
      const list = answers.get(detail.data.stateId) ?? [];
      list.push({ at: entry.at, detail: detail.data });
      answers.set(detail.data.stateId, list);
    } else if (entry.action === EVIDENCE_ACTIONS.nudge) {
      const detail = NudgeDetail.safeParse(entry.detail);
      if (!detail.success || detail.data.campaignId !== campaignId) continue;
      for (const id of detail.data.stateIds) if (!nudged.has(id)) nudged.set(id, entry.at);
    }
  }
  return states.map((s) => {
    const mine = answers.get(s.id) ?? [];
    const last = mine.at(-1);
    const how =
      last && last.detail.to === s.state && s.state !== "pending"
        ? `${BUTTONS[last.detail.click]} button ${PLACES[last.detail.via]}`
        : s.state === "unreachable"
          ? "Slack said the account is gone"
          : "";
    return {
      userId: s.userId,
      account: s.account,
      state: s.state,
      plan: s.plan,
      answeredAt: s.answeredAt,
      how,
      history: mine
        .map(
          (a) =>
            `${a.at.toISOString()} ${BUTTONS[a.detail.click]} (${PLACES[a.detail.via]}) → ${STATE_LABELS[a.detail.to]}`,
        )
        .join("; "),
      remindersSent: s.sends,
      lastReminderAt: s.lastSentAt,
      nudgedAt: nudged.get(s.id) ?? null,
      snoozedUntil: s.snoozedUntil,
    };
  });
}

export interface CampaignEvidence {
  campaign: Campaign;
  rows: EvidenceRow[];
}

/** A campaign's evidence from the store, or undefined for an unknown campaign. */
export async function campaignEvidence(
  store: Store,
  campaignId: number,
): Promise<CampaignEvidence | undefined> {
  const campaign = await store.reminders.getCampaign(campaignId);
  if (!campaign) return undefined;
  const [states, entries] = await Promise.all([
    store.reminders.statesForCampaign(campaignId),
    store.audit.forActions(campaign.teamId, Object.values(EVIDENCE_ACTIONS), campaign.createdAt),
  ]);
  return { campaign, rows: evidenceRows(states, entries, campaignId) };
}

export const EVIDENCE_COLUMNS = [
  "campaign_id",
  "provider_id",
  "deadline",
  "user_id",
  "state",
  "answered_at",
  "how",
  "history",
  "reminders_sent",
  "last_reminder_at",
  "nudged_at",
  "snoozed_until",
  "account",
  "plan",
] as const;

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

/** Pure: the evidence as CSV (RFC 4180, formula cells defused), one row per person and account. */
export function evidenceCsv({ campaign, rows }: CampaignEvidence): string {
  return toCsv(
    EVIDENCE_COLUMNS,
    rows.map((r): CsvValue[] => [
      campaign.id,
      campaign.providerId,
      campaign.deadline,
      r.userId,
      r.state,
      iso(r.answeredAt),
      r.how,
      r.history,
      r.remindersSent,
      iso(r.lastReminderAt),
      iso(r.nudgedAt),
      iso(r.snoozedUntil),
      r.account,
      r.plan,
    ]),
  );
}

/** Pure: the same evidence as plain JSON data (`ai-privacy export --json`). */
export function evidenceJson({ campaign, rows }: CampaignEvidence): Record<string, unknown> {
  return {
    campaign: {
      id: campaign.id,
      teamId: campaign.teamId,
      providerId: campaign.providerId,
      leadId: campaign.leadId,
      deadline: campaign.deadline,
      status: campaign.status,
      createdAt: campaign.createdAt.toISOString(),
      closedAt: iso(campaign.closedAt),
    },
    people: rows.map((r) => ({
      ...r,
      answeredAt: iso(r.answeredAt),
      lastReminderAt: iso(r.lastReminderAt),
      nudgedAt: iso(r.nudgedAt),
      snoozedUntil: iso(r.snoozedUntil),
    })),
  };
}

/** Everyone in a campaign as CSV, or undefined for an unknown campaign (`ai-privacy export`). */
export async function exportCampaignCsv(store: Store, campaignId: number): Promise<string | undefined> {
  const evidence = await campaignEvidence(store, campaignId);
  return evidence ? evidenceCsv(evidence) : undefined;
}
