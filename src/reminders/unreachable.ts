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
): number {
  const { store } = deps;
  return store.transaction(() => {
    const waiting = store.reminders
      .statesForUser(input.userId)
      .filter((s) => s.teamId === input.teamId && (s.state === "pending" || s.state === "snoozed"))
      .filter((s) => store.reminders.getCampaign(s.campaignId)?.status === "open");
    let stopped = 0;
    for (const s of waiting) {
      const patch = { state: "unreachable", nextAt: null, snoozedUntil: null } as const;
      if (store.reminders.transition(s.id, s.state, patch, input.now)) stopped += 1;
    }
    const cancelled = cancelMessagesTo(store, input.userId, input.now);
    if (stopped || cancelled) {
      store.audit.record({
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
  (row: { teamId: string; channelId: string }, error: string, now: Date): void => {
    markUnreachable(deps, { teamId: row.teamId, userId: row.channelId, error, now });
  };
