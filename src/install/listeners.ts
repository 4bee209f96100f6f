import type { AnyMiddlewareArgs, App, Context } from "@slack/bolt";
import type { Logger } from "@slack/logger";
import { z } from "zod";
import { errorReply } from "../commands/index.js";
import type { Listeners } from "../listeners/index.js";
import type { SlackApi } from "../slack/index.js";
import { inWorkspace } from "./scope.js";
import type { Workspaces } from "./workspaces.js";

/**
 * Distributed mode's Bolt wiring: a global middleware that answers requests from a workspace without an
 * installation (uninstalled, never installed) politely and runs every other request inside its
 * workspace's scope; and the two events that end an installation (docs.slack.dev/reference/events/
 * app_uninstalled, …/tokens_revoked). Bolt skips `authorize` for those two events, so they arrive without
 * a token, and after them the tokens are dead.
 */

const ENDING_EVENTS = new Set(["app_uninstalled", "tokens_revoked"]);

const Envelope = z.object({
  team_id: z.string().optional(),
  enterprise_id: z.string().nullish(),
  is_enterprise_install: z.boolean().optional(),
  event: z
    .object({
      type: z.string(),
      tokens: z
        .object({ bot: z.array(z.string()).optional() })
        .loose()
        .optional(),
    })
    .loose(),
});

export interface InstallListenerOptions {
  workspaces: Workspaces;
  /** The read API for one workspace's token (cached by the caller). */
  slackFor(token: string): SlackApi;
  logger: Logger;
  /** Shown in the "not installed" answer, when the bot has a public address. */
  installUrl?: string | undefined;
}

export function notInstalledText(installUrl: string | undefined): string {
  return `ai-privacy-bot is not installed in this workspace any more, so I can't answer here. A workspace admin can install it again${installUrl ? ` from ${installUrl}` : " from the app's install page"}.`;
}

export function registerInstallListeners(
  app: App,
  listeners: Listeners,
  options: InstallListenerOptions,
): void {
  const { workspaces, logger } = options;

  app.use(async (args) => {
    const { context, next, body } = args as AnyMiddlewareArgs & {
      context: Context;
      next: () => Promise<void>;
    };
    const eventType = (body as { event?: { type?: string } }).event?.type;
    if (eventType && ENDING_EVENTS.has(eventType)) return next();
    const token = context.botToken;
    const teamId = context.teamId ?? context.enterpriseId;
    if (!token || !teamId) {
      const ack = (args as { ack?: (response?: unknown) => Promise<void> }).ack;
      const isCommand = typeof (body as { command?: unknown }).command === "string";
      const reply = errorReply(notInstalledText(options.installUrl));
      logger.info(
        `request from ${teamId ?? "an unknown workspace"} without an installation: answered, not handled`,
      );
      if (ack)
        await ack(
          isCommand ? { response_type: "ephemeral", text: reply.text, blocks: reply.blocks } : undefined,
        );
      return;
    }
    await inWorkspace({ teamId, slack: options.slackFor(token) }, next);
  });

  const end = async (body: unknown, what: string) => {
    const parsed = Envelope.safeParse(body);
    if (!parsed.success) {
      logger.warn(`${what}: an envelope without team or event; ignored`);
      return;
    }
    const e = parsed.data;
    if (e.event.type === "tokens_revoked" && !(e.event.tokens?.bot ?? []).length) return; // user tokens only
    try {
      await workspaces.uninstall({
        teamId: e.team_id,
        enterpriseId: e.enterprise_id ?? undefined,
        isEnterpriseInstall: e.is_enterprise_install === true,
      });
    } catch (err) {
      logger.error(`${what}: removing the workspace's data failed: ${(err as Error).message}`);
    }
  };
  listeners.event("app_uninstalled", async ({ body }) => end(body, "app_uninstalled"));
  listeners.event("tokens_revoked", async ({ body }) => end(body, "tokens_revoked"));
}
