import type { ChangeObject } from "diff";
import type { PolicyDocument, Provider } from "../catalog/index.js";
import { enqueueMessage, keys } from "../outbox/index.js";
import type { DocumentState, DocumentVersion, Store } from "../store/index.js";
import type { RawCopy } from "./analyze.js";
import type { CheckResult, PolicyCheckOptions } from "./check.js";
import { diffLinesWithContext } from "./diff.js";
import type { Highlight } from "./highlights.js";
import {
  changeAnnouncementMessage,
  type DocumentRef,
  diffReplyMessages,
  failureNoticeMessage,
  recoveryNoticeMessage,
} from "./messages.js";

/**
 * The write side of a check. Each function runs inside the caller's transaction (or opens its own), so a
 * document's new state and the messages it calls for are committed together or not at all; idempotency
 * keys make a re-run after a crash a no-op.
 */

export interface Notices {
  ctx: Pick<
    PolicyCheckOptions,
    "store" | "teamIdFor" | "opsChannelId" | "leadsToNotify" | "failureThreshold" | "changeUrl"
  >;
  provider: Provider;
  document: PolicyDocument;
}

/** The monitor's key formats, which live with every other in outbox/keys.ts. */
export const messageKeys = {
  change: keys.policyChange,
  changeDiff: keys.policyChangeDiff,
  unreadable: keys.documentUnreadable,
  readable: keys.documentReadable,
} as const;

/** The same notices, writing through the open transaction `tx`. */
export const within = (notices: Notices, tx: Store): Notices => ({
  ...notices,
  ctx: { ...notices.ctx, store: tx },
});

function refOf({ provider, document }: Notices): DocumentRef {
  return {
    providerId: provider.id,
    providerName: provider.name,
    documentId: document.id,
    documentTitle: document.title,
    url: document.url,
  };
}

interface Recipient {
  teamId: string;
  channelId: string;
  subscriptionId?: number;
}

/** Who hears that a document cannot be read: the ops channel, else the subscribers' creators and leads, by DM. */
async function leadRecipients({ ctx, provider }: Notices): Promise<Recipient[]> {
  const { store } = ctx;
  const subscriptions = await store.subscriptions.activeFor(provider.id, "changes");
  const fallbackTeam = subscriptions[0]?.teamId ?? (await store.subscriptions.listAll())[0]?.teamId ?? "";
  const teamOf = (id: string) => ctx.teamIdFor?.(id) ?? fallbackTeam;
  if (ctx.opsChannelId) return [{ teamId: teamOf(ctx.opsChannelId), channelId: ctx.opsChannelId }];
  const byUser = new Map<string, Recipient>();
  for (const s of subscriptions) {
    if (!byUser.has(s.createdBy))
      byUser.set(s.createdBy, { teamId: s.teamId, channelId: s.createdBy, subscriptionId: s.id });
  }
  for (const user of ctx.leadsToNotify ?? []) {
    if (!byUser.has(user)) byUser.set(user, { teamId: teamOf(user), channelId: user });
  }
  return [...byUser.values()];
}

/** A failed check: why, and whether it may go away by itself (fetch-failure.ts decides for fetches). */
export interface CheckFailure {
  readonly reason: string;
  readonly mayBeTransient: boolean;
}

/**
 * One failed check. The "can't read" notice goes out once per outage: at once for a failure that will not
 * fix itself (a 404, a refused redirect), after `failureThreshold` consecutive failures for one that may
 * (a timeout, a 503), so a host's bad minute never pages anyone.
 */
export async function recordFailure(
  notices: Notices,
  state: DocumentState,
  failure: CheckFailure,
  rulesKey: string,
  now: Date,
  raw?: RawCopy,
): Promise<CheckResult> {
  const { store } = notices.ctx;
  const { reason, mayBeTransient } = failure;
  const threshold = notices.ctx.failureThreshold ?? 3;
  const failures = state.failures + 1;
  const since = state.failingSince ?? now;
  const notify = !state.notifiedFailure && (failures >= threshold || !mayBeTransient);
  await store.transaction(async (tx) => {
    // The page that failed is kept: a selector fixed later is tried on it before any new fetch.
    if (raw) await tx.documents.saveRawPage({ documentId: state.documentId, ...raw, fetchedAt: now });
    if (notify) {
      const payload = failureNoticeMessage({
        ...refOf(notices),
        error: reason,
        mayBeTransient,
        failures,
        since,
        needsBrowser: notices.document.needsBrowser,
      });
      for (const r of await leadRecipients(within(notices, tx))) {
        await enqueueMessage(
          tx,
          {
            key: messageKeys.unreadable(state.documentId, since, r.channelId),
            kind: "monitor-unreadable",
            ...r,
            payload,
          },
          now,
        );
      }
    }
    await tx.documents.saveState({
      ...state,
      // Without a stored copy, a 304 next time would leave nothing to extract: ask for the full page.
      ...(raw || state.rawHash ? {} : { etag: null, lastModified: null }),
      rulesKey: state.rulesKey ?? rulesKey,
      failures,
      failingSince: since,
      lastError: reason,
      failureMayBeTransient: mayBeTransient,
      notifiedFailure: state.notifiedFailure || notify,
      lastStatus: "failed",
      lastCheckedAt: now,
    });
  });
  return {
    providerId: state.providerId,
    documentId: state.documentId,
    status: "failed",
    highlights: [],
    error: reason,
    mayBeTransient,
  };
}

/** One "readable again" note, only for an outage that was announced. Call inside a transaction. */
export async function recordRecovery(notices: Notices, failing: DocumentState, now: Date): Promise<void> {
  if (!failing.notifiedFailure || !failing.failingSince) return;
  const since = failing.failingSince;
  const payload = recoveryNoticeMessage({ ...refOf(notices), since, now });
  for (const r of await leadRecipients(notices)) {
    await enqueueMessage(
      notices.ctx.store,
      {
        key: messageKeys.readable(failing.documentId, since, r.channelId),
        kind: "monitor-readable",
        ...r,
        payload,
      },
      now,
    );
  }
}

export interface ReadableVersion {
  text: string;
  hash: string;
  rawHash: string;
  raw: RawCopy | undefined;
  /** The last readable version; undefined when this is the first one (a silent baseline). */
  previous: DocumentVersion | undefined;
  /** The line diff between `previous` and this text, already computed for the highlights. */
  changes: readonly ChangeObject<string>[];
  effectiveDate: string | undefined;
  highlights: Highlight[];
  now: Date;
}

/** A text differing from the baseline: a new version, announced unless this text was seen before. */
export async function recordChange(
  notices: Notices,
  state: DocumentState,
  v: ReadableVersion,
): Promise<CheckResult> {
  const { store } = notices.ctx;
  if (v.raw) await store.documents.saveRawPage({ documentId: state.documentId, ...v.raw, fetchedAt: v.now });
  const isBaseline = v.previous === undefined;
  const { version, seenBefore } = await store.documents.recordVersion(
    {
      documentId: state.documentId,
      providerId: state.providerId,
      hash: v.hash,
      rawHash: v.rawHash,
      text: v.text,
      effectiveDate: v.effectiveDate ?? null,
      baseline: isBaseline,
    },
    v.now,
  );
  const status = isBaseline ? "new" : "changed";
  if (!isBaseline && !seenBefore) await announce(notices, v, version);
  await store.documents.saveState({
    ...state,
    rawHash: v.rawHash,
    textHash: v.hash,
    versionId: version.id,
    lastStatus: status,
    lastCheckedAt: v.now,
  });
  return {
    providerId: state.providerId,
    documentId: state.documentId,
    status,
    highlights: v.highlights,
    ...(v.effectiveDate ? { effectiveDate: v.effectiveDate } : {}),
    versionId: version.id,
    ...(seenBefore && !isBaseline ? { seenBefore } : {}),
  };
}

async function announce(notices: Notices, v: ReadableVersion, version: DocumentVersion): Promise<void> {
  const { store } = notices.ctx;
  const { provider, document } = notices;
  if (document.carriesSteps) {
    await store.documents.flagForReview({
      providerId: provider.id,
      documentId: document.id,
      versionId: version.id,
      since: v.now,
    });
  }
  const ref = refOf(notices);
  const changeUrl = notices.ctx.changeUrl?.(version.id);
  // With a change page the thread stays empty: the page shows the whole diff, Slack shows the highlights.
  const lines = v.previous && !changeUrl ? diffLinesWithContext(v.previous.text, v.text, 1, v.changes) : [];
  const replies = diffReplyMessages(ref, lines);
  const message = changeAnnouncementMessage({
    ...ref,
    highlights: v.highlights,
    ...(v.effectiveDate ? { effectiveDate: v.effectiveDate } : {}),
    detectedAt: v.now,
    carriesSteps: document.carriesSteps,
    hasDiff: replies.length > 0,
    ...(changeUrl ? { changeUrl } : {}),
  });
  const channels = new Set<string>();
  for (const s of await store.subscriptions.activeFor(provider.id, "changes")) {
    if (channels.has(s.channelId)) continue;
    channels.add(s.channelId);
    const parentKey = messageKeys.change(document.id, v.hash, s.channelId);
    const common = {
      teamId: s.teamId,
      channelId: s.channelId,
      subscriptionId: s.id,
      notifyUserId: s.createdBy,
    };
    await enqueueMessage(
      store,
      { key: parentKey, kind: "policy-change", ...common, payload: message },
      v.now,
    );
    for (const [n, payload] of replies.entries()) {
      const key = messageKeys.changeDiff(document.id, v.hash, s.channelId, n + 1);
      await enqueueMessage(
        store,
        { key, kind: "policy-change-diff", ...common, threadOf: parentKey, payload },
        v.now,
      );
    }
  }
}
