import type { OutboxRow, Store } from "../store/index.js";

/**
 * The outbox as the features above it may read or change it: through these functions, never
 * `store.outbox` directly, so the row's shape and states stay this folder's business.
 */

/** The row a key names, if that decision was taken. */
export const findMessage = (store: Pick<Store, "outbox">, key: string): Promise<OutboxRow | undefined> =>
  store.outbox.get(key);

/** Withdraws the message a key names while it still waits (its decision was taken back); whether it did. */
export async function withdrawMessage(
  store: Pick<Store, "outbox">,
  key: string,
  reason: string,
  now: Date,
): Promise<boolean> {
  const row = await store.outbox.get(key);
  if (row?.status !== "pending") return false;
  await store.outbox.cancel(row.id, reason, now);
  return true;
}

/** Every message of this workspace addressed to this person (my-data). */
export const messagesForPerson = (
  store: Pick<Store, "outbox">,
  teamId: string,
  userId: string,
): Promise<OutboxRow[]> => store.outbox.forPerson(teamId, userId);

/** Cancels whatever is still waiting in this workspace to go to this person (forget-me); how many rows. */
export const cancelMessagesTo = (
  store: Pick<Store, "outbox">,
  teamId: string,
  userId: string,
  now: Date,
): Promise<number> => store.outbox.cancelForRecipient(teamId, userId, now);
