import type { Database } from "better-sqlite3";
import { z } from "zod";
import type {
  BrokenLink,
  DocumentRepository,
  DocumentState,
  DocumentVersion,
  RawPage,
  ReviewFlag,
  VersionSummary,
} from "../monitor.js";
import type { Sync } from "./gate.js";
import { iso, isoOrNull, toIso } from "./rows.js";

const StateRow = z
  .object({
    document_id: z.string(),
    provider_id: z.string(),
    url: z.string(),
    rules_key: z.string().nullable(),
    etag: z.string().nullable(),
    last_modified: z.string().nullable(),
    raw_hash: z.string().nullable(),
    text_hash: z.string().nullable(),
    version_id: z.number().nullable(),
    failures: z.number().int().nonnegative(),
    failing_since: isoOrNull,
    last_error: z.string().nullable(),
    notified_failure: z.number(),
    last_status: z.enum(["new", "unchanged", "changed", "failed"]).nullable(),
    last_checked_at: isoOrNull,
  })
  .transform(
    (r): DocumentState => ({
      documentId: r.document_id,
      providerId: r.provider_id,
      url: r.url,
      rulesKey: r.rules_key,
      etag: r.etag,
      lastModified: r.last_modified,
      rawHash: r.raw_hash,
      textHash: r.text_hash,
      versionId: r.version_id,
      failures: r.failures,
      failingSince: r.failing_since,
      lastError: r.last_error,
      notifiedFailure: r.notified_failure === 1,
      lastStatus: r.last_status,
      lastCheckedAt: r.last_checked_at,
    }),
  );

const BrokenLinkRow = z
  .object({ provider_id: z.string(), url: z.string(), reason: z.string(), since: iso })
  .transform(
    (r): BrokenLink => ({ providerId: r.provider_id, url: r.url, reason: r.reason, since: r.since }),
  );

const summaryColumns = {
  id: z.number(),
  document_id: z.string(),
  provider_id: z.string(),
  hash: z.string(),
  raw_hash: z.string(),
  first_seen_at: iso,
  last_seen_at: iso,
  effective_date: z.string().nullable(),
  baseline: z.number(),
};

const toSummary = (r: z.infer<z.ZodObject<typeof summaryColumns>>) => ({
  id: r.id,
  documentId: r.document_id,
  providerId: r.provider_id,
  hash: r.hash,
  rawHash: r.raw_hash,
  firstSeenAt: r.first_seen_at,
  lastSeenAt: r.last_seen_at,
  effectiveDate: r.effective_date,
  baseline: r.baseline === 1,
});

const VersionRow = z
  .object({ ...summaryColumns, text: z.string() })
  .transform((r): DocumentVersion => ({ ...toSummary(r), text: r.text }));

const SummaryRow = z
  .object({ ...summaryColumns, chars: z.number() })
  .transform((r): VersionSummary => ({ ...toSummary(r), chars: r.chars }));

const RawRow = z.object({
  document_id: z.string(),
  raw_hash: z.string(),
  body: z.instanceof(Buffer),
  fetched_at: iso,
});

const ReviewRow = z
  .object({ provider_id: z.string(), document_id: z.string(), version_id: z.number().nullable(), since: iso })
  .transform(
    (r): ReviewFlag => ({
      providerId: r.provider_id,
      documentId: r.document_id,
      versionId: r.version_id,
      since: r.since,
    }),
  );

const SUMMARY_SELECT = `SELECT id, document_id, provider_id, hash, raw_hash, first_seen_at, last_seen_at, effective_date,
  baseline, length(text) AS chars FROM document_versions`;

export function sqliteDocuments(db: Database): Sync<DocumentRepository> {
  const readVersion = (row: unknown) => (row === undefined ? undefined : VersionRow.parse(row));
  const upsertState = db.prepare(`
    INSERT INTO document_state (document_id, provider_id, url, rules_key, etag, last_modified, raw_hash, text_hash,
      version_id, failures, failing_since, last_error, notified_failure, last_status, last_checked_at)
    VALUES (@documentId, @providerId, @url, @rulesKey, @etag, @lastModified, @rawHash, @textHash, @versionId,
      @failures, @failingSince, @lastError, @notifiedFailure, @lastStatus, @lastCheckedAt)
    ON CONFLICT (document_id) DO UPDATE SET provider_id = excluded.provider_id, url = excluded.url,
      rules_key = excluded.rules_key, etag = excluded.etag, last_modified = excluded.last_modified,
      raw_hash = excluded.raw_hash, text_hash = excluded.text_hash, version_id = excluded.version_id,
      failures = excluded.failures, failing_since = excluded.failing_since, last_error = excluded.last_error,
      notified_failure = excluded.notified_failure, last_status = excluded.last_status,
      last_checked_at = excluded.last_checked_at`);
  const versionByHash = db.prepare("SELECT * FROM document_versions WHERE document_id = ? AND hash = ?");
  const insertVersion = db.prepare(`
    INSERT INTO document_versions (document_id, provider_id, hash, raw_hash, text, first_seen_at, last_seen_at,
      effective_date, baseline)
    VALUES (@documentId, @providerId, @hash, @rawHash, @text, @now, @now, @effectiveDate, @baseline)`);
  const touchVersion = db.prepare("UPDATE document_versions SET last_seen_at = ? WHERE id = ?");
  // Read on every /ai-privacy answer: prepared once.
  const allReviewFlags = db.prepare("SELECT * FROM needs_review ORDER BY provider_id");

  return {
    state(documentId) {
      const row = db.prepare("SELECT * FROM document_state WHERE document_id = ?").get(documentId);
      return row === undefined ? undefined : StateRow.parse(row);
    },
    saveState(state) {
      upsertState.run({
        ...state,
        failingSince: state.failingSince ? toIso(state.failingSince) : null,
        notifiedFailure: state.notifiedFailure ? 1 : 0,
        lastCheckedAt: state.lastCheckedAt ? toIso(state.lastCheckedAt) : null,
      });
    },
    allStates: () =>
      db
        .prepare("SELECT * FROM document_state ORDER BY provider_id, document_id")
        .all()
        .map((row) => StateRow.parse(row)),
    recordVersion(version, now) {
      const known = readVersion(versionByHash.get(version.documentId, version.hash));
      if (known) {
        touchVersion.run(toIso(now), known.id);
        return { version: { ...known, lastSeenAt: now }, seenBefore: true };
      }
      insertVersion.run({ ...version, now: toIso(now), baseline: version.baseline ? 1 : 0 });
      const stored = readVersion(versionByHash.get(version.documentId, version.hash));
      if (!stored) throw new Error(`document version for ${version.documentId} vanished after insert`);
      return { version: stored, seenBefore: false };
    },
    version: (id) => readVersion(db.prepare("SELECT * FROM document_versions WHERE id = ?").get(id)),
    findVersion(documentId, hashOrPrefix) {
      const ref = hashOrPrefix.trim().replace(/^#/, "").toLowerCase();
      if (/^\d+$/.test(ref)) {
        return readVersion(
          db
            .prepare("SELECT * FROM document_versions WHERE document_id = ? AND id = ?")
            .get(documentId, Number(ref)),
        );
      }
      // A hash prefix must be long enough to mean something (and never an empty LIKE pattern).
      if (!/^[0-9a-f]{4,64}$/.test(ref)) return undefined;
      const row = db
        .prepare("SELECT * FROM document_versions WHERE document_id = ? AND hash LIKE ? ORDER BY id LIMIT 1")
        .get(documentId, `${ref}%`);
      return readVersion(row);
    },
    versions: (documentId, limit = 50) =>
      db
        .prepare(`${SUMMARY_SELECT} WHERE document_id = ? ORDER BY first_seen_at DESC, id DESC LIMIT ?`)
        .all(documentId, limit)
        .map((row) => SummaryRow.parse(row)),
    previousVersion(documentId, versionId) {
      const row = db
        .prepare(
          `SELECT * FROM document_versions WHERE document_id = ? AND id != ?
             AND (first_seen_at, id) < (SELECT first_seen_at, id FROM document_versions WHERE id = ?)
           ORDER BY first_seen_at DESC, id DESC LIMIT 1`,
        )
        .get(documentId, versionId, versionId);
      return readVersion(row);
    },
    saveRawPage(page: RawPage) {
      db.prepare(
        `INSERT INTO document_raw (document_id, raw_hash, body, fetched_at) VALUES (?, ?, ?, ?)
         ON CONFLICT (document_id) DO UPDATE SET raw_hash = excluded.raw_hash, body = excluded.body,
           fetched_at = excluded.fetched_at`,
      ).run(page.documentId, page.rawHash, page.gzippedHtml, toIso(page.fetchedAt));
    },
    rawPage(documentId) {
      const row = db.prepare("SELECT * FROM document_raw WHERE document_id = ?").get(documentId);
      if (row === undefined) return undefined;
      const r = RawRow.parse(row);
      return {
        documentId: r.document_id,
        rawHash: r.raw_hash,
        gzippedHtml: new Uint8Array(r.body),
        fetchedAt: r.fetched_at,
      };
    },
    flagForReview(flag) {
      // The first flag's time is kept: "needs review since" is when the steps first may have gone stale.
      db.prepare(
        `INSERT INTO needs_review (provider_id, document_id, version_id, since) VALUES (?, ?, ?, ?)
         ON CONFLICT (provider_id) DO UPDATE SET document_id = excluded.document_id, version_id = excluded.version_id`,
      ).run(flag.providerId, flag.documentId, flag.versionId, toIso(flag.since));
    },
    clearReview: (providerId) =>
      db.prepare("DELETE FROM needs_review WHERE provider_id = ?").run(providerId).changes > 0,
    reviewFlags: () => allReviewFlags.all().map((row) => ReviewRow.parse(row)),
    markLinkBroken(link) {
      db.prepare(
        `INSERT INTO broken_links (provider_id, url, reason, since) VALUES (?, ?, ?, ?)
         ON CONFLICT (provider_id, url) DO UPDATE SET reason = excluded.reason`,
      ).run(link.providerId, link.url, link.reason, toIso(link.since));
    },
    clearBrokenLink: (providerId, url) =>
      db.prepare("DELETE FROM broken_links WHERE provider_id = ? AND url = ?").run(providerId, url).changes >
      0,
    brokenLinks: () =>
      db
        .prepare("SELECT * FROM broken_links ORDER BY provider_id, url")
        .all()
        .map((row) => BrokenLinkRow.parse(row)),
  };
}
