import { escapeMrkdwn, section } from "../blocks/index.js";
import { campaignEvidence, evidenceCsv } from "./evidence.js";
import type { Rendered } from "./messages.js";
import type { ReminderDeps } from "./send.js";

export type LeadExport =
  | { kind: "gone" }
  | { kind: "not-lead"; leadId: string }
  | {
      kind: "ok";
      /** The lead's DM gets the file (files.uploadV2, files:write). */
      userId: string;
      filename: string;
      title: string;
      csv: string;
      people: number;
    };

/** The CSV evidence of one campaign, for its own lead only (a person's status is shown only to them). */
export async function exportForLead(
  deps: Pick<ReminderDeps, "store" | "catalog">,
  input: { campaignId: number; actorId: string; teamId: string },
): Promise<LeadExport> {
  const evidence = await campaignEvidence(deps.store, input.campaignId);
  // Another workspace's campaign is "gone" here: one workspace never learns of another's.
  if (!evidence || evidence.campaign.teamId !== input.teamId) return { kind: "gone" };
  const { campaign } = evidence;
  if (campaign.leadId !== input.actorId) return { kind: "not-lead", leadId: campaign.leadId };
  const name = deps.catalog.byId(campaign.providerId)?.name ?? campaign.providerId;
  return {
    kind: "ok",
    userId: input.actorId,
    filename: `ai-privacy-campaign-${campaign.id}-${campaign.providerId}.csv`,
    title: `${name} opt-out campaign ${campaign.id}: answers`,
    csv: evidenceCsv(evidence),
    people: new Set(evidence.rows.map((r) => r.userId)).size,
  };
}

/** Pure: the private answer to an Export press. */
export function renderExportReply(result: LeadExport, uploaded = true): Rendered {
  const line =
    result.kind === "gone"
      ? ":wastebasket: That campaign no longer exists."
      : result.kind === "not-lead"
        ? `:raised_hand: Only the campaign's lead (<@${result.leadId}>) can export who answered what. \`/ai-privacy status\` shows you the totals.`
        : uploaded
          ? `:page_facing_up: I've put *${escapeMrkdwn(result.filename)}* (${result.people} people) in our DM.`
          : ":warning: I couldn't upload the file just now. Please try again in a minute.";
  return { text: line.replace(/<[^>]*>/g, "lead").slice(0, 200), blocks: [section(line)] };
}
