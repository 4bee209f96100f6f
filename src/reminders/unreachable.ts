import { cancelMessagesTo } from "../outbox/index.js";
import type { ReminderDeps } from "./send.js";

/**
 * A person deactivated (or deleted) after a campaign started: at the first permanent "no such user" from
 * Slack, every unanswered state of theirs in an open campaign becomes `unreachable` (nothing planned), and
 * DMs still waiting for them are dropped, so they do not fail again every week (and the lead is not told
 * again every week). `status` counts them as unreachable (names for the campaign's own lead only), `my-data`
 * shows it, forget-me deletes it; the audit log records why the reminders stopped. An answer they give
 * later (reactivated) is taken like any other. Idempotent: a second call changes nothing.
 */
export function markUnreachable(
  deps: Pick<ReminderDeps, "store">,
  input: { teamId: string; userId: string; error: string; now: Date },
): Promise<number> {
  return deps.store.transaction(async (tx) => {
    // Only this workspace: the same Enterprise Grid user ID in another workspace is not gone there.
    const waiting = (await tx.reminders.statesForUser(input.teamId, input.userId)).filter(
      (s) => s.state === "pending" || s.state === "snoozed",
    );
    const open = new Set<number>();
    for (const id of new Set(waiting.map((s) => s.campaignId)))
      if ((await tx.reminders.getCampaign(id))?.status === "open") open.add(id);
    let stopped = 0;
    for (const s of waiting) {
      if (!open.has(s.campaignId)) continue;
      const patch = { state: "unreachable", nextAt: null, snoozedUntil: null } as const;
      if (await tx.reminders.transition(s.id, s.state, patch, input.now)) stopped += 1;
    }
    const cancelled = await cancelMessagesTo(tx, input.teamId, input.userId, input.now);
    if (stopped || cancelled) {
      await tx.audit.record({
        at: input.now,
        teamId: input.teamId,
        actorId: input.userId,
        action: "reminders.unreachable",
        detail: { error: input.error, stoppedReminders: stopped, cancelledMessages: cancelled },
      });
    }
    return stopped;
  });
}

/** The deliverer's `onRecipientGone` hook for reminders. */
export const recipientGoneHook =
  (deps: Pick<ReminderDeps, "store">) =>
  async (row: { teamId: string; channelId: string }, error: string, now: Date): Promise<void> => {
    await markUnreachable(deps, { teamId: row.teamId, userId: row.channelId, error, now });
  };
