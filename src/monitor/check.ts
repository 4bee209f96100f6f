import type { Catalog, PolicyDocument, Provider } from "../catalog/index.js";
import type { Clock } from "../clock.js";
import type { DocumentState, Store } from "../store/index.js";
import type { Analysis, Analyzer, Comparer, Comparison, RawCopy } from "./analyze.js";
import { type ExtractionRules, rulesKey } from "./extract.js";
import { sharedExtractionPool } from "./extract-pool.js";
import type { Fetcher } from "./fetch.js";
import type { Highlight } from "./highlights.js";
import type { PageReader } from "./read-page.js";
import { readerOf } from "./read-pool.js";
import { sharedPageReader } from "./reader-process.js";
import {
  type CheckFailure,
  type Notices,
  recordChange,
  recordFailure,
  recordRecovery,
  within,
} from "./record.js";

/**
 * One policy check: fetch every catalog document, extract its text, compare it with the last readable
 * version, and record the outcome — state, version, raw page and every message it calls for — in one
 * transaction per document. Nothing here talks to Slack: announcements go to the outbox. Pages are fetched
 * and read in a process of their own (reader-process.ts); this side handles hashes, small results and the
 * store.
 */

export interface CheckResult {
  providerId: string;
  documentId: string;
  status: "new" | "unchanged" | "changed" | "failed";
  highlights: Highlight[];
  effectiveDate?: string;
  error?: string;
  /** For a failed check: whether the failure may go away by itself (fetch-failure.ts). */
  mayBeTransient?: boolean;
  versionId?: number;
  /** The text went back to a version seen before (a flip-flop): recorded, not announced again. */
  seenBefore?: boolean;
  /** The server answered 304 or sent the same bytes: nothing was extracted. */
  notModified?: boolean;
}

export interface PolicyCheckOptions {
  store: Store;
  catalog: Catalog;
  now: Date | Clock;
  /**
   * Fetches and reads each page; defaults to the shared page-reader process with the production limits
   * (reader-process.ts), where the page's bytes never reach this process.
   */
  reader?: PageReader;
  /** A fetcher on this thread instead (tests with canned pages); its pages are read with `analyze`. */
  fetcher?: Fetcher;
  providerId?: string;
  documentId?: string;
  /** Team of a channel or user that no subscription names (the ops channel, leads); default: the first subscription's team. */
  teamIdFor?: (channelOrUserId: string) => string | undefined;
  /** OPS_CHANNEL_ID: where "can't read" notices go; unset: DM the creators of the provider's subscriptions. */
  opsChannelId?: string;
  /** Extra user IDs (e.g. ADMIN_USER_IDS) to DM with "can't read" notices when there is no ops channel. */
  leadsToNotify?: readonly string[];
  /**
   * Consecutive failures before the one "can't read" notice, for failures that may be transient (fetch-
   * failure.ts); any other failure is reported at its first check.
   */
  failureThreshold?: number;
  /**
   * PUBLIC_URL's change page for a recorded version: announcements link to it ("See the whole change")
   * instead of posting the diff in the thread. Unset: the diff goes into the thread as before.
   */
  changeUrl?: (versionId: number) => string;
  /** Documents checked in parallel (the fetcher also limits requests per host). */
  concurrency?: number;
  /** Where pages are parsed and compared; defaults to the shared worker-thread pool (extract-pool.ts). */
  analyze?: Analyzer;
  /** Where a changed page is compared with its previous text; defaults to the shared pool too. */
  compare?: Comparer;
}

export const DEFAULT_FAILURE_THRESHOLD = 3;

export async function runPolicyCheck(options: PolicyCheckOptions): Promise<CheckResult[]> {
  const clock: Clock = typeof options.now === "function" ? options.now : () => options.now as Date;
  const analyze = options.analyze ?? sharedExtractionPool().analyze;
  const compare = options.compare ?? sharedExtractionPool().compare;
  const read = options.reader ?? (options.fetcher ? readerOf(options.fetcher, analyze) : sharedPageReader());
  const work = options.catalog.providers
    .filter((p) => !options.providerId || p.id === options.providerId)
    .flatMap((provider) => provider.documents.map((document) => ({ provider, document })))
    .filter(({ document }) => !options.documentId || document.id === options.documentId);
  const results = new Array<CheckResult>(work.length);
  // Document state is keyed by document id: a second document with the same id (an overlay typo, say)
  // would overwrite the first one's baseline, so it is reported instead of checked.
  const ownerOf = new Map<string, string>();
  const duplicateOf = new Map<number, string>();
  work.forEach(({ provider, document }, i) => {
    const owner = ownerOf.get(document.id);
    if (owner === undefined) ownerOf.set(document.id, provider.id);
    else duplicateOf.set(i, owner);
  });
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < work.length; i = next++) {
      const { provider, document } = work[i]!;
      const owner = duplicateOf.get(i);
      results[i] =
        owner === undefined
          ? await checkDocument({ ...options, clock, read, analyze, compare }, provider, document).catch(
              (err: unknown) =>
                // A bug or a store error for one document must not stop the others; nothing was committed.
                internalError(provider.id, document.id, err),
            )
          : duplicate(provider.id, document.id, owner);
    }
  };
  await Promise.all(
    Array.from({ length: Math.max(1, Math.min(options.concurrency ?? 6, work.length)) }, worker),
  );
  return results;
}

function duplicate(providerId: string, documentId: string, owner: string): CheckResult {
  const error = `document id "${documentId}" is used twice (also by ${owner}); give each catalog document its own id`;
  return { providerId, documentId, status: "failed", highlights: [], error };
}

function internalError(providerId: string, documentId: string, err: unknown): CheckResult {
  const error = `internal error, nothing recorded: ${err instanceof Error ? err.message : String(err)}`;
  return { providerId, documentId, status: "failed", highlights: [], error };
}

type Context = PolicyCheckOptions & { clock: Clock; read: PageReader; analyze: Analyzer; compare: Comparer };

function rulesOf(document: PolicyDocument): ExtractionRules {
  return { select: document.select, remove: document.remove, needsBrowser: document.needsBrowser };
}

function initialState(provider: Provider, document: PolicyDocument): DocumentState {
  return {
    documentId: document.id,
    providerId: provider.id,
    url: document.url,
    rulesKey: null,
    etag: null,
    lastModified: null,
    rawHash: null,
    textHash: null,
    versionId: null,
    failures: 0,
    failingSince: null,
    lastError: null,
    failureMayBeTransient: null,
    notifiedFailure: false,
    lastStatus: null,
    lastCheckedAt: null,
  };
}

async function checkDocument(
  ctx: Context,
  provider: Provider,
  document: PolicyDocument,
): Promise<CheckResult> {
  const { store } = ctx;
  const rules = rulesOf(document);
  const key = rulesKey(rules);
  let state = (await store.documents.state(document.id)) ?? initialState(provider, document);
  // The operator moved the document to another address: neither the validators nor the text of the old
  // page say anything about the new one, so its first readable text becomes a new, silent baseline.
  if (state.url !== document.url) {
    state = { ...state, url: document.url, etag: null, lastModified: null, rawHash: null, textHash: null };
  }
  if (state.rulesKey !== null && state.rulesKey !== key) state = await rebaseline(ctx, state, rules, key);

  const base = { providerId: provider.id, documentId: document.id };
  const notices: Notices = { ctx, provider, document };
  const baselineIntact = state.failures === 0 && state.textHash !== null && state.rulesKey === key;
  const outcome = await ctx.read({
    url: document.url,
    etag: state.etag,
    lastModified: state.lastModified,
    allowRedirectsTo: document.allowRedirectsTo,
    rules,
    // The same bytes as the last readable page: nothing to extract.
    knownRawHash: baselineIntact ? state.rawHash : null,
    // The same words as the last readable version: the text is not sent back.
    previousHash: state.textHash,
  });
  const now = ctx.clock();

  if (outcome.kind === "failed") return recordFailure(notices, state, outcome, key, now);

  let analysis: Analysis;
  let storedRawHash: string | undefined;
  if (outcome.kind === "not-modified") {
    if (baselineIntact) return recordUnchanged(ctx, state, now, base, true);
    const raw = await store.documents.rawPage(document.id);
    if (!raw) {
      return recordFailure(
        notices,
        { ...state, etag: null, lastModified: null },
        // The validators are dropped, so the next check asks for the whole page.
        { reason: "HTTP 304 but no stored copy", mayBeTransient: true },
        key,
        now,
      );
    }
    storedRawHash = raw.rawHash;
    analysis = await ctx.analyze({ gzippedHtml: raw.gzippedHtml, rules, previousHash: state.textHash });
  } else {
    state = { ...state, etag: outcome.etag, lastModified: outcome.lastModified };
    analysis = outcome.analysis;
  }

  if (analysis.ok && analysis.sameBytes) return recordUnchanged(ctx, state, now, base, true);
  const rawToStore = analysis.raw;
  if (!analysis.ok) return recordFailure(notices, state, unreadable(analysis.reason), key, now, rawToStore);
  const rawHash = rawToStore?.rawHash ?? storedRawHash!;

  // Other words: the last readable version (none for a first baseline) is read from the store and
  // compared in the worker — only now, so an unchanged page never moves its previous text around.
  const previous =
    !analysis.sameWords && state.versionId !== null
      ? await store.documents.version(state.versionId)
      : undefined;
  const comparedWith = state.textHash !== null ? previous : undefined;
  let comparison: Comparison | undefined;
  if (comparedWith && !analysis.sameWords) {
    const compared = await ctx.compare({ previous: comparedWith.text, text: analysis.text });
    if (!compared.ok) return recordFailure(notices, state, unreadable(compared.reason), key, now, rawToStore);
    comparison = compared.comparison;
  }

  const recovered = state.failures > 0 ? state : undefined;
  state = {
    ...state,
    failures: 0,
    failingSince: null,
    lastError: null,
    failureMayBeTransient: null,
    notifiedFailure: false,
    rulesKey: key,
  };
  // The same visible words, or words that moved without a sentence added or removed (layout, order):
  // nothing reads differently, so nothing is announced. The new hash is kept so the next identical page
  // is recognised at once; the stored version (and what a later change is diffed against) stays.
  if (analysis.sameWords || (comparison && !comparison.readable)) {
    return store.transaction(async (tx) => {
      if (recovered) await recordRecovery(within(notices, tx), recovered, now);
      const next = { ...state, rawHash, textHash: analysis.hash };
      return recordUnchanged({ ...ctx, store: tx }, next, now, base, false, rawToStore);
    });
  }
  return store.transaction(async (tx) => {
    if (recovered) await recordRecovery(within(notices, tx), recovered, now);
    return recordChange(within(notices, tx), state, {
      text: analysis.text,
      hash: analysis.hash,
      rawHash,
      raw: rawToStore,
      previous: comparedWith,
      changes: comparison?.changes ?? [],
      effectiveDate: analysis.effectiveDate,
      highlights: comparison?.highlights ?? [],
      now,
    });
  });
}

/**
 * A page fetched but not read (its selectors found nothing, a consent wall, a reader limit): counted like a
 * transient fetch failure, so one odd answer raises nothing until it repeats.
 */
const unreadable = (reason: string): CheckFailure => ({ reason, mayBeTransient: true });

async function recordUnchanged(
  ctx: Context,
  state: DocumentState,
  now: Date,
  base: { providerId: string; documentId: string },
  notModified: boolean,
  raw?: RawCopy,
): Promise<CheckResult> {
  await ctx.store.transaction(async (tx) => {
    if (raw) await tx.documents.saveRawPage({ documentId: state.documentId, ...raw, fetchedAt: now });
    await tx.documents.saveState({ ...state, lastStatus: "unchanged", lastCheckedAt: now });
  });
  return {
    ...base,
    status: "unchanged",
    highlights: [],
    ...(state.versionId !== null ? { versionId: state.versionId } : {}),
    ...(notModified ? { notModified } : {}),
  };
}

/**
 * The document's rules (or the extractor) changed since its baseline: re-extract the stored page and
 * record the result silently, so the next fetch is compared like with like. Without a usable stored page
 * the baseline is cleared and the next readable fetch becomes the new one, also silently.
 */
async function rebaseline(
  ctx: Context,
  state: DocumentState,
  rules: ExtractionRules,
  key: string,
): Promise<DocumentState> {
  const { store } = ctx;
  const raw = await store.documents.rawPage(state.documentId);
  const extraction = raw ? await ctx.analyze({ gzippedHtml: raw.gzippedHtml, rules }) : undefined;
  const now = ctx.clock();
  return store.transaction(async (tx) => {
    if (raw && extraction?.ok && !extraction.sameBytes && !extraction.sameWords) {
      const { version } = await tx.documents.recordVersion(
        {
          documentId: state.documentId,
          providerId: state.providerId,
          hash: extraction.hash,
          rawHash: raw.rawHash,
          text: extraction.text,
          effectiveDate: extraction.effectiveDate ?? null,
          baseline: true,
        },
        now,
      );
      const next = {
        ...state,
        rulesKey: key,
        textHash: extraction.hash,
        rawHash: raw.rawHash,
        versionId: version.id,
      };
      await tx.documents.saveState(next);
      return next;
    }
    const next = { ...state, rulesKey: key, textHash: null, rawHash: null, etag: null, lastModified: null };
    await tx.documents.saveState(next);
    return next;
  });
}
