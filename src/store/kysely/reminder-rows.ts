import { z } from "zod";
import {
  ANSWER_STATES,
  type Campaign,
  type ReminderState,
  type StatePatch,
  type UserTool,
} from "../reminders.js";
import { bool, time, timeOrNull, toDb } from "./rows.js";

/** The reminder tables' rows as the domain's types, validated as they are read. */
export const answerState = z.enum(ANSWER_STATES);

const CampaignRow = z
  .object({
    id: z.number(),
    team_id: z.string(),
    lead_id: z.string(),
    channel_id: z.string(),
    provider_id: z.string(),
    deadline: z.string().nullable(),
    recheck: bool,
    status: z.enum(["open", "closed"]),
    created_at: time,
    closed_at: timeOrNull,
    last_digest_at: timeOrNull,
  })
  .transform(
    (r): Campaign => ({
      id: r.id,
      teamId: r.team_id,
      leadId: r.lead_id,
      channelId: r.channel_id,
      providerId: r.provider_id,
      deadline: r.deadline,
      recheck: r.recheck,
      status: r.status,
      createdAt: r.created_at,
      closedAt: r.closed_at,
      lastDigestAt: r.last_digest_at,
    }),
  );

const StateRow = z
  .object({
    id: z.number(),
    campaign_id: z.number(),
    team_id: z.string(),
    user_id: z.string(),
    provider_id: z.string(),
    state: answerState,
    tz: z.string().nullable(),
    next_at: timeOrNull,
    snoozed_until: timeOrNull,
    sends: z.number(),
    last_sent_at: timeOrNull,
    answered_at: timeOrNull,
    updated_at: time,
    account: z.number().int().min(1),
    plan: z.string().nullable(),
  })
  .transform(
    (r): ReminderState => ({
      id: r.id,
      campaignId: r.campaign_id,
      teamId: r.team_id,
      userId: r.user_id,
      providerId: r.provider_id,
      state: r.state,
      account: r.account,
      plan: r.plan,
      tz: r.tz,
      nextAt: r.next_at,
      snoozedUntil: r.snoozed_until,
      sends: r.sends,
      lastSentAt: r.last_sent_at,
      answeredAt: r.answered_at,
      updatedAt: r.updated_at,
    }),
  );

export const ToolRow = z
  .object({ team_id: z.string(), user_id: z.string(), provider_id: z.string(), added_at: time })
  .transform(
    (r): UserTool => ({
      teamId: r.team_id,
      userId: r.user_id,
      providerId: r.provider_id,
      addedAt: r.added_at,
    }),
  );

export const campaign = (row: unknown) => CampaignRow.parse(row);
export const state = (row: unknown) => StateRow.parse(row);

/** A patch's fields as column values (times as ISO strings). */
export function patchColumns(patch: StatePatch) {
  const out: Record<string, string | number | null> = {};
  const at = (d: Date | null | undefined) => (d ? toDb(d) : null);
  if ("state" in patch) out.state = patch.state ?? null;
  if ("plan" in patch) out.plan = patch.plan ?? null;
  if ("nextAt" in patch) out.next_at = at(patch.nextAt);
  if ("snoozedUntil" in patch) out.snoozed_until = at(patch.snoozedUntil);
  if ("sends" in patch) out.sends = patch.sends ?? null;
  if ("lastSentAt" in patch) out.last_sent_at = at(patch.lastSentAt);
  if ("answeredAt" in patch) out.answered_at = at(patch.answeredAt);
  return out;
}
