/** Repositories for the policy-change monitor: per-document state, versions, the last raw page, reviews. */

export type DocumentCheckStatus = "new" | "unchanged" | "changed" | "failed";

export interface DocumentState {
  documentId: string;
  providerId: string;
  url: string;
  /** Identifies the select/remove rules (and extractor release) that `textHash` was computed with. */
  rulesKey: string | null;
  etag: string | null;
  lastModified: string | null;
  /** Hash of the last readable raw page and of its compared text: the baseline for the next check. */
  rawHash: string | null;
  textHash: string | null;
  versionId: number | null;
  /** Consecutive failed checks; 0 while readable. */
  failures: number;
  failingSince: Date | null;
  lastError: string | null;
  /**
   * Whether the last failure may be transient (timeout, connection, DNS, HTTP 5xx/408/429): such a failure is
   * announced only once it repeats, any other at once. Null while readable or for a failure stored before.
   */
  failureMayBeTransient: boolean | null;
  /** The "can't read" notice for the current outage has been enqueued. */
  notifiedFailure: boolean;
  lastStatus: DocumentCheckStatus | null;
  lastCheckedAt: Date | null;
}

export interface DocumentVersion {
  id: number;
  documentId: string;
  providerId: string;
  /** Hash of the compared text (see monitor/extract `textHash`). */
  hash: string;
  rawHash: string;
  text: string;
  firstSeenAt: Date;
  lastSeenAt: Date;
  effectiveDate: string | null;
  /** Recorded silently: the first readable version, or a re-extraction after the rules changed. */
  baseline: boolean;
}

export type VersionSummary = Omit<DocumentVersion, "text"> & { chars: number };

export interface NewDocumentVersion {
  documentId: string;
  providerId: string;
  hash: string;
  rawHash: string;
  text: string;
  effectiveDate: string | null;
  baseline: boolean;
}

export interface RawPage {
  documentId: string;
  rawHash: string;
  /**
   * The decoded HTML, gzipped (RFC 1952), kept so that new selectors can be applied without announcing a
   * change. The monitor compresses and decompresses it in its worker threads; the store only keeps bytes.
   */
  gzippedHtml: Uint8Array;
  fetchedAt: Date;
}

export interface ReviewFlag {
  providerId: string;
  documentId: string;
  versionId: number | null;
  since: Date;
}

/** A settings or help-article link that answered 404/410 or redirected to another site. */
export interface BrokenLink {
  providerId: string;
  url: string;
  /** "HTTP 404", "redirects to another site (example.com)". */
  reason: string;
  since: Date;
}

export interface DocumentRepository {
  state(documentId: string): Promise<DocumentState | undefined>;
  saveState(state: DocumentState): Promise<void>;
  allStates(): Promise<DocumentState[]>;
  /** Inserts the version, or when this text was seen before, refreshes its last-seen time. */
  recordVersion(
    version: NewDocumentVersion,
    now: Date,
  ): Promise<{ version: DocumentVersion; seenBefore: boolean }>;
  version(id: number): Promise<DocumentVersion | undefined>;
  findVersion(documentId: string, hashOrPrefix: string): Promise<DocumentVersion | undefined>;
  /** Newest first, without the text. */
  versions(documentId: string, limit?: number): Promise<VersionSummary[]>;
  /** The version recorded just before this one (by first-seen time), if any. */
  previousVersion(documentId: string, versionId: number): Promise<DocumentVersion | undefined>;
  saveRawPage(page: RawPage): Promise<void>;
  rawPage(documentId: string): Promise<RawPage | undefined>;
  flagForReview(flag: ReviewFlag): Promise<void>;
  clearReview(providerId: string): Promise<boolean>;
  reviewFlags(): Promise<ReviewFlag[]>;
  /** Keeps the first `since` of a link that stays broken. */
  markLinkBroken(link: BrokenLink): Promise<void>;
  /** True when the link was marked broken (a recovery). */
  clearBrokenLink(providerId: string, url: string): Promise<boolean>;
  brokenLinks(): Promise<BrokenLink[]>;
}
