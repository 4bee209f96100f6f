import { escapeMrkdwn } from "../../blocks/mrkdwn.js";
import type { Provider } from "../../catalog/index.js";
import { lookupProvider } from "../../catalog/lookup.js";
import type { AppDeps } from "../../deps.js";
import {
  campaignProgress,
  collectMyData,
  localDateOf,
  renderForgetConfirm,
  renderMyData,
  renderStatus,
  startCampaigns,
  summariseOutcome,
} from "../../reminders/index.js";
import type { Handler } from "../handle.js";
import { errorReply, leadOnlyReply, textReply } from "../replies.js";

type Resolved = { providers: Provider[]; problems: string[] };

/** Every provider word must name exactly one catalog entry; otherwise say which did not and why. */
function resolveProviders(deps: AppDeps, words: readonly string[]): Resolved {
  const providers = new Map<string, Provider>();
  const problems: string[] = [];
  for (const word of words) {
    const found = lookupProvider(deps.catalog, word);
    if (found.kind === "found") providers.set(found.provider.id, found.provider);
    else if (found.kind === "ambiguous") {
      problems.push(
        `“${escapeMrkdwn(word)}” could be ${found.candidates.map((p) => escapeMrkdwn(p.name)).join(" or ")}.`,
      );
    } else {
      const hint = found.suggestions.length
        ? ` Did you mean ${found.suggestions.map((p) => escapeMrkdwn(p.name)).join(", ")}?`
        : "";
      problems.push(`I don't know a service called “${escapeMrkdwn(word)}”.${hint}`);
    }
  }
  return { providers: [...providers.values()], problems };
}

export const handleRemind: Handler<"remind"> = async (command, request, deps) => {
  if (!(await deps.leads.isLead(request.userId)))
    return leadOnlyReply("send opt-out reminders", deps.leads.whoCan());
  const { providers, problems } = resolveProviders(deps, command.providers);
  if (problems.length) return errorReply(`${problems.join(" ")} Nobody was asked.`);
  const today = localDateOf(request.now, deps.config.DEFAULT_TIMEZONE);
  if (command.by && command.by < today)
    return errorReply(`The deadline ${command.by} is in the past. Nobody was asked.`);
  const outcome = await startCampaigns(deps, {
    teamId: request.teamId,
    leadId: request.userId,
    channelId: request.channelId,
    audience: command.audience,
    providers,
    by: command.by,
    now: request.now,
  });
  const notes = outcome.problems.map((p) => `\n:warning: ${p}`).join("");
  const icon = outcome.campaigns.length ? ":white_check_mark:" : ":information_source:";
  return textReply(`${icon} ${summariseOutcome(outcome, deps.catalog)}.${notes}`);
};

/** Leads get counts and names (ephemeral, to them only); everyone else gets totals. */
export const handleStatus: Handler<"status"> = async (command, request, deps) => {
  let providerId: string | undefined;
  if (command.provider) {
    const { providers, problems } = resolveProviders(deps, [command.provider]);
    if (problems.length || !providers[0]) return errorReply(problems.join(" "));
    providerId = providers[0].id;
  }
  const lead = await deps.leads.isLead(request.userId);
  const campaigns = deps.store.reminders
    .listCampaigns({ teamId: request.teamId, ...(providerId ? { providerId } : {}) })
    .sort((a, b) => Number(b.status === "open") - Number(a.status === "open") || b.id - a.id);
  const items = campaigns.map((c) => campaignProgress(deps.store, deps.catalog, c, lead));
  return { responseType: "ephemeral", ...renderStatus(items, { names: lead }) };
};

export const handleMyData: Handler<"my-data"> = async (_command, request, deps) => ({
  responseType: "ephemeral",
  ...renderMyData(collectMyData(deps.store, request.teamId, request.userId), deps.catalog),
});

export const handleForgetMe: Handler<"forget-me"> = async (_command, request) => ({
  responseType: "ephemeral",
  ...renderForgetConfirm(request.userId),
});
