import type { OutboxRow, OutboxRowVersion, Store } from "../store/index.js";
import { enqueueMessage } from "./enqueue.js";
import { keys } from "./keys.js";
import { failedNoticeMessage, pausedNoticeMessage } from "./notice-messages.js";

/**
 * A message that can never be delivered: the row is marked failed, the channel's subscription is paused
 * (when the channel itself is the problem), and the lead who set it up is told once — the notice is an
 * outbox row whose key names the pause, so repeated failures in that channel add nothing. One transaction.
 * Nothing happens when the row is no longer `from` (another delivery owns it now): false then.
 */
export function handlePermanentFailure(
  store: Store,
  row: OutboxRow,
  from: OutboxRowVersion,
  error: string,
  options: { pause: boolean; now: Date; opsChannelId?: string | undefined },
): Promise<boolean> {
  const { now } = options;
  return store.transaction(async (tx) => {
    if (!(await tx.outbox.markFailed(row.id, from, error, now))) return false;
    if (row.kind === "notice") return true; // never a notice about a notice
    const recipient =
      row.notifyUserId && row.notifyUserId !== row.channelId ? row.notifyUserId : options.opsChannelId;
    if (options.pause && row.subscriptionId !== null) {
      await tx.subscriptions.pause(row.subscriptionId, error, now);
      const sub = await tx.subscriptions.get(row.subscriptionId);
      if (!recipient || !sub?.pausedAt) return true;
      const what = sub.providerId === "*" ? "every provider" : sub.providerId;
      await enqueueMessage(
        tx,
        {
          key: keys.pausedNotice(sub.id, sub.pausedAt),
          kind: "notice",
          teamId: row.teamId,
          channelId: recipient,
          payload: pausedNoticeMessage(row.channelId, error, what),
        },
        now,
      );
      return true;
    }
    if (!recipient) return true;
    await enqueueMessage(
      tx,
      {
        key: keys.failedNotice(row.key),
        kind: "notice",
        teamId: row.teamId,
        channelId: recipient,
        payload: failedNoticeMessage(row.channelId, error, row.kind),
      },
      now,
    );
    return true;
  });
}
