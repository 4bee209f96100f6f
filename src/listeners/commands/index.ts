import { z } from "zod";
import type { Reply } from "../../commands/index.js";
import { errorReply, handleCommand, parseCommand } from "../../commands/index.js";
import type { AppDeps } from "../../deps.js";
import { apology } from "../apology.js";
import type { Listeners } from "../router.js";

/** Slack wants an answer within 3 s; a handler still running at this point answers through response_url. */
const ACK_BUDGET_MS = 2000;

const SlashCommandFields = z.object({
  text: z.string().default(""),
  user_id: z.string().min(1),
  channel_id: z.string().min(1),
  team_id: z.string().min(1),
});

const asResponse = (reply: Reply) => ({
  response_type: reply.responseType,
  text: reply.text,
  blocks: reply.blocks,
});

/**
 * A reply's JSON, kept per blocks array: cached answers (commands/handlers/catalog.ts) hand out the same
 * array for every asker, so an 8–12 KB answer is serialized once instead of by Bolt at every command
 * (~7 % of a command's CPU in a profile of bench/commands.mjs at c=50). Kept with the fields it was made from,
 * so a blocks array reused with another text or response type is serialized afresh.
 */
const serialized = new WeakMap<Reply["blocks"], { text: string; responseType: string; json: string }>();

function asJson(reply: Reply): string {
  const known = serialized.get(reply.blocks);
  if (known && known.text === reply.text && known.responseType === reply.responseType) return known.json;
  const json = JSON.stringify(asResponse(reply));
  serialized.set(reply.blocks, { text: reply.text, responseType: reply.responseType, json });
  return json;
}

export function register(app: Listeners, deps: AppDeps): void {
  // Over HTTP the answer goes as JSON text (the server marks it application/json, src/http/server.ts);
  // Socket Mode wraps an acknowledgement in its envelope as an object, so it gets the object.
  const answer = deps.config.SLACK_APP_TOKEN ? asResponse : asJson;
  app.command("/ai-privacy", async ({ command, ack, respond }) => {
    const fields = SlashCommandFields.safeParse(command);
    if (!fields.success) {
      await ack(asResponse(errorReply("Slack sent a command I couldn't read. Please try again.")));
      return;
    }
    const { text, user_id, channel_id, team_id } = fields.data;
    const request = { teamId: team_id, userId: user_id, channelId: channel_id, now: deps.now() };
    const work = handleCommand(parseCommand(text), request, deps).catch((err: Error) => {
      deps.logger.error(`/ai-privacy failed: ${err.message}`);
      return errorReply(apology(err));
    });
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<"late">((resolve) => {
      timer = setTimeout(() => resolve("late"), ACK_BUDGET_MS);
    });
    const first = await Promise.race([work, budget]);
    clearTimeout(timer);
    if (first !== "late") {
      await ack(answer(first));
      return;
    }
    await ack({ response_type: "ephemeral", text: "Working on it…" });
    await respond({ ...asResponse(await work), replace_original: true });
  });
}
