import { escapeMrkdwn, truncate } from "../blocks/index.js";
import { failureAdvice, redactUrls } from "../slack/index.js";
import type { OutboxPayload } from "../store/index.js";
import { CHANNEL_ERRORS } from "./errors.js";

/** Block Kit for the deliverer's own notices (a channel it cannot post in, a message it could not deliver). */

/** How to fix a channel the bot cannot post in, by Slack error code; other errors get advice that fits them. */
export function channelProblemAdvice(error: string): string {
  const code = error;
  switch (code) {
    case "not_in_channel":
      return "The app is not a member of that channel: invite it with `/invite @ai-privacy` there, then subscribe again.";
    case "channel_not_found":
      return "I can't see that channel: if it is private, invite the app with `/invite @ai-privacy` there, then subscribe again.";
    case "is_archived":
    case "channel_is_archived":
      return "The channel is archived: unarchive it, or subscribe another channel.";
    case "restricted_action":
    case "restricted_action_read_only_channel":
      return "Only some members may post in that channel: let apps post there (channel settings → Posting permissions), or pick another channel.";
    case "msg_too_long":
    case "invalid_blocks":
    case "msg_blocks_too_long":
      return "Slack refused the message itself; this is a bug in the bot. Please report it with the error code.";
  }
  if (CHANNEL_ERRORS.has(code))
    return "Check that the app is in the channel (`/invite @ai-privacy`) and that the channel still exists, then subscribe again.";
  // Slack's own trouble, rate limits, timeouts, unreadable answers: nothing is wrong with the channel.
  return failureAdvice(
    /^[a-z][a-z0-9_]*$/.test(code) ? { kind: "refused", code } : { kind: "network", reason: "no answer" },
  );
}

/** An error code as shown to people: never a URL or a proxy's page. */
const shownError = (error: string): string => escapeMrkdwn(redactUrls(error).slice(0, 80));

export function pausedNoticeMessage(channelId: string, error: string, what: string): OutboxPayload {
  const text = `:warning: I couldn't post in <#${channelId}> (\`${shownError(error)}\`), so I paused its subscription to ${escapeMrkdwn(what)}. ${channelProblemAdvice(error)}`;
  return {
    text: truncate(
      `I couldn't post in a channel you subscribed (${redactUrls(error).slice(0, 80)}); its subscription is paused.`,
      300,
    ),
    blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
  };
}

export function failedNoticeMessage(channelId: string, error: string, kind: string): OutboxPayload {
  const where = /^[UW]/.test(channelId) ? `<@${channelId}>` : `<#${channelId}>`;
  const text = `:warning: A ${escapeMrkdwn(kind)} message to ${where} could not be delivered (\`${shownError(error)}\`). ${channelProblemAdvice(error)}`;
  return {
    text: truncate(`A message could not be delivered (${redactUrls(error).slice(0, 80)}).`, 300),
    blocks: [{ type: "section", text: { type: "mrkdwn", text } }],
  };
}
