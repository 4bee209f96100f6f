/**
 * Every idempotency key format, in one place. A key names one decision ("this message, to this channel,
 * for this reason"): the outbox stores it UNIQUE, so taking the same decision twice adds nothing, and the
 * deliverer writes it into the message metadata so a crash between Slack's `ok` and our commit is found
 * in the channel's history instead of posted twice. Changing a format re-sends every message already
 * decided under the old one: add a new kind instead.
 */
export const keys = {
  /** A deadline announcement: event (`providerId/eventId`), lead time in days, channel. */
  deadline: (eventKey: string, lead: number, channelId: string) =>
    `deadline:${eventKey}:${lead}:${channelId}`,
  catalog: (providerId: string, fromHash: string, toHash: string, channelId: string) =>
    `catalog:${providerId}:${fromHash}-${toHash}:${channelId}`,
  /** One notice per pause of a subscription (pausing is a no-op while it is paused). */
  pausedNotice: (subscriptionId: number, pausedAt: Date) =>
    `notice:paused:${subscriptionId}:${pausedAt.getTime()}`,
  failedNotice: (rowKey: string) => `notice:failed:${rowKey}`,
  /** The weekly operator notice of stale catalog entries: the ISO week's Monday, the ops channel. */
  staleNotice: (weekMonday: string, channelId: string) => `notice:stale:${weekMonday}:${channelId}`,
  personalReminder: (userId: string, providerId: string, day: string) =>
    `remind-me:${userId}:${providerId}:${day}`,
  /** A policy document changed (first 16 hex of the new text's hash) — the announcement, then its diff replies. */
  policyChange: (documentId: string, hash: string, channelId: string) =>
    `change:${documentId}:${hash.slice(0, 16)}:${channelId}`,
  policyChangeDiff: (documentId: string, hash: string, channelId: string, n: number) =>
    `change-diff:${documentId}:${hash.slice(0, 16)}:${channelId}:${n}`,
  /** One notice per outage of a document (`since` = its first failure), and one when it recovers. */
  documentUnreadable: (documentId: string, since: Date, recipient: string) =>
    `doc-unreadable:${documentId}:${since.getTime()}:${recipient}`,
  documentReadable: (documentId: string, since: Date, recipient: string) =>
    `doc-readable:${documentId}:${since.getTime()}:${recipient}`,
  /** One "link may be broken" notice per breakage and recipient, and one when the link works again. */
  linkBroken: (providerId: string, url: string, since: Date, recipient: string) =>
    `link-broken:${providerId}:${since.getTime()}:${recipient}:${url}`,
  linkRecovered: (providerId: string, url: string, since: Date, recipient: string) =>
    `link-ok:${providerId}:${since.getTime()}:${recipient}:${url}`,
  /** The n-th reminder DM of one person's reminder state. */
  reminder: (stateId: number, n: number) => `reminder:${stateId}:${n}`,
  /** "Please check again" after a change, once per state and change (`changeHash` is a short hash of it). */
  reminderRecheck: (stateId: number, changeHash: string) => `reminder-recheck:${stateId}:${changeHash}`,
  /** "Some reminders of this campaign could not be built", once per campaign. */
  reminderRenderNotice: (campaignId: number) => `notice:reminder-render:${campaignId}`,
  /** The lead's "who has not answered yet" DM, ESCALATE_DAYS before the deadline: once per campaign. */
  escalation: (campaignId: number) => `escalation:${campaignId}`,
  /** "Nudge them now": one extra reminder per person and campaign, however often the lead presses it. */
  escalationNudge: (stateId: number) => `escalation-nudge:${stateId}`,
  reminderClosing: (campaignId: number) => `reminder-closing:${campaignId}`,
  reminderDigest: (campaignId: number, week: number) => `reminder-digest:${campaignId}:${week}`,
} as const;
