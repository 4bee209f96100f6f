import type { RespondFn } from "@slack/bolt";
import type { WebClient } from "@slack/web-api";
import type { AppDeps } from "../../deps.js";
import {
  ESCALATION_ACTION,
  exportForLead,
  nudgeUnanswered,
  type Rendered,
  renderExportReply,
  renderNudgeResult,
} from "../../reminders/index.js";
import { uploadToDm } from "../../slack/index.js";

export interface EscalationClick {
  userId: string;
  teamId: string;
  value: string;
  respond: RespondFn | undefined;
  client: WebClient;
}

const privately = (respond: RespondFn | undefined, message: Rendered) =>
  respond?.({ ...message, response_type: "ephemeral", replace_original: false });

const campaignIdOf = (value: string): number | undefined =>
  /^\d{1,15}$/.test(value) ? Number(value) : undefined;

/**
 * The lead's escalation DM and `status` buttons: Nudge them now, Export CSV. Each answers privately; the
 * work and the lead-only checks are in reminders/ (nudge.ts, export.ts).
 */
export function escalationHandlers(deps: AppDeps): Record<string, (click: EscalationClick) => Promise<void>> {
  return {
    [ESCALATION_ACTION.nudge]: async ({ userId, teamId, value, respond }) => {
      const campaignId = campaignIdOf(value);
      if (campaignId === undefined) return;
      const result = await nudgeUnanswered(deps, { campaignId, actorId: userId, teamId, now: deps.now() });
      await privately(respond, renderNudgeResult(result));
    },
    [ESCALATION_ACTION.export]: async ({ userId, teamId, value, respond, client }) => {
      const campaignId = campaignIdOf(value);
      if (campaignId === undefined) return;
      const result = await exportForLead(deps, { campaignId, actorId: userId, teamId });
      if (result.kind !== "ok") return void (await privately(respond, renderExportReply(result)));
      await uploadToDm(client, result.userId, {
        filename: result.filename,
        title: result.title,
        content: result.csv,
        initialComment: `${result.title} (${result.people} people). Only you got this file.`,
      });
      await privately(respond, renderExportReply(result));
    },
  };
}
