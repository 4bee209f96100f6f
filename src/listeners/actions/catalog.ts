import type { BlockButtonAction } from "@slack/bolt";
import { z } from "zod";
import { ACTION_OPEN_CALENDAR } from "../../blocks/index.js";
import type { Reply } from "../../commands/index.js";
import { errorReply, providerReply } from "../../commands/index.js";
import type { AppDeps } from "../../deps.js";
import { ACTION_OPEN_CHANGE, ACTION_OPEN_DOCUMENT } from "../../monitor/index.js";
import { workspaceToday } from "../../time/index.js";
import type { Listeners } from "../router.js";

const ButtonValue = z.object({ value: z.string().min(1).max(64) });

async function replyFor(deps: AppDeps, providerId: string, shared: boolean): Promise<Reply> {
  const provider = deps.catalog.byId(providerId);
  if (!provider) return errorReply("That service is no longer in the catalog. Try `/ai-privacy list`.");
  return providerReply(provider, workspaceToday(deps.now(), deps.config), deps, shared);
}

export function registerCatalogActions(app: Listeners, deps: AppDeps): void {
  // Link buttons still send an action; acknowledging it keeps Slack from showing an error.
  for (const linkButton of [
    "open_settings",
    ACTION_OPEN_DOCUMENT,
    ACTION_OPEN_CHANGE,
    ACTION_OPEN_CALENDAR,
  ]) {
    app.action(linkButton, async ({ ack }) => {
      await ack();
    });
  }

  // "Show me the steps" on announcements and policy-change messages (show_steps), and the "did you mean" and
  // search buttons (show_steps:<id>, unique per message): answer the clicker privately with the steps.
  app.action<BlockButtonAction>(/^show_steps(:|$)/, async ({ ack, action, respond }) => {
    await ack();
    const parsed = ButtonValue.safeParse(action);
    const reply = parsed.success
      ? await replyFor(deps, parsed.data.value, false)
      : errorReply("I couldn't read that button.");
    await respond({
      response_type: "ephemeral",
      replace_original: false,
      text: reply.text,
      blocks: reply.blocks,
    });
  });

  // "Share in channel": post the same steps visibly, attributed to whoever shared them.
  app.action<BlockButtonAction>("share_steps", async ({ ack, action, body, respond }) => {
    await ack();
    const parsed = ButtonValue.safeParse(action);
    const reply = parsed.success
      ? await replyFor(deps, parsed.data.value, true)
      : errorReply("I couldn't read that button.");
    const sharedBy = {
      type: "context" as const,
      elements: [{ type: "mrkdwn" as const, text: `Shared by <@${body.user.id}>` }],
    };
    await respond({
      response_type: reply.responseType,
      replace_original: false,
      delete_original: false,
      text: reply.text,
      blocks: reply.responseType === "in_channel" ? [...reply.blocks.slice(0, 49), sharedBy] : reply.blocks,
    });
  });
}
