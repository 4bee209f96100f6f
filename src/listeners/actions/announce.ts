import type { App, BlockButtonAction } from "@slack/bolt";
import { z } from "zod";
import { ACTION_REMIND_ME, ACTION_SHOW_STEPS, scheduleRemindMe } from "../../announce/index.js";
import { escapeMrkdwn } from "../../blocks/mrkdwn.js";
import { providerReply } from "../../commands/handlers/catalog.js";
import { errorReply, textReply } from "../../commands/index.js";
import type { Reply } from "../../commands/types.js";
import type { AppDeps } from "../../deps.js";

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

const isTimeZone = (tz: string | undefined): tz is string => {
  if (!tz) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
};

/** "Remind me": one DM the next working morning in the clicker's own time zone. Idempotent per day. */
async function remindMe(deps: AppDeps, action: unknown, body: unknown): Promise<Reply> {
  const parsed = Click.safeParse({ action, body });
  if (!parsed.success) return errorReply("I couldn't read that button.");
  const provider = deps.catalog.byId(parsed.data.action.value);
  if (!provider) return errorReply("That service is no longer in the catalog.");
  const userId = parsed.data.body.user.id;
  const tz = (await deps.slack.userInfo(userId).catch(() => undefined))?.tz;
  const result = scheduleRemindMe(deps.store, {
    teamId: parsed.data.body.team?.id ?? "",
    userId,
    provider,
    timeZone: isTimeZone(tz) ? tz : deps.config.DEFAULT_TIMEZONE,
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

export function registerAnnounceActions(app: App, deps: AppDeps): void {
  app.action<BlockButtonAction>(ACTION_SHOW_STEPS, async ({ ack, action, respond }) => {
    await ack();
    const parsed = z.object({ value: z.string().min(1).max(64) }).safeParse(action);
    const provider = parsed.success ? deps.catalog.byId(parsed.data.value) : undefined;
    const reply = provider
      ? providerReply(provider, deps.now().toISOString().slice(0, 10), deps, false)
      : errorReply("That service is no longer in the catalog. Try `/ai-privacy list`.");
    await respond(asEphemeral(reply));
  });

  app.action<BlockButtonAction>(ACTION_REMIND_ME, async ({ ack, action, body, respond }) => {
    await ack();
    await respond(asEphemeral(await remindMe(deps, action, body)));
  });
}
