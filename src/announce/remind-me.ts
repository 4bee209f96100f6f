import { enqueueMessage, findMessage, keys } from "../outbox/index.js";
import type { Store } from "../store/index.js";
import { localDateOf, nextWorkingMorning } from "../time/index.js";
import { personalReminderMessage } from "./messages.js";

export interface RemindMeInput {
  teamId: string;
  userId: string;
  provider: { id: string; name: string };
  /** The person's own zone (users.info tz), else DEFAULT_TIMEZONE. */
  timeZone: string;
  now: Date;
}

/**
 * "Remind me" on an announcement: one DM the next working morning (09:30 in the person's zone, the same
 * morning a reminder's "Remind me later" picks), through
 * the outbox. Keyed per person, provider and day, so double clicks and Slack retries add nothing.
 */
export async function scheduleRemindMe(
  store: Store,
  input: RemindMeInput,
): Promise<{ created: boolean; at: Date; key: string }> {
  const at = nextWorkingMorning(input.now, input.timeZone);
  const key = keys.personalReminder(input.userId, input.provider.id, localDateOf(at, input.timeZone));
  const created = await store.transaction((tx) =>
    enqueueMessage(
      tx,
      {
        key,
        kind: "remind-me",
        teamId: input.teamId,
        channelId: input.userId,
        payload: personalReminderMessage(input.provider),
        notBefore: at,
      },
      input.now,
    ),
  );
  return { created, at: created ? at : ((await findMessage(store, key))?.nextAttemptAt ?? at), key };
}
