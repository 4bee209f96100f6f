import type { BlockButtonAction } from "@slack/bolt";
import { z } from "zod";
import { ACTION_REMIND_ME, scheduleRemindMe } from "../../announce/index.js";
import { escapeMrkdwn } from "../../blocks/index.js";
import type { Reply } from "../../commands/index.js";
import { errorReply, textReply } from "../../commands/index.js";
import type { AppDeps } from "../../deps.js";
import { zoneOrFallback } from "../../time/index.js";
import type { Listeners } from "../router.js";

/** Buttons on announcements. Thin: validate, delegate, answer the clicker privately. */
const Click = z.object({
  action: z.object({ value: z.string().min(1).max(64) }),
  body: z.object({
    user: z.object({ id: z.string().min(1) }),
    team: z
      .object({ id: z.string().min(1) })
      .nullable()
      .optional(),
  }),
});

const asEphemeral = (reply: Reply) => ({
  response_type: "ephemeral" as const,
  replace_original: false,
  text: reply.text,
  blocks: reply.blocks,
});

/** "Remind me": one DM the next working morning in the clicker's own time zone. Idempotent per day. */
async function remindMe(deps: AppDeps, action: unknown, body: unknown): Promise<Reply> {
  const parsed = Click.safeParse({ action, body });
  if (!parsed.success) return errorReply("I couldn't read that button.");
  const provider = deps.catalog.byId(parsed.data.action.value);
  if (!provider) return errorReply("That service is no longer in the catalog.");
  const userId = parsed.data.body.user.id;
  const tz = (await deps.slack.userInfo(userId).catch(() => undefined))?.tz;
  const result = await scheduleRemindMe(deps.store, {
    teamId: parsed.data.body.team?.id ?? "",
    userId,
    provider,
    timeZone: zoneOrFallback(tz, deps.config.DEFAULT_TIMEZONE),
    now: deps.now(),
  });
  const when = `<!date^${Math.floor(result.at.getTime() / 1000)}^{date_short_pretty} at {time}|${result.at.toISOString()}>`;
  const name = escapeMrkdwn(provider.name);
  return textReply(
    result.created
      ? `:bell: OK: I'll remind you about *${name}* in a DM ${when}.`
      : `:bell: You already have a reminder about *${name}* ${when}.`,
  );
}

export function registerAnnounceActions(app: Listeners, deps: AppDeps): void {
  // "Show me the steps" (action_id show_steps) is answered by the catalog actions, with the search buttons.
  app.action<BlockButtonAction>(ACTION_REMIND_ME, async ({ ack, action, body, respond }) => {
    await ack();
    await respond(asEphemeral(await remindMe(deps, action, body)));
  });
}
