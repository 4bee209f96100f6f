import { assertMessageFits } from "../blocks/index.js";
import type { NewOutboxMessage, OutboxPayload, Store } from "../store/index.js";

/**
 * The one way bot-initiated messages enter the outbox. Every message is checked against Block Kit limits
 * before it is stored (a message Slack would reject must fail where it was decided, not at 3 a.m. in the
 * deliverer), and is stamped with message metadata carrying its idempotency key so that, after a crash
 * between Slack's `ok` and our commit, the deliverer can find it in the channel's history instead of posting
 * it twice.
 */
export const METADATA_EVENT_TYPE = "ai_privacy_announcement";

/** Adds the idempotency key to the message metadata (keeping an event_type the caller chose). */
export function withMetadata(key: string, payload: OutboxPayload): OutboxPayload {
  return {
    ...payload,
    metadata: {
      event_type: payload.metadata?.event_type ?? METADATA_EVENT_TYPE,
      event_payload: { ...(payload.metadata?.event_payload ?? {}), key },
    },
  };
}

/** The idempotency key found in a posted message's metadata, if it carries one. */
export function keyFromMetadata(metadata: unknown): string | undefined {
  if (!metadata || typeof metadata !== "object") return undefined;
  const m = metadata as { event_payload?: { key?: unknown } };
  return typeof m.event_payload?.key === "string" ? m.event_payload.key : undefined;
}

/**
 * Validates and enqueues. Returns true when a new row was written, false when the key was already known
 * (the decision was taken before: nothing to do). Throws `BlockLimitError` for a message Slack would refuse.
 * Call inside `store.transaction` together with the state change that decided it.
 */
export function enqueueMessage(
  store: Store,
  message: NewOutboxMessage,
  now: Date,
  options: { validate?: boolean } = {},
): Promise<boolean> {
  // A batch of messages of one shape may skip the check after its first message passed it (reminders).
  if (options.validate !== false) assertMessageFits(message.payload);
  return store.outbox.enqueue({ ...message, payload: withMetadata(message.key, message.payload) }, now);
}

/**
 * `enqueueMessage` for a batch decided together (one transaction's reminders): checked and stamped alike,
 * written in as few statements as the store takes. Returns the keys newly written.
 */
export function enqueueMessages(
  store: Store,
  messages: readonly NewOutboxMessage[],
  now: Date,
  options: { validate?: boolean } = {},
): Promise<Set<string>> {
  if (options.validate !== false) for (const m of messages) assertMessageFits(m.payload);
  return store.outbox.enqueueMany(
    messages.map((m) => ({ ...m, payload: withMetadata(m.key, m.payload) })),
    now,
  );
}
