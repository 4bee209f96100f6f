import {
  campaignProgress,
  collectMyData,
  MAX_STATUS_CAMPAIGNS,
  renderForgetConfirm,
  renderMyData,
  renderStatus,
  startCampaigns,
  summariseOutcome,
} from "../../reminders/index.js";
import { workspaceToday } from "../../time/index.js";
import type { Handler } from "../handle.js";
import { resolveForReply } from "../providers.js";
import { errorReply, leadOnlyReply, textReply } from "../replies.js";
import type { Command } from "../types.js";

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "Read 160 mentions: 150 people, 10 channels (3 repeated ones ignored)." — nothing is dropped silently. */
function mentionsRead(command: Extract<Command, { type: "remind" }>): string {
  const { users, channels, usergroups } = command.audience;
  const kinds = [
    users.length ? plural(users.length, "person", "people") : "",
    channels.length ? plural(channels.length, "channel", "channels") : "",
    usergroups.length ? plural(usergroups.length, "user group", "user groups") : "",
  ].filter(Boolean);
  const repeated = command.mentions - users.length - channels.length - usergroups.length;
  const ignored = repeated > 0 ? ` (${plural(repeated, "repeated one", "repeated ones")} ignored)` : "";
  return `Read ${plural(command.mentions, "mention", "mentions")}: ${kinds.join(", ")}${ignored}.`;
}

export const handleRemind: Handler<"remind"> = async (command, request, deps) => {
  if (!(await deps.leads.isLead(request.userId)))
    return leadOnlyReply("send opt-out reminders", deps.leads.whoCan());
  const resolved = resolveForReply(deps.catalog, command.providers, "Nobody was asked.");
  if (!resolved.ok) return resolved.reply;
  const { providers } = resolved;
  const today = workspaceToday(request.now, deps.config);
  if (command.by && command.by < today)
    return errorReply(`The deadline ${command.by} is in the past. Nobody was asked.`);
  const outcome = await startCampaigns(deps, {
    teamId: request.teamId,
    leadId: request.userId,
    channelId: request.channelId,
    audience: command.audience,
    providers,
    by: command.by,
    ...(command.autoEnrol === false ? { autoEnrol: false } : {}),
    now: request.now,
  });
  const notes = outcome.problems.map((p) => `\n:warning: ${p}`).join("");
  const read = `\n${mentionsRead(command)}`;
  const { channels, usergroups } = command.audience;
  const follows = outcome.campaigns.length > 0 && channels.length + usergroups.length > 0;
  // The lead learns that the campaign keeps going by itself, and how to stop that.
  const joiners = !follows
    ? ""
    : command.autoEnrol === false
      ? "\nPeople who join those channels or groups later are not asked (`no-joiners`)."
      : "\nPeople who join those channels or groups later are asked too, and people who leave stop getting reminders (turn joiners off in my App Home, or start with `no-joiners`).";
  const icon = outcome.campaigns.length ? ":white_check_mark:" : ":information_source:";
  return textReply(`${icon} ${summariseOutcome(outcome, deps.catalog)}.${read}${joiners}${notes}`);
};

/**
 * Totals for everyone; names only for the campaign's own lead (README: "names only for the campaign's
 * lead"). Other leads and admins see totals too, unless they ask explicitly with `status … names`: that
 * override is recorded in the audit log with the campaigns whose names were shown. Always ephemeral.
 */
export const handleStatus: Handler<"status"> = async (command, request, deps) => {
  let providerId: string | undefined;
  if (command.provider) {
    const resolved = resolveForReply(deps.catalog, command.provider.split(" "));
    if (!resolved.ok) return resolved.reply;
    const [first, ...others] = resolved.providers;
    if (!first || others.length)
      return errorReply("Ask about one provider at a time, e.g. `/ai-privacy status claude`.");
    providerId = first.id;
  }
  const override = command.names === true && (await deps.leads.isLead(request.userId));
  if (command.names && !override)
    return leadOnlyReply("see the names in other leads' campaigns", deps.leads.whoCan());
  const all = (
    await deps.store.reminders.listCampaigns({
      teamId: request.teamId,
      ...(providerId ? { providerId } : {}),
    })
  ).sort((a, b) => Number(b.status === "open") - Number(a.status === "open") || b.id - a.id);
  const campaigns = all.slice(0, MAX_STATUS_CAMPAIGNS);
  const overridden = override ? campaigns.filter((c) => c.leadId !== request.userId) : [];
  if (overridden.length) {
    await deps.store.audit.record({
      at: request.now,
      teamId: request.teamId,
      actorId: request.userId,
      action: "status-names",
      detail: { campaigns: overridden.map((c) => c.id) },
    });
  }
  const items = await Promise.all(
    campaigns.map(async (c) => ({
      ...(await campaignProgress(deps.store, deps.catalog, c, c.leadId === request.userId || override)),
      // The evidence export is the campaign's own lead's only, even for an admin's `names` override.
      exportable: c.leadId === request.userId,
    })),
  );
  return {
    responseType: "ephemeral",
    ...renderStatus(items, { override: overridden.length > 0, total: all.length }),
  };
};

export const handleMyData: Handler<"my-data"> = async (_command, request, deps) => ({
  responseType: "ephemeral",
  ...renderMyData(await collectMyData(deps.store, request.teamId, request.userId), deps.catalog),
});

export const handleForgetMe: Handler<"forget-me"> = async (_command, request) => ({
  responseType: "ephemeral",
  ...renderForgetConfirm(request.userId),
});
