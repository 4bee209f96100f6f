/** Repositories for the core tables. Plain data in and out; no SQL leaves store/. Times are Date objects. */

export type SubscriptionKind = "deadlines" | "changes" | "catalog" | "regulation";
export const SUBSCRIPTION_KINDS: readonly SubscriptionKind[] = [
  "deadlines",
  "changes",
  "catalog",
  "regulation",
];
/** What a plain `subscribe` gets: regulatory dates are opt-in, so provider deadlines stay uncluttered. */
export const DEFAULT_SUBSCRIPTION_KINDS: readonly SubscriptionKind[] = ["deadlines", "changes", "catalog"];

export interface Subscription {
  id: number;
  teamId: string;
  channelId: string;
  /** A provider id, or "*" for every provider. */
  providerId: string;
  kinds: SubscriptionKind[];
  createdBy: string;
  createdAt: Date;
  pausedAt: Date | null;
  pausedReason: string | null;
}

export interface SubscriptionRepository {
  /** Adds or widens (kinds are unioned) a subscription; un-pauses it. Returns the stored row. */
  upsert(input: {
    teamId: string;
    channelId: string;
    providerId: string;
    kinds: SubscriptionKind[];
    createdBy: string;
    now: Date;
  }): Promise<Subscription>;
  /** Removes the channel's subscriptions to these providers ("*" row included when providerIds is "all"). */
  remove(teamId: string, channelId: string, providerIds: string[] | "all"): Promise<number>;
  listForChannel(teamId: string, channelId: string): Promise<Subscription[]>;
  /** Active (unpaused) subscriptions whose filter includes the provider and the kind. */
  activeFor(providerId: string, kind: SubscriptionKind): Promise<Subscription[]>;
  listAll(): Promise<Subscription[]>;
  pause(id: number, reason: string, now: Date): Promise<void>;
  get(id: number): Promise<Subscription | undefined>;
}

export type OutboxStatus = "pending" | "sending" | "sent" | "failed" | "cancelled";

export interface OutboxPayload {
  text: string;
  blocks?: unknown[];
  /** Slack message metadata (event_type + payload), used to recognise our own posts after a crash. */
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
  unfurl_links?: boolean;
}

export interface NewOutboxMessage {
  /** Idempotency key, e.g. `deadline:<event>:<lead>:<channel>`. Enqueueing a known key is a no-op. */
  key: string;
  kind: string;
  teamId: string;
  /** A channel ID, or a user ID to reach that person's DM with the app. */
  channelId: string;
  payload: OutboxPayload;
  /** Key of the message this one is a thread reply to; delivered only after that one is sent. */
  threadOf?: string;
  notifyUserId?: string;
  subscriptionId?: number;
  /** Earliest delivery time (defaults to now). */
  notBefore?: Date;
}

export interface OutboxRow
  extends Required<Omit<NewOutboxMessage, "threadOf" | "notifyUserId" | "subscriptionId" | "notBefore">> {
  id: number;
  threadOf: string | null;
  notifyUserId: string | null;
  subscriptionId: number | null;
  status: OutboxStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  /** The last attempt may have reached Slack (timeout, 5xx, crash while sending): check history before re-posting. */
  maybePosted: boolean;
  postedTs: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The state a delivery read (`pending`) or claimed (`sending`, attempts already counted) a row in. A write
 * naming it applies only while the row is still in it, so a stale copy (a due query's answer that arrived
 * after a lane posted the row, a lane of an instance that has since lost the row's partition) never moves
 * a row another delivery owns: never brings a sent row back to pending, never clears its maybe-posted.
 */
export interface OutboxRowVersion {
  status: "pending" | "sending";
  attempts: number;
}

export interface OutboxRepository {
  /** Inserts unless the key exists. Returns true when a new row was written. */
  enqueue(message: NewOutboxMessage, now: Date): Promise<boolean>;
  /**
   * `enqueue` for many messages, in as few statements as the database takes (a campaign enqueues thousands
   * in one transaction, and a statement each was a round trip each on PostgreSQL). Returns the keys of the
   * rows newly written; known keys are skipped.
   */
  enqueueMany(messages: readonly NewOutboxMessage[], now: Date): Promise<Set<string>>;
  get(key: string): Promise<OutboxRow | undefined>;
  /**
   * Pending rows whose time has come, oldest first; thread replies only once their parent is sent.
   * With `teamId`, only that workspace's rows (a delivery partition).
   */
  due(now: Date, limit: number, teamId?: string): Promise<OutboxRow[]>;
  /** Workspaces with rows due now or left in `sending`: what the delivery partitions are asked about. */
  teamsWithWork(now: Date): Promise<string[]>;
  /**
   * Claims a row for one post: pending → sending, attempts + 1, but only while it is still pending at
   * `attempts`, the count it was read with. False when anything took or changed it since that read (a
   * lane that posted it meanwhile, another instance, a recovery): the reader's copy is stale and must not
   * be posted, or its history check skipped on an out-of-date `maybePosted`.
   */
  markSending(id: number, attempts: number, now: Date): Promise<boolean>;
  /** Slack has the message: recorded whatever state the row is in (a fact, even from a stale copy). */
  markSent(id: number, postedTs: string, now: Date): Promise<void>;
  /**
   * Back to pending until `nextAttemptAt`, only while the row is still `from` (the state its writer read
   * or claimed it in); false, and nothing written, when it moved on since (sent, claimed by another
   * delivery, recovered). `maybePosted`: this attempt may have reached Slack. From `sending` the flag is
   * this attempt's verdict; from `pending` (a row deferred without being posted) it is only ever raised,
   * since an earlier attempt that may have reached Slack is still unchecked.
   */
  markRetry(
    id: number,
    from: OutboxRowVersion,
    error: string,
    nextAttemptAt: Date,
    now: Date,
    maybePosted?: boolean,
  ): Promise<boolean>;
  /** Failed for good, only while the row is still `from` (as markRetry); false when it moved on. */
  markFailed(id: number, from: OutboxRowVersion, error: string, now: Date): Promise<boolean>;
  /**
   * Rows left in 'sending' by a crash go back to 'pending', marked maybe posted with last_error
   * `interrupted while sending` (the deliverer checks the channel's history before re-posting such rows).
   * With `teamId`, only that workspace's rows (the instance taking over its delivery partition). With
   * `settleMs`, a row marked `sending` less than that long ago is not retried before `now + settleMs`: its
   * post may still be in flight from the previous holder, and the history check must come after it lands.
   */
  recoverInterrupted(now: Date, teamId?: string, settleMs?: number): Promise<number>;
  list(filter: { status?: OutboxStatus; limit?: number }): Promise<OutboxRow[]>;
  /**
   * The workspace's rows addressed to a person (their DM) or naming them as the one to tell about a
   * failure, newest first. Scoped by workspace: an Enterprise Grid user ID is the same in every workspace
   * of the organisation (docs.slack.dev/enterprise-grid), and each workspace's data is its own.
   */
  forPerson(teamId: string, userId: string): Promise<OutboxRow[]>;
  counts(): Promise<Record<OutboxStatus, number>>;
  /** Drops the workspace's pending rows addressed to this user (forget-me, person gone). */
  cancelForRecipient(teamId: string, channelId: string, now: Date): Promise<number>;
  /**
   * Deletes sent, failed and cancelled rows last touched before `before`. Their idempotency keys go with
   * them, so callers must only pass a horizon after which nothing can decide the same key again.
   */
  purgeFinishedBefore(before: Date): Promise<number>;
  /** Withdraws one pending row (e.g. its channel unsubscribed); the reason is kept in last_error. */
  cancel(id: number, reason: string, now: Date): Promise<void>;
}

export interface AuditEntry {
  at: Date;
  teamId: string;
  actorId: string;
  action: string;
  detail: Record<string, unknown>;
}

export interface AuditRepository {
  record(entry: AuditEntry): Promise<void>;
  list(teamId: string, limit: number): Promise<AuditEntry[]>;
  /** The workspace's entries by this actor (my-data). */
  forActor(teamId: string, actorId: string): Promise<AuditEntry[]>;
  /** A team's entries with one of these actions at or after `since`, oldest first (a campaign's evidence). */
  forActions(teamId: string, actions: readonly string[], since: Date): Promise<AuditEntry[]>;
  /**
   * Replaces the actor with an anonymous marker in the workspace's entries (forget-me keeps the fact that
   * an action happened).
   */
  anonymiseActor(teamId: string, actorId: string): Promise<number>;
}

/** Small named state (catalog snapshot, last run times), JSON values. */
export interface KeyValueRepository {
  get<T>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown, now: Date): Promise<void>;
  delete(key: string): Promise<void>;
}
