import { z } from "zod";
import type { AppDeps } from "../../deps.js";
import { buildHome, dateMicros, onChannelMembership, slackTsMicros } from "../../reminders/index.js";
import type { Listeners } from "../router.js";

/** The app_home_opened fields the Home tab relies on. */
const HomeOpened = z.object({ user: z.string().min(1), tab: z.string().optional() });
const Envelope = z.object({ team_id: z.string().min(1) });
/** member_joined_channel / member_left_channel (docs.slack.dev/reference/events/member_joined_channel). */
const Membership = z.object({
  user: z.string().min(1),
  channel: z.string().min(1),
  event_ts: z.string().optional(),
});
const MembershipEnvelope = z.object({ team_id: z.string().min(1), event_time: z.number().optional() });

export function register(app: Listeners, deps: AppDeps): void {
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

  // Campaigns following a channel: joiners are asked, leavers stop getting reminders. Slack's time for the
  // event orders the facts, so a retry (X-Slack-Retry-Num) or a late delivery never undoes a newer one.
  for (const [type, joined] of [
    ["member_joined_channel", true],
    ["member_left_channel", false],
  ] as const) {
    app.event(type, async ({ event, body }) => {
      const member = Membership.safeParse(event);
      const envelope = MembershipEnvelope.safeParse(body);
      if (!member.success || !envelope.success) return;
      const now = deps.now();
      const seenUs =
        (member.data.event_ts ? slackTsMicros(member.data.event_ts) : undefined) ??
        (envelope.data.event_time ? envelope.data.event_time * 1_000_000 : dateMicros(now));
      try {
        await onChannelMembership(deps, {
          teamId: envelope.data.team_id,
          channelId: member.data.channel,
          userId: member.data.user,
          joined,
          seenUs,
          now,
        });
      } catch (err) {
        deps.logger.error(`${type} failed: ${(err as Error).message}`);
      }
    });
  }
}
