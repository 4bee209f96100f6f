import { escapeMrkdwn, formatDate } from "../../blocks/index.js";
import type { Catalog, Provider } from "../../catalog/index.js";
import type { AppDeps } from "../../deps.js";
import { CHANNEL_ERRORS, channelProblemAdvice } from "../../outbox/index.js";
import { failureAdvice } from "../../slack/index.js";
import type { Subscription, SubscriptionKind } from "../../store/index.js";
import type { Handler } from "../handle.js";
import { resolveForReply } from "../providers.js";
import { errorReply, leadOnlyReply, textReply } from "../replies.js";
import type { Reply, RequestContext } from "../types.js";

/**
 * Channel subscriptions: they belong to the channel, not to the person. Subscribing and unsubscribing
 * are lead-only and audited; anyone may see what a channel gets.
 */

const KIND_LABEL: Record<SubscriptionKind, string> = {
  deadlines: "deadlines",
  changes: "policy changes",
  catalog: "catalog updates",
  regulation: "regulatory dates",
};

const kindsText = (kinds: readonly SubscriptionKind[]) => kinds.map((k) => KIND_LABEL[k]).join(", ");
const names = (ps: readonly Provider[]) => ps.map((p) => `*${escapeMrkdwn(p.name)}*`).join(", ");

/** Why the bot could not post here, and how to fix it; undefined when the channel is usable. */
async function channelProblem(request: RequestContext, deps: AppDeps): Promise<Reply | undefined> {
  if (/^D/.test(request.channelId)) {
    return errorReply(
      "Subscriptions belong to channels: run this in the channel that should get the announcements (not in a DM).",
    );
  }
  const access = await deps.slack.channelAccess(request.channelId);
  if (access.ok) return undefined;
  const { failure } = access;
  // Only a channel refusal is about this channel; Slack's own trouble gets advice that fits it.
  if (failure.kind !== "refused" || !CHANNEL_ERRORS.has(failure.code))
    return errorReply(`I couldn't check this channel with Slack. ${failureAdvice(failure)}`);
  return errorReply(
    `I can't post in this channel yet (\`${escapeMrkdwn(failure.code)}\`). ${channelProblemAdvice(failure.code)}`,
  );
}

export const handleSubscribe: Handler<"subscribe"> = async (command, request, deps) => {
  if (!(await deps.leads.isLead(request.userId)))
    return leadOnlyReply("subscribe a channel to announcements", deps.leads.whoCan());
  const problem = await channelProblem(request, deps);
  if (problem) return problem;
  let providerIds: string[] = ["*"];
  let what = "every provider";
  if (command.providers !== "all") {
    const resolved = resolveForReply(deps.catalog, command.providers);
    if (!resolved.ok) return resolved.reply;
    providerIds = resolved.providers.map((p) => p.id);
    what = names(resolved.providers);
  }
  await deps.store.transaction(async (tx) => {
    for (const providerId of providerIds) {
      await tx.subscriptions.upsert({
        teamId: request.teamId,
        channelId: request.channelId,
        providerId,
        kinds: command.kinds,
        createdBy: request.userId,
        now: request.now,
      });
    }
    await tx.audit.record({
      at: request.now,
      teamId: request.teamId,
      actorId: request.userId,
      action: "subscribe",
      detail: { channelId: request.channelId, providers: providerIds, kinds: command.kinds },
    });
  });
  return textReply(
    `:white_check_mark: <#${request.channelId}> will get ${kindsText(command.kinds)} for ${what}. ` +
      "Upcoming deadlines are announced on the next check. `/ai-privacy subscriptions` shows everything this channel gets.",
  );
};

export const handleUnsubscribe: Handler<"unsubscribe"> = async (command, request, deps) => {
  if (!(await deps.leads.isLead(request.userId)))
    return leadOnlyReply("unsubscribe a channel", deps.leads.whoCan());
  const { store } = deps;
  const current = await store.subscriptions.listForChannel(request.teamId, request.channelId);
  let targets: string[] | "all" = "all";
  let what = "every provider";
  if (command.providers !== "all") {
    const resolved = resolveForReply(deps.catalog, command.providers);
    if (!resolved.ok) return resolved.reply;
    targets = resolved.providers.map((p) => p.id);
    what = names(resolved.providers);
  }
  const removed = await store.transaction(async (tx) => {
    const n = await tx.subscriptions.remove(request.teamId, request.channelId, targets);
    if (n > 0) {
      await tx.audit.record({
        at: request.now,
        teamId: request.teamId,
        actorId: request.userId,
        action: "unsubscribe",
        detail: { channelId: request.channelId, providers: targets },
      });
    }
    return n;
  });
  if (removed > 0)
    return textReply(`:white_check_mark: <#${request.channelId}> no longer gets announcements for ${what}.`);
  if (targets !== "all" && current.some((s) => s.providerId === "*")) {
    return textReply(
      `This channel gets announcements for every provider, so there is nothing to remove for ${what} alone. ` +
        "To narrow it: `/ai-privacy unsubscribe all`, then `/ai-privacy subscribe <provider…>`.",
    );
  }
  return textReply(
    `<#${request.channelId}> wasn't subscribed to ${what}. \`/ai-privacy subscriptions\` shows what it gets.`,
  );
};

function describe(s: Subscription, catalog: Catalog): string {
  const who =
    s.providerId === "*" ? "Every provider" : escapeMrkdwn(catalog.byId(s.providerId)?.name ?? s.providerId);
  const paused = s.pausedAt
    ? `\n    :pause_button: paused ${formatDate(s.pausedAt.toISOString().slice(0, 10))} (\`${escapeMrkdwn(s.pausedReason ?? "delivery failed")}\`): subscribe again to resume`
    : "";
  return `• *${who}*: ${kindsText(s.kinds)} — added by <@${s.createdBy}> on ${formatDate(s.createdAt.toISOString().slice(0, 10))}${paused}`;
}

export const handleSubscriptions: Handler<"subscriptions"> = async (_command, request, deps) => {
  const subs = await deps.store.subscriptions.listForChannel(request.teamId, request.channelId);
  if (subs.length === 0) {
    return textReply(
      `<#${request.channelId}> has no subscriptions. A lead can add one with \`/ai-privacy subscribe [provider… | all]\`.`,
    );
  }
  const lines: string[] = [];
  let budget = 2700; // one section: Slack allows 3000 characters
  for (const s of subs) {
    const line = describe(s, deps.catalog);
    if (line.length + 1 > budget) break;
    lines.push(line);
    budget -= line.length + 1;
  }
  const more = subs.length > lines.length ? `\n…and ${subs.length - lines.length} more.` : "";
  return textReply(`*<#${request.channelId}> gets:*\n${lines.join("\n")}${more}`);
};
