import type { App } from "@slack/bolt";
import { z } from "zod";
import type { AppDeps } from "../../deps.js";
import { buildHome } from "../../reminders/index.js";

/** The app_home_opened fields the Home tab relies on. */
const HomeOpened = z.object({ user: z.string().min(1), tab: z.string().optional() });
const Envelope = z.object({ team_id: z.string().min(1) });

export function register(app: App, deps: AppDeps): void {
  // The Home tab: the person's checklist and, for leads, their campaigns (views.publish on every open).
  app.event("app_home_opened", async ({ event, body }) => {
    const opened = HomeOpened.safeParse(event);
    const envelope = Envelope.safeParse(body);
    if (!opened.success || !envelope.success || (opened.data.tab ?? "home") !== "home") return;
    try {
      const view = await buildHome(deps, { teamId: envelope.data.team_id, userId: opened.data.user });
      await deps.slack.publishHome(opened.data.user, view);
    } catch (err) {
      deps.logger.error(`app_home_opened failed: ${(err as Error).message}`);
    }
  });
}
